import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { cliAsync } from '../support/cli.js';
import { testedDialects } from '../support/databases.js';
import { createTestDatabase } from '../support/postgres.js';
import { customerWithCase, serveEnv, startServe, type ServeProcess } from '../support/serve-process.js';
import { plainMail } from '../support/mail-builders.js';
import { openDatabase } from '../../src/db/database.js';
import { INGEST_SOCKET_FILE } from '../../src/config/ingest-handoff.js';

const CUSTOMER = 'kim@kunde.example';
const SUPPORT = 'support@support.example.com';
/** Where ingest would find a database if it opened one: nowhere. Only the handoff can succeed. */
const NO_DATABASE = 'postgres://nobody@127.0.0.1:1/none';

interface InboundRow {
  id: string;
  channel: string;
  envelope_from: string | null;
  envelope_to: string;
  remote_ip: string | null;
  raw: Uint8Array | null;
  status: string;
  reason: string | null;
  duplicate_of: string | null;
}

function databaseUrl(env: Record<string, string>): string {
  return env.SUPPORTAL_DATABASE_URL ?? `sqlite:${join(env.SUPPORTAL_DATA_DIR!, 'supportal.sqlite')}`;
}

async function inboundRow(env: Record<string, string>, id: string): Promise<InboundRow | undefined> {
  const h = openDatabase(databaseUrl(env));
  try {
    const r = await sql<InboundRow>`select id, channel, envelope_from, envelope_to, remote_ip, raw, status, reason, duplicate_of from inbound_mails where id = ${id}`.execute(h.db);
    return r.rows[0];
  } finally {
    await h.close();
  }
}

async function countByMessageId(env: Record<string, string>, messageId: string): Promise<number> {
  const h = openDatabase(databaseUrl(env));
  try {
    const r = await sql<{ n: number | string }>`select count(*) as n from inbound_mails where message_id = ${messageId}`.execute(h.db);
    return Number(r.rows[0]!.n);
  } finally {
    await h.close();
  }
}

/** Waits until serve's workers gave the mail its outcome. */
async function processed(env: Record<string, string>, id: string): Promise<InboundRow> {
  for (let i = 0; i < 600; i++) {
    const row = await inboundRow(env, id);
    if (row && row.status !== 'received') return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mail ${id} not processed within 60 s`);
}

for (const dialect of testedDialects()) {
  describe(`supportal ingest hands the mail to a running serve on ${dialect}`, () => {
    let env: Record<string, string>;
    let serve: ServeProcess;
    let caseNo: number;
    const reply = (tag: string, body = 'Jetzt geht es.') => plainMail({ from: CUSTOMER, to: SUPPORT, subject: `Re: [Case #${caseNo}] Export`, body, messageId: `${tag}-${Date.now()}@kunde.example` });

    before(async () => {
      env = await serveEnv();
      if (dialect === 'postgres') env.SUPPORTAL_DATABASE_URL = await createTestDatabase();
      caseNo = customerWithCase(env, CUSTOMER);
      // A socket file left by a serve that was killed: the next serve takes its place.
      writeFileSync(join(env.SUPPORTAL_DATA_DIR!, INGEST_SOCKET_FILE), '');
      serve = await startServe(env);
    });
    after(async () => {
      await serve.stop();
    });

    test('the handoff socket is in the data directory, a socket only its owner may use', () => {
      const st = statSync(join(env.SUPPORTAL_DATA_DIR!, INGEST_SOCKET_FILE));
      assert.ok(st.isSocket(), 'a Unix socket');
      assert.equal(st.mode & 0o777, 0o600);
    });

    test('ingest without a database of its own: serve stores the mail (channel pipe, envelope as given), ingest prints its id and exits 0; serve processes it', async () => {
      const raw = reply('handoff');
      const r = await cliAsync(['ingest', '--sender', CUSTOMER, '--recipient', SUPPORT, '--recipient', 'support+extra@support.example.com'], { ...env, SUPPORTAL_DATABASE_URL: NO_DATABASE }, raw);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim()) as { status: string; reason: string | null; case: number | null; mail: string };
      assert.deepEqual([out.status, out.reason], ['queued', null]);
      const row = await inboundRow(env, out.mail);
      assert.ok(row, 'the printed id is the stored mail');
      assert.equal(row.channel, 'pipe');
      assert.equal(row.envelope_from, CUSTOMER);
      assert.deepEqual(JSON.parse(row.envelope_to), [SUPPORT, 'support+extra@support.example.com']);
      assert.equal(row.remote_ip, null);
      assert.ok(Buffer.from(row.raw!).equals(raw), 'stored byte for byte');
      await serve.waitForLine((l) => l.msg === 'mail handed over by supportal ingest stored' && l.mail === out.mail);
      const done = await processed(env, out.mail);
      assert.deepEqual([done.status, done.reason], ['accepted', null]);
    });

    test('without --sender and --recipient: an unknown sender (not the null sender) and serve\'s support address, as in-process; dot lines and LF line ends survive', async () => {
      const raw = Buffer.from(`From: ${CUSTOMER}\nTo: ${SUPPORT}\nSubject: Re: [Case #${caseNo}] Export\nMessage-ID: <lf-${Date.now()}@kunde.example>\n\n.\n..two dots\n.\r\nend\n`);
      const r = await cliAsync(['ingest'], { ...env, SUPPORTAL_DATABASE_URL: NO_DATABASE }, raw);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim()) as { status: string; mail: string };
      assert.equal(out.status, 'queued');
      const row = (await inboundRow(env, out.mail))!;
      assert.equal(row.envelope_from, null);
      assert.deepEqual(JSON.parse(row.envelope_to), [SUPPORT]);
      // DATA ends with CRLF "." CRLF: a mail without a final CRLF gets one, nothing else changes.
      assert.ok(Buffer.from(row.raw!).equals(Buffer.concat([raw, Buffer.from('\r\n')])), Buffer.from(row.raw!).toString());
    });

    test('the same mail again is a duplicate, reported as such', async () => {
      const raw = reply('twice');
      const first = JSON.parse((await cliAsync(['ingest'], env, raw)).stdout.trim()) as { mail: string };
      const again = await cliAsync(['ingest'], env, raw);
      assert.equal(again.status, 0, again.stderr);
      const out = JSON.parse(again.stdout.trim()) as { status: string; reason: string; mail: string };
      assert.deepEqual([out.status, out.reason], ['duplicate', 'duplicate']);
      assert.equal((await inboundRow(env, out.mail))!.duplicate_of, first.mail);
    });

    test('RELIABILITY T3 through the handoff: a mail that cannot be read to its end → exit 75, serve keeps nothing of it', async () => {
      const h = openDatabase(databaseUrl(env));
      const count = async () => Number((await sql<{ n: number | string }>`select count(*) as n from inbound_mails`.execute(h.db)).rows[0]!.n);
      try {
        const before = await count();
        // A directory: opened, then EISDIR on the first read, after serve said 354.
        const r = await cliAsync(['ingest', '--file', env.SUPPORTAL_DATA_DIR!], { ...env, SUPPORTAL_DATABASE_URL: NO_DATABASE });
        assert.equal(r.status, 75, r.stderr);
        assert.match(r.stderr, /cannot read the mail/);
        assert.equal(await count(), before);
      } finally {
        await h.close();
      }
    });

    test('without serve, ingest processes the mail itself, as before', async () => {
      await serve.stop();
      assert.equal(existsSync(join(env.SUPPORTAL_DATA_DIR!, INGEST_SOCKET_FILE)), false, 'serve removes its socket when it stops');
      const unreachable = await cliAsync(['ingest'], { ...env, SUPPORTAL_DATABASE_URL: NO_DATABASE }, reply('nodb'));
      assert.equal(unreachable.status, 75, 'no serve and no database: the MTA keeps the mail');
      const r = await cliAsync(['ingest'], env, reply('fallback'));
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim()) as { status: string; reason: string | null; case: number };
      assert.deepEqual([out.status, out.reason, out.case], ['accepted', null, caseNo]);
      serve = await startServe(env);
    });
  });
}

for (const dialect of testedDialects(['sqlite'])) {
  test(`RELIABILITY T9 on ${dialect}, through the handoff: serve cannot store now (database locked) → 451, ingest exits 75 and the MTA's retry stores the mail once`, { timeout: 120_000 }, async () => {
    const env = await serveEnv();
    const caseNo = customerWithCase(env, CUSTOMER);
    const serve = await startServe(env);
    const messageId = `locked-${Date.now()}@kunde.example`;
    const raw = plainMail({ from: CUSTOMER, to: SUPPORT, subject: `Re: [Case #${caseNo}] Export`, body: 'Gesperrt.', messageId });
    try {
      // Another writer holds the database past serve's busy timeout (10 s).
      const lock = new Database(join(env.SUPPORTAL_DATA_DIR!, 'supportal.sqlite'));
      lock.exec('BEGIN EXCLUSIVE');
      let r;
      try {
        r = await cliAsync(['ingest'], env, raw);
      } finally {
        lock.exec('ROLLBACK');
        lock.close();
      }
      assert.equal(r.status, 75, r.stdout + r.stderr);
      assert.match(r.stderr, /could not store the mail now: 45\d/);
      assert.equal(await countByMessageId(env, messageId), 0, 'nothing stored, nothing half-stored');
      const retry = await cliAsync(['ingest'], env, raw);
      assert.equal(retry.status, 0, retry.stderr);
      assert.equal((JSON.parse(retry.stdout.trim()) as { status: string }).status, 'queued');
      assert.equal(await countByMessageId(env, messageId), 1);
    } finally {
      await serve.stop();
    }
  });
}
