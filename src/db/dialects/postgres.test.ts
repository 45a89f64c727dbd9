import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openDatabase } from '../database.js';
import { testedDialects } from '../../../test/support/databases.js';
import { createTestDatabase } from '../../../test/support/postgres.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const _dialect of testedDialects(['postgres'])) {
  // Found by the fault campaign (npm run chaos): PostgreSQL stopped while serve held a connection
  // inside a transaction, between two statements. pg reports the lost connection as an 'error'
  // event on that client, which the pool only listens to while the client is idle: unhandled, it
  // ended the whole serve process, dropping every SMTP session instead of answering 451.
  test('RELIABILITY T1: the server ending a connection held inside a transaction fails that transaction, and the process and the pool carry on', async () => {
    const url = await createTestDatabase();
    const h = openDatabase(url);
    const admin = openDatabase(url);
    try {
      const outcome = h.db.transaction().execute(async (tx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx);
        const pid = rows[0]!.pid;
        await sql`select pg_terminate_backend(${pid})`.execute(admin.db);
        // The backend is gone; give its closed socket time to reach the client while no statement runs on it.
        while ((await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where pid = ${pid}`.execute(admin.db)).rows[0]!.n > 0) await sleep(20);
        await sleep(300);
        await sql`select 1`.execute(tx);
      });
      await assert.rejects(outcome, 'the transaction on the lost connection fails');
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(h.db);
      assert.equal(rows[0]!.one, 1, 'the pool hands out a working connection afterwards');
    } finally {
      await h.close();
      await admin.close();
    }
  });
}
