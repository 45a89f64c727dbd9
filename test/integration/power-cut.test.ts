import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import { COMPILED_BIN } from '../support/cli.js';
import { ensureCompiled } from '../support/compiled.js';
import { testedDialects } from '../support/databases.js';
import { createTestDatabase } from '../support/postgres.js';
import { customerWithCase, serveEnv, smtpDialog } from '../support/serve-process.js';

/**
 * RELIABILITY T5, a power cut after the 250. A VM reset or dm-flakey is not available on a shared
 * test machine; the closest honest substitute is SIGKILL of serve's whole process group the moment
 * the client has read "250": no exit handler, no flush, no graceful stop runs. Every acknowledged
 * Message-ID must be there after the restart. This proves the commit protocol (nothing is
 * acknowledged before its transaction committed), not the disk (docs/reliability.md, "T5, what it
 * proves"): the kernel's page cache survives a killed process, as it would not survive a real power cut.
 */

const LOOPS = Number(process.env.T5_LOOPS ?? 100);
const CUSTOMER = 'kim@kunde.example';

/** The compiled serve in a process group of its own (detached), so that the whole group can be killed. */
async function startServeGroup(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [COMPILED_BIN, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      log += c.toString();
      if (log.includes('"supportal is up"')) {
        child.stderr!.off('data', onData);
        child.stderr!.resume();
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`serve exited (${code ?? signal}) before it was up:\n${log.slice(-3000)}`)));
  });
  return child;
}

function powerCut(child: ChildProcess): Promise<unknown> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGKILL');
  return exited;
}

// The two databases side by side: each loop mostly waits for serve to start (about 1 s on an idle
// machine, measured), so the file takes the time of one.
describe('RELIABILITY T5', { concurrency: 2 }, () => {
  for (const dialect of testedDialects()) {
    test(`RELIABILITY T5 on ${dialect}: serve's process group killed right after each 250, ${LOOPS} times → every acknowledged Message-ID is stored, byte for byte`, { timeout: 600_000 }, async () => {
      ensureCompiled();
      const env = await serveEnv();
      if (dialect === 'postgres') env.SUPPORTAL_DATABASE_URL = await createTestDatabase();
      const url = env.SUPPORTAL_DATABASE_URL ?? `sqlite:${join(env.SUPPORTAL_DATA_DIR!, 'supportal.sqlite')}`;
      const acknowledged = new Map<string, string>(); // Message-ID → sha256 of the bytes sent
      try {
        const caseNumber = customerWithCase(env, CUSTOMER);
        for (let i = 0; i < LOOPS; i++) {
          const serve = await startServeGroup(env);
          // Stored as the bare id, lower-cased.
          const messageId = `t5-${i}-${process.pid}@kunde.example`;
          // Bytes as they are stored: CRLF lines, the final dot not included.
          const raw = `From: Kim <${CUSTOMER}>\r\nTo: support@support.example.com\r\nSubject: Re: [Case #${caseNumber}] Export\r\nMessage-ID: <${messageId}>\r\nDate: Sun, 06 Dec 2026 15:00:00 +0000\r\n\r\nStromausfall ${i}: bitte nicht verlieren.\r\n`;
          const c = await smtpDialog(Number(env.SUPPORTAL_SMTP_PORT));
          try {
            assert.match(await c.command('EHLO client.example'), /^250/);
            assert.match(await c.command(`MAIL FROM:<${CUSTOMER}>`), /^250/);
            assert.match(await c.command('RCPT TO:<support@support.example.com>'), /^250/);
            assert.match(await c.command('DATA'), /^354/);
            c.write(raw + '.\r\n');
            const answer = await c.reply();
            // The cut comes the moment the 250 is read, before anything else can happen in serve.
            const cut = powerCut(serve);
            assert.match(answer ?? 'closed', /^250 /, `mail ${i} was acknowledged`);
            acknowledged.set(messageId, createHash('sha256').update(raw).digest('hex'));
            await cut;
          } finally {
            c.close();
            if (serve.exitCode === null && serve.signalCode === null) await powerCut(serve);
          }
        }

        // After the last cut, a restart must come up on what is on disk and find every mail.
        const after = await startServeGroup(env);
        await powerCut(after);
        const h = openDatabase(url);
        try {
          const rows = (await sql<{ message_id: string | null; sha256: string }>`select message_id, sha256 from inbound_mails`.execute(h.db)).rows;
          const stored = new Map(rows.map((r) => [r.message_id, r.sha256]));
          const missing = [...acknowledged.keys()].filter((id) => !stored.has(id));
          assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.size} acknowledged mails are missing`);
          for (const [id, sha] of acknowledged) assert.equal(stored.get(id), sha, `${id} is stored byte for byte`);
          assert.equal(acknowledged.size, LOOPS);
          assert.equal(rows.length, LOOPS, 'nothing else was stored');
        } finally {
          await h.close();
        }
      } finally {
        rmSync(env.SUPPORTAL_DATA_DIR!, { recursive: true, force: true });
      }
    });
  }
});
