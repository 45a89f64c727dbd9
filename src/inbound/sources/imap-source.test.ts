import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import type { ReceiveResult } from '../../app/ingest/receive-mail.js';
import type { AppContext } from '../../app/context.js';
import type { Store } from '../../app/ports.js';
import { testedDialects } from '../../../test/support/databases.js';
import { startDovecot, type DovecotHandle } from '../../../test/support/dovecot.js';
import { testRuntime, type TestRuntime } from '../../../test/support/runtime.js';
import { PROCESSED_KEYWORD, startImapSource, type ImapSource } from './imap-source.js';
import { parseImapUrl } from './imap-endpoint.js';
import { recipientsOf } from './imap-message.js';

const log = pino({ level: 'silent' });
const PROCESSED = ['Supportal', 'Processed'];
// Long enough that no test passes because of the poll timer: IDLE, fetchNow or a reconnect must do it.
const NO_POLL_MS = 10 * 60_000;

function mail(subject: string, body = 'Hello,\r\nplease help.\r\n'): Buffer {
  return Buffer.from(
    `From: Customer <customer@example.org>\r\nTo: support@support.example.com\r\nSubject: ${subject}\r\n` +
      `Message-ID: <${subject.replace(/\W/g, '')}@example.org>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\n${body}`,
    'latin1',
  );
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

/** Collects onStored results; `next(n)` resolves once n results arrived in total. */
function storedCollector() {
  const results: ReceiveResult[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  return {
    results,
    onStored(r: ReceiveResult) {
      results.push(r);
      for (const w of waiters.filter((x) => results.length >= x.n)) w.resolve();
    },
    count(n: number, ms = 10_000): Promise<void> {
      if (results.length >= n) return Promise.resolve();
      return withTimeout(new Promise<void>((resolve) => waiters.push({ n, resolve })), ms, `${n} stored mail(s)`);
    },
  };
}

/** A context whose store's transaction fails while `down` is true: the database is unreachable. */
function withFlakyStore(ctx: AppContext, hooks: { down: boolean; beforeTransaction?: () => void }): AppContext {
  const store = new Proxy(ctx.store, {
    get(target, prop, receiver) {
      if (prop === 'transaction') {
        return (fn: (tx: Store) => Promise<unknown>) => {
          hooks.beforeTransaction?.();
          if (hooks.down) return Promise.reject(new Error('connect ECONNREFUSED (database down)'));
          return target.transaction(fn);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { ...ctx, store };
}

/** A TCP relay to the IMAP server whose connections the test can cut. */
async function startRelay(port: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('parseImapUrl and recipientsOf', () => {
  test('reads user, password, port, TLS and mailbox from the URL', () => {
    assert.deepEqual(parseImapUrl('imaps://support%40example.com:p%3Ass@imap.example.com/Support%20Inbox'), {
      host: 'imap.example.com',
      port: 993,
      secure: true,
      user: 'support@example.com',
      pass: 'p:ss',
      mailbox: 'Support Inbox',
    });
    assert.deepEqual(parseImapUrl('imap://u:p@127.0.0.1:1143'), { host: '127.0.0.1', port: 1143, secure: false, user: 'u', pass: 'p', mailbox: 'INBOX' });
    assert.throws(() => parseImapUrl('pop3://u:p@host/INBOX'), /scheme/);
    assert.throws(() => parseImapUrl('imap://host/INBOX'), /user/);
  });

  test('recipients come from To, Cc and Delivered-To, lower-cased and unique', () => {
    const r = recipientsOf({
      envelope: { to: [{ address: 'Support@Support.example.com' }], cc: [{ address: 'other@example.org' }, { name: 'group' }] },
      headers: Buffer.from('Delivered-To: support+case-12@support.example.com\r\nDelivered-To: <support@support.example.com>\r\n\r\n'),
    });
    assert.deepEqual(r, ['support@support.example.com', 'other@example.org', 'support+case-12@support.example.com']);
  });
});

describe('IMAP source against a real Dovecot', () => {
  let dovecot: DovecotHandle;
  const users = Array.from({ length: 30 }, (_, i) => ({ user: `box${i}`, pass: `pass${i}` }));
  let nextUser = 0;
  const takeUser = () => {
    const u = users[nextUser++];
    if (!u) throw new Error(`only ${users.length} mailboxes were created for these tests; add more`);
    return u;
  };

  before(async () => {
    dovecot = await startDovecot(users);
  });
  after(async () => {
    await dovecot?.stop();
  });

  for (const dialect of testedDialects()) {
    describe(dialect, () => {
      let rt: TestRuntime;
      let source: ImapSource | null = null;
      before(async () => {
        rt = await testRuntime(dialect);
      });
      after(async () => {
        await rt?.dispose();
      });
      const start = (o: Omit<Parameters<typeof startImapSource>[0], 'log' | 'ctx'> & { ctx?: AppContext }) => {
        source = startImapSource({ ctx: rt.ctx, log, pollMs: NO_POLL_MS, ...o });
        return source;
      };
      const stopSource = async () => {
        await source?.stop();
        source = null;
      };
      const storedFor = async (ids: string[]) => {
        const rows = await Promise.all(ids.map((id) => rt.ctx.store.inbound.findById(id)));
        return rows.filter((m) => m !== null);
      };

      test('a message appended before start is stored once and moved to the processed mailbox', async () => {
        const u = takeUser();
        const raw = mail(`before-start-${dialect}`);
        await dovecot.append(u.user, u.pass, raw);
        const got = storedCollector();
        const s = start({ url: dovecot.url(u.user, u.pass), onStored: got.onStored });
        try {
          await got.count(1);
          assert.deepEqual(await s.fetchNow(), { stored: 0, duplicates: 0, failed: 0 }, 'a second pass finds nothing left');
          assert.equal(got.results.length, 1);
          const r = got.results[0]!;
          assert.equal(r.duplicateOf, null);
          const rows = await storedFor([r.mailId]);
          assert.equal(rows.length, 1);
          assert.equal(rows[0]!.channel, 'imap');
          assert.equal(rows[0]!.envelopeFrom, null);
          assert.deepEqual(rows[0]!.envelopeTo, ['support@support.example.com']);
          assert.ok((await rt.ctx.store.inbound.raw(r.mailId))!.equals(raw));
          const job = await rt.ctx.store.jobs.findByKey(`inbound:${r.mailId}`);
          assert.ok(job, 'a processing job was enqueued with the mail');
          assert.deepEqual(await dovecot.messages(u.user, u.pass), [], 'INBOX is empty');
          const moved = await dovecot.messages(u.user, u.pass, PROCESSED);
          assert.equal(moved.length, 1);
          assert.ok(moved[0]!.source.equals(raw));
        } finally {
          await stopSource();
        }
      });

      test('a message another client already read (\\Seen) is still fetched', async () => {
        const u = takeUser();
        const raw = mail(`seen-${dialect}`);
        await dovecot.append(u.user, u.pass, raw, ['\\Seen']);
        const got = storedCollector();
        start({ url: dovecot.url(u.user, u.pass), onStored: got.onStored });
        try {
          await got.count(1);
          assert.ok((await rt.ctx.store.inbound.raw(got.results[0]!.mailId))!.equals(raw));
          assert.deepEqual(await dovecot.messages(u.user, u.pass), []);
          assert.equal((await dovecot.messages(u.user, u.pass, PROCESSED)).length, 1);
        } finally {
          await stopSource();
        }
      });

      test('a message appended while the source runs arrives through IDLE', async () => {
        const u = takeUser();
        const got = storedCollector();
        const s = start({ url: dovecot.url(u.user, u.pass), onStored: got.onStored });
        try {
          // Queued behind the first pass: once it returns, the source idles on an empty INBOX.
          assert.deepEqual(await s.fetchNow(), { stored: 0, duplicates: 0, failed: 0 });
          const raw = mail(`idle-${dialect}`);
          const t0 = Date.now();
          await dovecot.append(u.user, u.pass, raw);
          // The poll timer is 10 minutes away: only IDLE can deliver this within 5 s.
          await got.count(1, 5_000);
          assert.ok(Date.now() - t0 < 5_000);
          assert.ok((await rt.ctx.store.inbound.raw(got.results[0]!.mailId))!.equals(raw));
          assert.equal((await dovecot.messages(u.user, u.pass, PROCESSED)).length, 1);
        } finally {
          await stopSource();
        }
      });

      test('T1/T10: with the database down the message stays in INBOX unflagged, and is stored on the next pass', async () => {
        const u = takeUser();
        const raw = mail(`db-down-${dialect}`);
        await dovecot.append(u.user, u.pass, raw);
        const hooks = { down: true, attempts: 0, beforeTransaction: () => hooks.attempts++ };
        const got = storedCollector();
        const s = start({ url: dovecot.url(u.user, u.pass), ctx: withFlakyStore(rt.ctx, hooks), onStored: got.onStored });
        try {
          assert.deepEqual(await s.fetchNow(), { stored: 0, duplicates: 0, failed: 1 });
          assert.ok(hooks.attempts >= 1);
          assert.equal(got.results.length, 0);
          const inbox = await dovecot.messages(u.user, u.pass);
          assert.equal(inbox.length, 1, 'still in INBOX');
          assert.ok(!inbox[0]!.flags.includes('\\Seen') && !inbox[0]!.flags.includes(PROCESSED_KEYWORD), `unflagged: ${inbox[0]!.flags.join(' ')}`);
          assert.deepEqual(await dovecot.messages(u.user, u.pass, PROCESSED), []);

          hooks.down = false;
          assert.deepEqual(await s.fetchNow(), { stored: 1, duplicates: 0, failed: 0 });
          assert.ok((await rt.ctx.store.inbound.raw(got.results[0]!.mailId))!.equals(raw));
          assert.deepEqual(await dovecot.messages(u.user, u.pass), []);
          assert.equal((await dovecot.messages(u.user, u.pass, PROCESSED)).length, 1);
        } finally {
          await stopSource();
        }
      });

      test('S6: the same message appended twice is one original and one duplicate, and both copies are moved', async () => {
        const u = takeUser();
        const raw = mail(`twice-${dialect}`);
        await dovecot.append(u.user, u.pass, raw);
        await dovecot.append(u.user, u.pass, raw);
        const got = storedCollector();
        const s = start({ url: dovecot.url(u.user, u.pass), onStored: got.onStored });
        try {
          await got.count(2);
          await s.fetchNow();
          assert.equal(got.results.length, 2);
          const [first, second] = got.results as [ReceiveResult, ReceiveResult];
          assert.equal(first.duplicateOf, null);
          assert.equal(second.duplicateOf, first.mailId);
          const rows = await storedFor([first.mailId, second.mailId]);
          assert.equal(rows.length, 2);
          assert.equal(rows.find((m) => m.id === second.mailId)!.duplicateOf, first.mailId);
          assert.ok(await rt.ctx.store.jobs.findByKey(`inbound:${first.mailId}`));
          assert.equal(await rt.ctx.store.jobs.findByKey(`inbound:${second.mailId}`), null, 'no job for the duplicate');
          assert.deepEqual(await dovecot.messages(u.user, u.pass), []);
          assert.equal((await dovecot.messages(u.user, u.pass, PROCESSED)).length, 2);
        } finally {
          await stopSource();
        }
      });

      test('where the processed mailbox cannot be created, processed messages are flagged and not fetched again', async () => {
        const u = takeUser();
        const raw = mail(`keyword-${dialect}`);
        await dovecot.append(u.user, u.pass, raw);
        const got = storedCollector();
        // Dovecot refuses a mailbox name that begins with "~", so CREATE fails.
        const s = start({ url: dovecot.url(u.user, u.pass), processedMailbox: '~Processed', onStored: got.onStored });
        try {
          await got.count(1);
          assert.deepEqual(await s.fetchNow(), { stored: 0, duplicates: 0, failed: 0 }, 'a flagged message is not fetched again');
          assert.equal(got.results.length, 1);
          const inbox = await dovecot.messages(u.user, u.pass);
          assert.equal(inbox.length, 1);
          assert.deepEqual(inbox[0]!.flags.filter((f) => f !== '\\Recent'), [PROCESSED_KEYWORD, '\\Seen'].sort());
          assert.ok(inbox[0]!.source.equals(raw));
        } finally {
          await stopSource();
        }
      });

      test('M8: a message with NUL and 8-bit bytes arrives byte-identical', async () => {
        const u = takeUser();
        // NUL in a header and in the body, Latin-1 bytes, and UTF-8 (the em dash has a 0x80 byte,
        // the value Dovecot substitutes for NUL in BODY[]).
        const raw = Buffer.concat([
          Buffer.from(`From: a@example.org\r\nTo: support@support.example.com\r\nSubject: nul-${dialect}\r\nX-Odd: a\0b\r\n`, 'latin1'),
          Buffer.from('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n', 'latin1'),
          Buffer.from('Grüße — “quoted” €\r\n', 'utf8'),
          Buffer.from('latin1: \xe4\xf6\xfc\xdf \x80\x81\xff, nul: [\0] [\0\0]\r\n', 'latin1'),
        ]);
        assert.ok(raw.includes(0) && raw.includes(0x80));
        await dovecot.append(u.user, u.pass, raw);
        const got = storedCollector();
        start({ url: dovecot.url(u.user, u.pass), onStored: got.onStored });
        try {
          await got.count(1);
          const stored = await rt.ctx.store.inbound.raw(got.results[0]!.mailId);
          assert.ok(stored, 'raw bytes stored');
          assert.equal(stored.toString('hex'), raw.toString('hex'));
          assert.deepEqual(await dovecot.messages(u.user, u.pass), []);
        } finally {
          await stopSource();
        }
      });

      test('a message over 1 MiB is streamed into storage in 1 MiB chunks, byte for byte, then moved', async () => {
        const u = takeUser();
        const lines = Array.from({ length: 60_000 }, (_, i) => `line ${i} of the log the customer sends along`).join('\r\n');
        const raw = mail(`big-${dialect}`, `${lines}\r\n`);
        assert.ok(raw.length > 2 * 1024 * 1024 && !raw.includes(0x80), `${raw.length} bytes, 7-bit`);
        await dovecot.append(u.user, u.pass, raw);
        const got = storedCollector();
        start({ url: dovecot.url(u.user, u.pass), onStored: got.onStored });
        try {
          await got.count(1);
          const id = got.results[0]!.mailId;
          const chunks = await rt.db.db.selectFrom('inbound_mail_chunks').select('seq').where('mail_id', '=', id).execute();
          assert.equal(chunks.length, Math.ceil(raw.length / (1024 * 1024)), 'written while it was fetched');
          assert.ok((await rt.ctx.store.inbound.raw(id))!.equals(raw));
          assert.deepEqual(await dovecot.messages(u.user, u.pass), []);
          assert.equal((await dovecot.messages(u.user, u.pass, PROCESSED)).length, 1);
        } finally {
          await stopSource();
        }
      });

      test('M8: a message over 1 MiB with NUL and 8-bit bytes is fetched whole after all, and arrives byte-identical', async () => {
        const u = takeUser();
        const filler = Array.from({ length: 40_000 }, (_, i) => `Zeile ${i} des Protokolls`).join('\r\n');
        const raw = Buffer.concat([
          Buffer.from(`From: a@example.org\r\nTo: support@support.example.com\r\nSubject: big-nul-${dialect}\r\n`, 'latin1'),
          Buffer.from('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n', 'latin1'),
          Buffer.from(`${filler}\r\n`, 'latin1'),
          Buffer.from('Grüße — am Ende, nul: [\0]\r\n', 'utf8'),
        ]);
        assert.ok(raw.length > 1024 * 1024 && raw.includes(0) && raw.includes(0x80));
        await dovecot.append(u.user, u.pass, raw);
        const got = storedCollector();
        start({ url: dovecot.url(u.user, u.pass), onStored: got.onStored });
        try {
          await got.count(1);
          const id = got.results[0]!.mailId;
          assert.equal((await rt.ctx.store.inbound.raw(id))!.toString('hex'), raw.toString('hex'));
          const orphans = await rt.db.db
            .selectFrom('inbound_mail_chunks')
            .select('mail_id')
            .where(({ not, exists, selectFrom }) => not(exists(selectFrom('inbound_mails').select('id').whereRef('inbound_mails.id', '=', 'inbound_mail_chunks.mail_id'))))
            .execute();
          assert.deepEqual(orphans, [], 'the chunks streamed before the 0x80 byte are gone');
        } finally {
          await stopSource();
        }
      });

      test('a refused login makes fetchNow reject, stores nothing, and stop() still ends the source', async () => {
        const u = takeUser();
        await dovecot.append(u.user, u.pass, mail(`bad-login-${dialect}`));
        const got = storedCollector();
        const s = start({ url: dovecot.url(u.user, 'wrong-password'), onStored: got.onStored });
        try {
          await assert.rejects(s.fetchNow());
          assert.equal(got.results.length, 0);
          assert.equal((await dovecot.messages(u.user, u.pass)).length, 1, 'the message is untouched');
        } finally {
          await stopSource();
        }
        await assert.rejects(s.fetchNow(), /stopped/);
      });

      test('T10: a connection cut after the commit leaves the message in INBOX; the reconnect stores it as a duplicate and moves it', async () => {
        const u = takeUser();
        const relay = await startRelay(dovecot.port);
        const raw = mail(`cut-${dialect}`);
        await dovecot.append(u.user, u.pass, raw);
        let cuts = 0;
        // The connection dies while the mail is being committed, i.e. before it can be moved.
        const hooks = {
          down: false,
          beforeTransaction: () => {
            if (cuts++ === 0) relay.cut();
          },
        };
        const got = storedCollector();
        const url = `imap://${u.user}:${u.pass}@127.0.0.1:${relay.port}/INBOX`;
        start({ url, ctx: withFlakyStore(rt.ctx, hooks), onStored: got.onStored });
        try {
          await got.count(1);
          assert.equal(got.results[0]!.duplicateOf, null, 'the first copy was committed');
          // Reconnect (back-off 1 s) and the next pass: the same bytes again, now moved.
          await got.count(2, 15_000);
          assert.equal(got.results[1]!.duplicateOf, got.results[0]!.mailId);
          assert.equal((await storedFor(got.results.map((r) => r.mailId))).length, 2);
          assert.deepEqual(await dovecot.messages(u.user, u.pass), []);
          const moved = await dovecot.messages(u.user, u.pass, PROCESSED);
          assert.equal(moved.length, 1);
          assert.ok(moved[0]!.source.equals(raw));
        } finally {
          await stopSource();
          await relay.close();
        }
      });
    });
  }
});
