import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from './ports.js';
import { createGroupCommit } from './group-commit.js';

/**
 * A store whose transactions take a moment, like a durable commit; `log` holds, per committed
 * transaction, the units (as numbered by the test) whose work it holds.
 */
function countingStore(opts: { failBatchesOver?: number } = {}) {
  const log: number[][] = [];
  let current: number[] | null = null;
  const store = {
    async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
      const units: number[] = [];
      current = units;
      try {
        const r = await fn(store as unknown as Store);
        await new Promise((res) => setTimeout(res, 5));
        if (opts.failBatchesOver !== undefined && units.length > opts.failBatchesOver) throw new Error('batch failed');
        log.push(units);
        return r;
      } finally {
        current = null;
      }
    },
    mark(n: number) {
      current?.push(n);
    },
  };
  return { store, log };
}

test('units of work arriving together share one commit; each gets its own result', async () => {
  const { store, log } = countingStore();
  const gc = createGroupCommit(store as unknown as Store, { maxBatch: 50 });
  const results = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      gc.run(async () => {
        store.mark(i);
        return i * 2;
      }),
    ),
  );
  assert.deepEqual(results, Array.from({ length: 30 }, (_, i) => i * 2));
  // All 30 arrive in the same turn of the event loop: the commit waits for the turn to end and
  // holds them all, in the order they came.
  assert.deepEqual(log, [Array.from({ length: 30 }, (_, i) => i)]);
});

test('units arriving while a commit is under way share the next one', async () => {
  const { store, log } = countingStore();
  const gc = createGroupCommit(store as unknown as Store, { maxBatch: 50 });
  const later: Array<Promise<void>> = [];
  // 1–3 come in a later turn of the event loop, while the first commit is under way (it takes 5 ms).
  const first = gc.run(async () => {
    store.mark(0);
    setImmediate(() => {
      for (let i = 1; i <= 3; i++) later.push(gc.run(async () => store.mark(i)));
    });
  });
  await first;
  await Promise.all(later);
  assert.equal(later.length, 3);
  assert.deepEqual(log, [[0], [1, 2, 3]]);
});

test('maxBatch bounds a commit', async () => {
  const { store, log } = countingStore();
  const gc = createGroupCommit(store as unknown as Store, { maxBatch: 4 });
  await Promise.all(Array.from({ length: 10 }, (_, i) => gc.run(async () => store.mark(i))));
  assert.deepEqual(log, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
});

test('one failing unit fails only its own caller; the others are committed alone', async () => {
  const { store, log } = countingStore();
  const gc = createGroupCommit(store as unknown as Store, { maxBatch: 50 });
  const outcomes = await Promise.allSettled(
    Array.from({ length: 6 }, (_, i) =>
      gc.run(async () => {
        if (i === 3) throw new Error('bad unit');
        store.mark(i);
        return i;
      }),
    ),
  );
  assert.equal(outcomes.filter((o) => o.status === 'rejected').length, 1);
  assert.equal((outcomes[3] as PromiseRejectedResult).reason.message, 'bad unit');
  assert.deepEqual(outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<number>).value).sort(), [0, 1, 2, 4, 5]);
  // 0–5 together, which fails on 3 and is not committed; then each of them alone.
  assert.deepEqual(log, [[0], [1], [2], [4], [5]]);
});

test('a commit that fails as a whole is retried unit by unit', async () => {
  const { store, log } = countingStore({ failBatchesOver: 1 });
  const gc = createGroupCommit(store as unknown as Store, { maxBatch: 50 });
  const r = await Promise.all(Array.from({ length: 5 }, (_, i) => gc.run(async () => (store.mark(i), i))));
  assert.deepEqual(r, [0, 1, 2, 3, 4]);
  assert.deepEqual(log, [[0], [1], [2], [3], [4]]);
});
