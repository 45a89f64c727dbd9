import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { customerWithCase, serveEnv, smtpDialog, startServe } from '../support/serve-process.js';
import { rgbPng } from '../support/png.js';
import { sql } from 'kysely';
import { LIMITS } from '../../src/config/limits.js';
import { openDatabase } from '../../src/db/database.js';
import { dialectLeftOut, testedDialects } from '../support/databases.js';
import { createTestDatabase, freePort } from '../support/postgres.js';

/** A clamd that takes connections and never answers: every scan hangs (for its 30 s timeout). */
async function silentClamd(): Promise<{ url: string; stop(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `tcp://127.0.0.1:${(server.address() as { port: number }).port}`,
    stop() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

function openDb(env: Record<string, string>): Database.Database {
  return new Database(join(env.SUPPORTAL_DATA_DIR!, 'supportal.sqlite'), { readonly: true });
}

for (const dialect of testedDialects()) {
  test(`C7 on ${dialect}: SIGTERM during a backlog → exit 0, no job left leased, every 250 stored; after a restart each mail is processed exactly once`, { timeout: 240_000 }, async () => {
    const clamd = await silentClamd();
    const env = await serveEnv();
    if (dialect === 'postgres') env.SUPPORTAL_DATABASE_URL = await createTestDatabase();
    const customer = 'kim@kunde.example';
    const count = async (q: string): Promise<number> => {
      const h = openDatabase(env.SUPPORTAL_DATABASE_URL ?? `sqlite:${join(env.SUPPORTAL_DATA_DIR!, 'supportal.sqlite')}`);
      try {
        const r = await sql<{ n: number | string }>`${sql.raw(q)}`.execute(h.db);
        return Number(r.rows[0]!.n);
      } finally {
        await h.close();
      }
    };
    const ids = async (q: string): Promise<string[]> => {
      const h = openDatabase(env.SUPPORTAL_DATABASE_URL ?? `sqlite:${join(env.SUPPORTAL_DATA_DIR!, 'supportal.sqlite')}`);
      try {
        return (await sql<{ id: string }>`${sql.raw(q)}`.execute(h.db)).rows.map((r) => r.id);
      } finally {
        await h.close();
      }
    };
    try {
      const caseNumber = customerWithCase(env, customer);
      // Every reply carries a screenshot, so every job hangs in the virus scan: the jobs claimed
      // when SIGTERM comes cannot finish within the grace period and must be given back.
      const serve = await startServe({ ...env, SUPPORTAL_CLAMAV: clamd.url });
      const png = rgbPng(8, 8, (y) => Buffer.alloc(24, y * 20));
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: serve.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 8, maxMessages: Infinity });
      const acked = new Set<string>();
      let refused = 0;
      let terminatedAt = 0;
      const TOTAL = 240;
      await Promise.all(
        Array.from({ length: TOTAL }, (_, i) =>
          transport
            .sendMail({ from: customer, to: 'support@support.example.com', subject: `Re: [Case #${caseNumber}] Export`, text: `Antwort ${i}`, attachments: [{ filename: `shot-${i}.png`, content: png }] })
            .then(
              (info) => {
                const id = /stored as (\S+)/.exec(info.response)?.[1];
                assert.ok(id, info.response);
                acked.add(id);
                // Mid-backlog: mails are still arriving and jobs are claimed.
                if (acked.size === 80) {
                  terminatedAt = Date.now();
                  serve.child.kill('SIGTERM');
                }
              },
              (err: { responseCode?: number }) => {
                // Not acknowledged: a temporary refusal or a connection the stopping server closed.
                assert.ok(err.responseCode === undefined || (err.responseCode >= 400 && err.responseCode < 500), `refused with ${err.responseCode}`);
                refused++;
              },
            ),
        ),
      );
      transport.close();
      const end = await serve.exited;
      const stopMs = Date.now() - terminatedAt;
      assert.deepEqual(end, { code: 0, signal: null }, serve.log().slice(-2000));
      assert.ok(terminatedAt > 0 && acked.size >= 80 && acked.size + refused === TOTAL, `${acked.size} acked, ${refused} refused`);
      assert.ok(stopMs < LIMITS.shutdownGraceMs + 10_000, `stopped in ${stopMs} ms`);
      assert.match(serve.log(), /released claimed jobs that did not finish/);

      assert.equal(await count("select count(*) n from jobs where status = 'running' or locked_until is not null"), 0, 'no job is left running under a lease');
      const stored = new Set(await ids('select id from inbound_mails'));
      for (const id of acked) assert.ok(stored.has(id), `acknowledged mail ${id} is stored`);

      // The restart, with a scanner that is not there (no SUPPORTAL_CLAMAV: "not scanned").
      const again = await startServe(env);
      const deadline = Date.now() + 120_000;
      for (;;) {
        const open = await count("select count(*) n from jobs where status <> 'done'");
        if (open === 0) break;
        assert.ok(Date.now() < deadline, `${open} jobs still open after 120 s`);
        await new Promise((r) => setTimeout(r, 300));
      }
      again.child.kill('SIGTERM');
      assert.deepEqual(await again.exited, { code: 0, signal: null });

      const mails = stored.size;
      assert.equal(await count("select count(*) n from inbound_mails where status <> 'accepted'"), 0, 'every stored mail was accepted');
      assert.equal(await count('select count(distinct inbound_mail_id) n from messages where inbound_mail_id is not null'), mails, 'every stored mail became a case message');
      assert.equal(await count('select count(*) n from messages where inbound_mail_id is not null'), mails, 'exactly one case message per mail');
      const inCase = new Set(await ids('select inbound_mail_id id from messages where inbound_mail_id is not null'));
      for (const id of acked) assert.ok(inCase.has(id), `acknowledged mail ${id} is in the case`);
      assert.equal(await count("select count(*) n from outbound_mails where kind = 'receipt'"), mails, 'one receipt per mail');
      assert.equal(await count('select max(attempts) n from jobs'), 1, 'a released claim is not counted as a failed attempt');
    } finally {
      clamd.stop();
      rmSync(env.SUPPORTAL_DATA_DIR!, { recursive: true, force: true });
    }
  });
}

test('C7: a client in the middle of DATA at SIGTERM (SMTP and LMTP) gets 250 (and the mail is stored) if it finishes in time, else 421 4.3.2 (and nothing is kept)', { timeout: 120_000, skip: dialectLeftOut('sqlite') }, async () => {
  const env = await serveEnv({ SUPPORTAL_WORKERS: 'off', SUPPORTAL_LMTP_PORT: String(await freePort()) });
  try {
    const serve = await startServe(env);
    const start = async (port: number, hello: string, subject: string) => {
      const c = await smtpDialog(port);
      assert.match(await c.command(`${hello} client.example`), /^250/);
      assert.match(await c.command('MAIL FROM:<kim@kunde.example>'), /^250/);
      assert.match(await c.command('RCPT TO:<support@support.example.com>'), /^250/);
      assert.match(await c.command('DATA'), /^354/);
      c.write(`From: kim@kunde.example\r\nTo: support@support.example.com\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@kunde.example>\r\n\r\nErster Teil\r\n`);
      return c;
    };
    const quick = await start(serve.smtpPort, 'EHLO', 'quick');
    const quickLmtp = await start(Number(env.SUPPORTAL_LMTP_PORT), 'LHLO', 'quick-lmtp');
    const slow = await start(serve.smtpPort, 'EHLO', 'slow');
    const idle = await smtpDialog(serve.smtpPort);
    assert.match(await idle.command('EHLO idle.example'), /^250/);
    // The DATA phases have begun on the server before the signal.
    await new Promise((r) => setTimeout(r, 300));
    const terminatedAt = Date.now();
    serve.child.kill('SIGTERM');

    // A connection without a mail in progress is told at once.
    assert.match((await idle.reply()) ?? 'closed', /^421 4\.3\.2 /);
    await new Promise((r) => setTimeout(r, 1000));
    const finish = async (c: Awaited<ReturnType<typeof start>>) => {
      c.write('Zweiter Teil\r\n.\r\n');
      const answer = await c.command(null);
      assert.match(answer, /^250 /, 'finished within the grace period: stored and acknowledged');
      return /stored as (\S+)/.exec(answer)![1]!;
    };
    const storedIds = [await finish(quick), await finish(quickLmtp)];
    // The slow client never sends its final dot.
    const slowAnswer = await slow.reply();
    const waited = Date.now() - terminatedAt;
    assert.match(slowAnswer ?? 'closed', /^421 4\.3\.2 /);
    assert.ok(waited >= LIMITS.shutdownGraceMs - 500, `421 came after ${waited} ms, the grace is ${LIMITS.shutdownGraceMs}`);
    for (const c of [quick, quickLmtp, slow, idle]) c.close();
    assert.deepEqual(await serve.exited, { code: 0, signal: null }, serve.log().slice(-2000));

    const db = openDb(env);
    const mails = db.prepare('select id, channel from inbound_mails order by channel').all() as Array<{ id: string; channel: string }>;
    assert.deepEqual(mails, [{ id: storedIds[1], channel: 'lmtp' }, { id: storedIds[0], channel: 'smtp' }], 'the acknowledged mails are stored, the cut-off one is not');
    const chunks = db.prepare('select count(*) n from inbound_mail_chunks').get() as { n: number };
    assert.equal(chunks.n, 0, 'nothing of the cut-off mail is kept');
    db.close();
  } finally {
    rmSync(env.SUPPORTAL_DATA_DIR!, { recursive: true, force: true });
  }
});
