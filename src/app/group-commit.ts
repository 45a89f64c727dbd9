import type { Store } from './ports.js';

/**
 * Group commit: units of work that arrive in the same turn of the event loop, or while a
 * transaction is being committed, are committed together in the next one. A durable commit costs an fsync (SQLite synchronous=FULL,
 * PostgreSQL synchronous_commit=on), so one commit for many mails is what lets a 250 mean
 * "durably stored" at a thousand mails a second. Each caller still gets its own result, only
 * after the commit that holds its work.
 *
 * If the shared transaction fails, every unit is retried alone in its own transaction, so one bad
 * unit never fails the others (its own error reaches only its own caller).
 *
 * Usage:
 *   const commits = createGroupCommit(store, { maxBatch: 200 });
 *   const id = await commits.run((tx) => tx.inbound.insert(...));
 */
export interface GroupCommit {
  run<T>(work: (tx: Store) => Promise<T>): Promise<T>;
  /** Resolves when nothing is pending or being committed. */
  idle(): Promise<void>;
}

interface Pending {
  work: (tx: Store) => Promise<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

export function createGroupCommit(store: Store, opts: { maxBatch: number }): GroupCommit {
  let queue: Pending[] = [];
  let flushing: Promise<void> | null = null;

  async function flushLoop(): Promise<void> {
    while (queue.length > 0) {
      // One turn of the event loop first, so that the units whose I/O is already due join this
      // commit. better-sqlite3 commits synchronously: the event loop is blocked during the fsync,
      // nothing can queue meanwhile, and without this turn almost every batch held one unit
      // (1,617 commits for 673 mails in the quick bench, docs/benchmarks.md section 1).
      await new Promise<void>((resolve) => setImmediate(resolve));
      const batch = queue.slice(0, opts.maxBatch);
      queue = queue.slice(batch.length);
      if (batch.length === 1) {
        await settleAlone(batch[0]!);
        continue;
      }
      let results: unknown[] | null = null;
      try {
        results = await store.transaction(async (tx) => {
          const out: unknown[] = [];
          for (const p of batch) out.push(await p.work(tx));
          return out;
        });
      } catch {
        results = null;
      }
      if (results) batch.forEach((p, i) => p.resolve(results![i]));
      else for (const p of batch) await settleAlone(p);
    }
  }

  async function settleAlone(p: Pending): Promise<void> {
    try {
      p.resolve(await store.transaction((tx) => p.work(tx)));
    } catch (e) {
      p.reject(e);
    }
  }

  function kick(): void {
    flushing ??= flushLoop().finally(() => {
      flushing = null;
      if (queue.length > 0) kick();
    });
  }

  return {
    run<T>(work: (tx: Store) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
        kick();
      });
    },
    async idle() {
      while (flushing) await flushing;
    },
  };
}
