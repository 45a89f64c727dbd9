import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { testRuntime, manualClock } from '../../test/support/runtime.js';
import { createLeaseStore } from '../db/stores/leases.js';
import type { LeaseStore } from '../app/cluster/ports.js';
import { runWhileLeased } from './leased-task.js';

const log = pino({ level: 'silent' });

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('one task under a lease: the holder runs it, the other waits; a holder cut off from the database stops once its lease ran out and the other takes over', async () => {
  const rt = await testRuntime('sqlite');
  const clock = manualClock();
  const store = createLeaseStore(rt.db);
  let cutOff = false;
  let attemptsB = 0;
  // Node A's connection to the database can be cut; node B counts its attempts.
  const storeA: LeaseStore = { ...store, acquire: (...a) => (cutOff ? Promise.reject(new Error('connection lost')) : store.acquire(...a)) };
  const storeB: LeaseStore = { ...store, acquire: (...a) => ((attemptsB++, store.acquire(...a))) };
  const runningOn = new Set<string>();
  const task = (node: string) => () => {
    assert.equal(runningOn.size, 0, `${node} starts while ${[...runningOn].join()} runs`);
    runningOn.add(node);
    return { stop: async () => void runningOn.delete(node) };
  };
  const opts = { name: 'mailbox:support@imap.example.com:993/INBOX', clock, log, leaseMs: 45_000, renewMs: 5 };
  const a = runWhileLeased({ ...opts, holder: 'node-a', leases: storeA, start: task('a') });
  await until(() => a.running());
  const b = runWhileLeased({ ...opts, holder: 'node-b', leases: storeB, start: task('b') });
  try {
    await until(() => attemptsB >= 5);
    assert.deepEqual([a.running(), b.running()], [true, false], 'B waits while A renews');

    cutOff = true;
    clock.advance(20_000);
    await until(() => attemptsB >= 10);
    assert.deepEqual([a.running(), b.running()], [true, false], 'well within its lease A goes on, B still waits');

    clock.advance(10_000);
    await until(() => !a.running());
    const attempts = attemptsB;
    await until(() => attemptsB >= attempts + 5);
    assert.deepEqual([a.running(), b.running()], [false, false], 'A stops 15 s before its lease runs out; B waits for the end');

    clock.advance(15_000);
    await until(() => b.running());
    assert.equal(await store.holder(opts.name, clock.now().toISOString()), 'node-b');

    cutOff = false;
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual([a.running(), b.running()], [false, true], 'A, back, finds the lease taken and stays idle');
  } finally {
    await a.stop();
    await b.stop();
    await rt.dispose();
  }
  assert.equal(runningOn.size, 0);
  assert.equal(await store.holder(opts.name, clock.now().toISOString()).catch(() => 'closed'), 'closed');
});
