import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../database.js';
import { dialectLeftOut } from '../../../test/support/databases.js';

// Found by the fault campaign (npm run chaos): with the disk full, SQLite rolls the transaction
// back by itself, Kysely's ROLLBACK after it then failed with "cannot rollback - no transaction is
// active", and that error hid SQLITE_FULL: the mail was answered 451 4.3.0 instead of 452 4.3.1.
test('RELIABILITY T2: a full database fails its transaction with SQLITE_FULL, not with a failed rollback, and the database stays usable', { skip: dialectLeftOut('sqlite') }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'supportal-full-'));
  const h = openDatabase(`sqlite:${join(dir, 'full.sqlite')}`);
  try {
    await sql`create table t (x blob)`.execute(h.db);
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(h.db)).rows[0]!.page_count;
    // A database that may grow by 3 pages stands for a disk with 12 KiB left.
    await sql.raw(`pragma max_page_count = ${pages + 3}`).execute(h.db);
    const outcome = h.db.transaction().execute(async (tx) => {
      for (let i = 0; i < 5; i++) await sql`insert into t values (${Buffer.alloc(8000)})`.execute(tx);
    });
    await assert.rejects(outcome, (e: { code?: string; message?: string }) => {
      assert.equal(e.code, 'SQLITE_FULL', `${e.code}: ${e.message}`);
      return true;
    });
    const left = await sql<{ n: number }>`select count(*) as n from t`.execute(h.db);
    assert.equal(left.rows[0]!.n, 0, 'nothing of the failed transaction is kept');
    await sql.raw(`pragma max_page_count = 100000`).execute(h.db);
    await h.db.transaction().execute((tx) => sql`insert into t values (${Buffer.alloc(8000)})`.execute(tx));
    assert.equal((await sql<{ n: number }>`select count(*) as n from t`.execute(h.db)).rows[0]!.n, 1, 'with room again, a transaction commits');
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
