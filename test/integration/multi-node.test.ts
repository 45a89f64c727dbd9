import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { createRuntime } from '../../src/composition.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { dialectLeftOut, freshDatabaseUrl } from '../support/databases.js';
import { serveEnv, startServe, type ServeProcess } from '../support/serve-process.js';
import { startSmtpSink } from '../support/smtp-sink.js';

const REPLIES = 2000;
const CUSTOMERS = 100;
/** Two SMTP nodes, four connections each: a busy MX in front of two intake nodes. */
const CONNECTIONS_PER_NODE = 4;

/** The header `name` of a raw mail (unfolded), or null. */
function header(raw: Buffer, name: string): string | null {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head);
  return m ? m[1]!.trim() : null;
}

const bare = (id: string | null | undefined) => (id ?? '').replace(/^<|>$/g, '');

/**
 * RELIABILITY C9 (also C1, C5): several `serve` processes on one PostgreSQL database share
 * SMTP intake, pipeline jobs and outbound sending. Node A (web, smtp, worker) and node B (smtp,
 * lmtp, worker) take 2,000 replies over SMTP between them; node C only works. C is killed with
 * SIGKILL in the middle of the backlog, with jobs and outbound mails claimed, and started again:
 * what it held is taken over when its lease runs out (60 s). Afterwards every reply is in its
 * case exactly once, and exactly one receipt per reply reached the relay, a real SMTP sink.
 */
describe('several nodes on one PostgreSQL', { skip: dialectLeftOut('postgres') }, () => {
  test('three serve processes, 2,000 replies to two of them, the worker-only one killed midway and restarted: each reply once, one receipt each', { timeout: 360_000 }, async (t) => {
    const db = await freshDatabaseUrl('postgres');
    const sink = await startSmtpSink();
    const shared = {
      SUPPORTAL_DATABASE_URL: db.url,
      // Every node signs thread tokens and Message-IDs with the same key.
      SUPPORTAL_SECRET: 'multi-node-test-secret-0123456789abcdef',
      SUPPORTAL_RELAY_URL: sink.url,
    };
    const envA = await serveEnv(shared);
    const envB = await serveEnv(shared);
    const envC = await serveEnv(shared);
    const nodes: ServeProcess[] = [];
    const client = new pg.Client({ connectionString: db.url });
    try {
      // The installation: customers with one case each (the first runtime migrates the database).
      const setup = await createRuntime({ env: { ...envA }, createSecret: false });
      const cases: Array<{ email: string; number: number }> = [];
      try {
        for (let i = 0; i < CUSTOMERS; i++) {
          const email = `kunde${i}@kunde.example`;
          await addUser(setup.ctx, { role: 'customer', email, name: `Kunde ${i}` });
          cases.push({ email, number: (await openCase(setup.ctx, { customer: email, subject: `Export ${i}`, body: 'Export bricht ab.' })).number });
        }
      } finally {
        await setup.close();
      }

      const [a, b] = await Promise.all([startServe(envA, ['--roles', 'web,smtp,worker']), startServe(envB, ['--roles', 'smtp,lmtp,worker'])]);
      nodes.push(a!, b!);
      let c = await startServe(envC, ['--roles', 'worker']);
      nodes.push(c);
      assert.equal(c.lines().find((l) => l.msg === 'supportal is up')!.http, null, 'the worker-only node has no web server');
      assert.equal(c.lines().find((l) => l.msg === 'supportal is up')!.smtp, null, 'nor an SMTP listener');

      const transports = [a!, b!].map((n) =>
        nodemailer.createTransport({ host: '127.0.0.1', port: n.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: CONNECTIONS_PER_NODE, maxMessages: Infinity }),
      );
      const processedBy = (n: ServeProcess) => n.lines().filter((l) => l.msg === 'inbound mail processed').length;
      let sent = 0;
      let killed: Promise<void> = Promise.resolve();
      const sending = Promise.all(
        Array.from({ length: REPLIES }, async (_, i) => {
          const k = cases[i % CUSTOMERS]!;
          const info = await transports[i % 2]!.sendMail({
            from: k.email,
            to: 'support@support.example.com',
            subject: `Re: [Case #${k.number}] Export ${i % CUSTOMERS}`,
            messageId: `<reply-${i}@kunde.example>`,
            text: `Antwort ${i}: der Export bricht immer noch ab.\n\n> Export bricht ab.\n`,
          });
          assert.match(info.response, /^250/);
          sent++;
          // Midway: the worker-only node dies as it works (SIGKILL: no release, no goodbye).
          if (sent === REPLIES / 2) {
            killed = (async () => {
              const victim = c;
              await victim.waitForLine((l) => l.msg === 'inbound mail processed', 60_000);
              victim.child.kill('SIGKILL');
              const exit = await victim.exited;
              assert.equal(exit.signal, 'SIGKILL');
              t.diagnostic(`node C killed after processing ${processedBy(victim)} replies`);
              c = await startServe(envC, ['--roles', 'worker']);
              nodes.push(c);
            })();
          }
        }),
      );
      await sending;
      await killed;
      for (const tr of transports) tr.close();

      // Every receipt at the relay: the replies C held when it died follow once their lease ran out.
      const receiptsFor = () => {
        const byReply = new Map<string, number>();
        for (const m of sink.accepted) {
          const irt = bare(header(m.raw, 'In-Reply-To'));
          if (irt.startsWith('reply-')) byReply.set(irt, (byReply.get(irt) ?? 0) + 1);
        }
        return byReply;
      };
      const deadline = Date.now() + 180_000;
      while (receiptsFor().size < REPLIES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
      // Anything still on its way would show as a second receipt: wait for the outbox to be empty.
      await client.connect();
      for (;;) {
        const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from outbound_mails where status <> 'sent'`);
        if (rows[0]!.n === 0 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 500));
      }

      const receipts = receiptsFor();
      assert.equal(receipts.size, REPLIES, `a receipt reached the relay for every reply (${receipts.size} of ${REPLIES})`);
      // One receipt per reply: never two different ones. The relay may be handed the same receipt
      // (same Message-ID, same bytes) twice only if C died between the relay's 250 and recording
      // it as sent, at-least-once delivery (RELIABILITY C3): at most the 20 mails one outbox tick holds.
      const receiptIds = new Map<string, Set<string>>();
      for (const m of sink.accepted) {
        const irt = bare(header(m.raw, 'In-Reply-To'));
        if (!irt.startsWith('reply-')) continue;
        const ids = receiptIds.get(irt) ?? new Set<string>();
        ids.add(bare(header(m.raw, 'Message-ID')));
        receiptIds.set(irt, ids);
      }
      assert.ok([...receiptIds.values()].every((ids) => ids.size === 1), 'exactly one receipt per reply');
      const twice = [...receipts].filter(([, n]) => n !== 1);
      t.diagnostic(`receipts handed to the relay twice (C3, killed between 250 and "sent"): ${twice.length}`);
      assert.ok(twice.length <= 20, `at most one outbox tick's mails sent again: ${JSON.stringify(twice)}`);

      const inbound = await client.query<{ message_id: string; status: string; n: number }>(
        `select message_id, status, count(*)::int as n from inbound_mails where duplicate_of is null group by message_id, status`,
      );
      assert.equal(inbound.rows.length, REPLIES, 'each reply stored once');
      assert.ok(inbound.rows.every((r) => r.status === 'accepted' && r.n === 1), 'each reply accepted once');
      const messages = await client.query<{ message_id: string; case_number: number; author_email: string; n: number }>(
        `select i.message_id, c.number as case_number, m.author_email, count(*)::int as n
           from messages m join inbound_mails i on i.id = m.inbound_mail_id join cases c on c.id = m.case_id
          group by i.message_id, c.number, m.author_email`,
      );
      assert.equal(messages.rows.length, REPLIES, 'each reply is a message');
      for (const r of messages.rows) {
        const i = Number(/^reply-(\d+)@/.exec(bare(r.message_id))![1]);
        assert.equal(r.n, 1, `reply ${i} in its case exactly once`);
        assert.equal(r.case_number, cases[i % CUSTOMERS]!.number, `reply ${i} in the case it answers`);
        assert.equal(r.author_email, cases[i % CUSTOMERS]!.email);
      }
      const outbound = await client.query<{ n: number; sent: number; replies: number }>(
        `select count(*)::int as n, count(*) filter (where status = 'sent')::int as sent, count(distinct inbound_mail_id)::int as replies from outbound_mails where kind = 'receipt'`,
      );
      assert.deepEqual(outbound.rows[0], { n: REPLIES, sent: REPLIES, replies: REPLIES }, 'one receipt per reply, each sent');
      const jobs = await client.query<{ status: string; n: number }>(`select status, count(*)::int as n from jobs group by status`);
      assert.deepEqual(jobs.rows, [{ status: 'done', n: REPLIES }], 'every job done, none left claimed');

      // Every worker did its part.
      for (const [name, n] of [['A', a!], ['B', b!], ['C (after its restart)', c]] as const) {
        assert.ok(processedBy(n) > 0, `node ${name} processed replies`);
      }
      // C died holding claimed jobs (it claims the next 16 as soon as one batch is done): taken over after their lease.
      const retaken = await client.query<{ n: number }>(`select count(*)::int as n from jobs where attempts > 1`);
      t.diagnostic(`jobs claimed again after node C died: ${retaken.rows[0]!.n}`);
      assert.ok(retaken.rows[0]!.n > 0, 'the jobs the killed node held were claimed again');
    } finally {
      await client.end().catch(() => undefined);
      await Promise.all(nodes.map((n) => n.stop()));
      await sink.stop();
      db.cleanup();
    }
  });
});
