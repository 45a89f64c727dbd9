import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects } from '../../../test/support/databases.js';
import { testRuntime, manualClock, type TestRuntime } from '../../../test/support/runtime.js';
import { addUser } from '../users.js';
import { openCase } from '../cases.js';
import { addAgentReply } from './agent-reply.js';
import { runOutboxOnce } from './outbox-relay.js';
import { TransportError, type MailTransport } from './mail-transport.js';
import { LIMITS } from '../../config/limits.js';
import { createGroupCommit } from '../group-commit.js';
import type { Store } from '../ports.js';

type Outcome = 'ok' | 'temporary' | 'permanent' | 'crash';

/**
 * A relay that answers per recipient as scripted and records what it was handed. `crash` throws
 * a plain Error (a bug or a socket error without an SMTP code), which must count as temporary.
 */
function scriptedRelay(script: Record<string, Outcome>) {
  const sent: Array<{ from: string; to: string[]; raw: Buffer }> = [];
  const transport: MailTransport = {
    async send(envelope, raw) {
      sent.push({ ...envelope, raw });
      const o = script[envelope.to[0]!] ?? 'ok';
      if (o === 'temporary') throw new TransportError('451 4.3.0 try again later', false);
      if (o === 'permanent') throw new TransportError('550 5.1.1 no such user', true);
      if (o === 'crash') throw new Error('socket hang up');
      return { response: '250 2.0.0 OK' };
    },
    close: () => undefined,
  };
  return { transport, sent };
}

for (const dialect of testedDialects()) {
  describe(`runOutboxOnce on ${dialect}`, () => {
    let rt: TestRuntime;
    let clock: ReturnType<typeof manualClock>;

    async function queueTo(customer: string): Promise<string> {
      if (!(await rt.ctx.store.users.findByEmail(customer))) await addUser(rt.ctx, { role: 'customer', email: customer, name: 'C', lang: 'en' });
      const c = await openCase(rt.ctx, { customer, subject: 'Question', body: 'Hello' });
      return (await addAgentReply(rt.ctx, { caseNumber: c.number, agent: 'agent@support.example.com', body: 'Answer' })).outboundId;
    }

    async function status(id: string) {
      return (await rt.ctx.store.outbound.findById(id))!;
    }

    beforeEach(async () => {
      clock = manualClock();
      rt = await testRuntime(dialect, { SUPPORTAL_RELAY_URL: 'smtp://127.0.0.1:1' }, clock);
      await addUser(rt.ctx, { role: 'agent', email: 'agent@support.example.com', name: 'Anna Agent' });
    });
    afterEach(async () => rt.dispose());

    test('each mail gets its own outcome; one bad mail never fails the batch', async () => {
      const ok = await queueTo('ok@example.org');
      const perm = await queueTo('gone@example.org');
      const temp = await queueTo('busy@example.org');
      const crash = await queueTo('crash@example.org');
      const relay = scriptedRelay({ 'gone@example.org': 'permanent', 'busy@example.org': 'temporary', 'crash@example.org': 'crash' });
      const r = await runOutboxOnce(rt.ctx, relay.transport);
      assert.deepEqual([r.sent, r.retrying, r.failed], [1, 2, 1]);
      assert.equal(relay.sent.length, 4);
      assert.equal((await status(ok)).status, 'sent');
      const p = await status(perm);
      assert.deepEqual([p.status, p.attempts, p.lastError, p.nextAttemptAt], ['failed', 1, '550 5.1.1 no such user', null]);
      assert.equal((await status(temp)).status, 'retrying');
      const c = await status(crash);
      assert.deepEqual([c.status, c.lastError], ['retrying', 'socket hang up']);
      const audit = await rt.db.db.selectFrom('audit_log').select(['action', 'target', 'detail']).where('action', '=', 'outbound.failed').execute();
      assert.deepEqual(audit.map((a) => [a.target, JSON.parse(a.detail!).permanent]), [[perm, true]]);
      // Each mail goes to its own envelope: the VERP sender names it.
      for (const s of relay.sent) assert.match(s.from, /^bounces\+[0-9a-f]{32}@support\.example\.com$/);
      assert.equal(new Set(relay.sent.map((s) => s.from)).size, 4);
    });

    test('retry delays: 1 min doubling to 1 h, within ±25 %', async () => {
      const relay = scriptedRelay({ 'busy@example.org': 'temporary' });
      for (const random of [0, 0.5, 0.999999]) {
        // random 0 → −25 %, 0.5 → the base, just under 1 → +25 %.
        const factor = 1 + (random * 0.5 - 0.25);
        const id = await queueTo('busy@example.org');
        const seen: number[] = [];
        for (let attempt = 1; attempt <= 8; attempt++) {
          const before = clock.now().getTime();
          await runOutboxOnce(rt.ctx, relay.transport, { random: () => random });
          const m = await status(id);
          seen.push(new Date(m.nextAttemptAt!).getTime() - before);
          clock.set(new Date(m.nextAttemptAt!));
        }
        const expected = [1, 2, 4, 8, 16, 32, 60, 60].map((min) => Math.round(min * 60_000 * factor));
        seen.forEach((d, i) => assert.ok(Math.abs(d - expected[i]!) <= 1, `random ${random}, attempt ${i + 1}: ${d} ms, expected ${expected[i]}`));
        assert.equal((await status(id)).attempts, 8);
        // Out of the way of the next round: this mail is given up.
        await rt.ctx.store.outbound.update(id, { status: 'failed', nextAttemptAt: null });
      }
    });

    test('a temporary failure within 4 days is retried; at 4 days the mail is failed', async () => {
      const id = await queueTo('busy@example.org');
      const created = clock.now().getTime();
      const relay = scriptedRelay({ 'busy@example.org': 'temporary' });
      clock.set(new Date(created + LIMITS.outboundGiveUpMs - 1));
      await runOutboxOnce(rt.ctx, relay.transport);
      const m = await status(id);
      assert.equal(m.status, 'retrying');
      clock.set(new Date(Math.max(new Date(m.nextAttemptAt!).getTime(), created + LIMITS.outboundGiveUpMs)));
      const r = await runOutboxOnce(rt.ctx, relay.transport);
      assert.deepEqual(r.items, [{ id, outcome: 'failed', error: '451 4.3.0 try again later' }]);
      assert.deepEqual([(await status(id)).status, (await status(id)).attempts], ['failed', 2]);
    });

    test('a leased mail is not handed out twice while a worker is still sending it', async () => {
      const id = await queueTo('slow@example.org');
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let sends = 0;
      const slow: MailTransport = {
        async send() {
          sends++;
          await gate;
          return { response: '250 OK' };
        },
        close: () => undefined,
      };
      const first = runOutboxOnce(rt.ctx, slow);
      while (sends === 0) await new Promise((r) => setImmediate(r));
      assert.equal((await status(id)).status, 'sending');
      const second = await runOutboxOnce(rt.ctx, scriptedRelay({}).transport);
      assert.deepEqual(second.items, [], 'the second worker finds nothing due');
      release();
      assert.deepEqual((await first).items, [{ id, outcome: 'sent' }]);
      assert.equal(sends, 1);
      assert.equal((await status(id)).status, 'sent');
    });

    test('with a group commit the outcomes of one pass share durable commits, each still its own', async () => {
      const ok = await Promise.all(Array.from({ length: 12 }, (_, i) => queueTo(`ok${i}@example.org`)));
      const perm = await queueTo('gone@example.org');
      let transactions = 0;
      const counting: Store = { ...rt.ctx.store, transaction: (work) => (transactions++, rt.ctx.store.transaction(work)) };
      const relay = scriptedRelay({ 'gone@example.org': 'permanent' });
      const r = await runOutboxOnce(rt.ctx, relay.transport, { commits: createGroupCommit(counting, { maxBatch: 50 }) });
      assert.deepEqual([r.sent, r.failed], [12, 1]);
      for (const id of ok) assert.equal((await status(id)).status, 'sent');
      assert.equal((await status(perm)).status, 'failed');
      // 13 outcomes: without grouping 13 commits (and 14 statements); the first goes alone while the
      // others arrive, then they follow together.
      assert.ok(transactions >= 1 && transactions <= 3, `${transactions} commits for 13 outcomes`);
      const audit = await rt.db.db.selectFrom('audit_log').select('target').where('action', '=', 'outbound.failed').execute();
      assert.deepEqual(audit.map((a) => a.target), [perm], 'the failure and its audit entry commit together');
    });

    test('limit caps one pass; the rest follows in the next', async () => {
      const ids = [await queueTo('a@example.org'), await queueTo('b@example.org'), await queueTo('c@example.org')];
      const relay = scriptedRelay({});
      assert.equal((await runOutboxOnce(rt.ctx, relay.transport, { limit: 2 })).sent, 2);
      assert.equal((await runOutboxOnce(rt.ctx, relay.transport, { limit: 2 })).sent, 1);
      assert.equal((await runOutboxOnce(rt.ctx, relay.transport, { limit: 2 })).sent, 0);
      for (const id of ids) assert.equal((await status(id)).status, 'sent');
      assert.equal(relay.sent.length, 3);
    });
  });
}
