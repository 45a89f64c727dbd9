import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { testedDialects } from '../../test/support/databases.js';
import { testRuntime, type TestRuntime } from '../../test/support/runtime.js';
import { createRuntime, type Runtime } from '../composition.js';
import { createLeaseStore } from './stores/leases.js';
import { openClusterSignals } from './cluster-signals.js';
import type { PortalEvent } from '../app/live/ports.js';

const log = pino({ level: 'silent' });
const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 12, 0, s)).toISOString();

/** Waits until `check` holds (the test's own bound, not a timing claim). */
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const dialect of testedDialects()) {
  describe(`cluster on ${dialect}`, () => {
    let rt: TestRuntime;
    let other: Runtime;
    before(async () => {
      rt = await testRuntime(dialect);
      // A second process's view of the same database: its own connections.
      other = await createRuntime({ env: rt.env, createSecret: false });
    });
    after(async () => {
      await other.close();
      await rt.dispose();
    });

    test('a named lease: taken when free, renewed by its holder, refused to another while it runs, taken over once it ran out, given up', async () => {
      const a = createLeaseStore(rt.db);
      const b = createLeaseStore(other.db);
      assert.equal(await a.acquire('mailbox:x', 'node-a', at(0), at(45)), true, 'free: taken');
      assert.equal(await b.acquire('mailbox:x', 'node-b', at(10), at(55)), false, 'held and running: refused');
      assert.equal(await a.acquire('mailbox:x', 'node-a', at(15), at(60)), true, 'renewed by its holder');
      assert.equal(await b.acquire('mailbox:x', 'node-b', at(50), at(95)), false, 'the renewal moved the end');
      assert.equal(await b.holder('mailbox:x', at(50)), 'node-a');
      assert.equal(await b.acquire('mailbox:y', 'node-b', at(50), at(95)), true, 'another name is another lease');
      assert.equal(await b.acquire('mailbox:x', 'node-b', at(60), at(105)), true, 'ran out: taken over');
      assert.equal(await a.acquire('mailbox:x', 'node-a', at(61), at(106)), false, 'the old holder lost it');
      await a.release('mailbox:x', 'node-a');
      assert.equal(await a.holder('mailbox:x', at(62)), 'node-b', 'only the holder can give it up');
      await b.release('mailbox:x', 'node-b');
      assert.equal(await a.holder('mailbox:x', at(62)), null);
      assert.equal(await a.acquire('mailbox:x', 'node-a', at(63), at(108)), true, 'given up: free at once');
    });

    test('a job lease is renewed only by the worker holding it', async () => {
      const now = new Date().toISOString();
      await rt.ctx.store.jobs.enqueue({ id: 'job-renew', kind: 'test.renew', key: null, payload: {}, runAt: now, now });
      const [job] = await rt.ctx.store.transaction((tx) => tx.jobs.claim(['test.renew'], now, at(60), 'w1', 1));
      assert.equal(job?.id, 'job-renew');
      await other.ctx.store.jobs.renew(['job-renew'], 'w2', at(600));
      const later = new Date(Date.parse(at(61))).toISOString();
      const stolen = await other.ctx.store.transaction((tx) => tx.jobs.claim(['test.renew'], later, at(120), 'w2', 1));
      assert.equal(stolen.length, 1, 'another worker cannot extend it: after its lease it is taken over');
      await rt.ctx.store.jobs.renew(['job-renew'], 'w2', at(900));
      const notYet = await rt.ctx.store.transaction((tx) => tx.jobs.claim(['test.renew'], at(899), at(960), 'w3', 1));
      assert.equal(notYet.length, 0, 'renewed by its holder: nobody else takes it');
    });

    test('signals: queued work wakes the other process; portal events reach the others, not the sender', async () => {
      const mine = openClusterSignals(rt.db, 'node-a', log);
      const theirs = openClusterSignals(other.db, 'node-b', log);
      const work: string[] = [];
      const heardA: PortalEvent[] = [];
      const heardB: PortalEvent[] = [];
      try {
        assert.equal(mine.live, dialect === 'postgres', 'notifications on PostgreSQL only');
        await mine.listen({ onWork: () => undefined, onPortalEvents: (es) => heardA.push(...es) });
        await theirs.listen({ onWork: (k) => work.push(k), onPortalEvents: (es) => heardB.push(...es) });
        const now = new Date().toISOString();
        await rt.ctx.store.transaction(async (tx) => {
          await tx.jobs.enqueue({ id: 'job-wake', kind: 'inbound.process', key: null, payload: {}, runAt: now, now });
          // Nothing is announced before the commit: the other side would find nothing yet.
          await new Promise((r) => setTimeout(r, 200));
          assert.deepEqual(work, [], 'not before the commit');
        });
        mine.publish([{ kind: 'mail', mailId: 'm1' }]);
        mine.publish([{ kind: 'case', caseId: 'c1' }]);
        if (!mine.live) {
          assert.deepEqual([work, heardB], [[], []], 'SQLite: silent, its processes poll');
          return;
        }
        await until(() => work.includes('inbound') && heardB.length === 2);
        assert.deepEqual(heardB, [{ kind: 'mail', mailId: 'm1' }, { kind: 'case', caseId: 'c1' }], 'both events, in order');
        await rt.ctx.store.transaction(async (tx) => tx.jobs.enqueue({ id: 'job-rolled-back', kind: 'inbound.process', key: null, payload: {}, runAt: now, now }).then(() => Promise.reject(new Error('rollback')))).catch(() => undefined);
        // Notifications arrive in commit order: had the rolled-back one been sent, it would come before this one.
        theirs.publish([{ kind: 'mail', mailId: 'm2' }]);
        await until(() => heardA.length === 1);
        assert.deepEqual(heardA, [{ kind: 'mail', mailId: 'm2' }], 'node A hears B, never itself');
        assert.equal(work.filter((k) => k === 'inbound').length, 1, 'a rolled-back enqueue announces nothing');
      } finally {
        await mine.close();
        await theirs.close();
      }
    });
  });
}
