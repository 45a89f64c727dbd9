/**
 * `node --import tsx bench/search-words.ts [--db sqlite|postgres] [--cases 10000] [--runs 21]`:
 * the case search as the desk and the portal run it (the store call behind `GET /api/cases?q=`,
 * without HTTP), for words of every frequency, on a database seeded by seed-large with
 * `--cases` cases of 10 messages each. `npm run bench` measures the common word only, through
 * HTTP; this shows where a word's frequency (and where its matches lie in time) costs.
 *
 * The words, with their share of the messages in the seeded data:
 * - COMMON_WORD: every message;
 * - `export`: nearly every subject and message (the most frequent vocabulary word);
 * - `netzwerk`: about 18 % of messages, the rarest vocabulary word;
 * - `p12`: a prefix of product codes, about 5.5 % of messages, but far fewer among the newest
 *   (the seed's codes are not spread evenly in time): the planner's worst case on PostgreSQL;
 * - `p123`: about 0.5 %; `p40404`: a code in a few messages at most;
 * - a rare word beside the common one, and a case number.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase, migrateToLatest } from '../src/db/database.js';
import { createWebStore } from '../src/db/stores/web.js';
import { startPostgres } from '../test/support/postgres.js';
import { seedLarge, COMMON_WORD, FIRST_SEEDED_CASE } from './seed-large.js';
import { pct } from './stats.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const database = option('db') ?? 'postgres';
if (database !== 'sqlite' && database !== 'postgres') throw new Error(`--db takes sqlite or postgres, not "${database}"`);
const cases = Number(option('cases') ?? 10_000);
const runs = Number(option('runs') ?? 21);
const CUSTOMERS = 200;

const pgServer = database === 'postgres' ? await startPostgres({ durable: true }) : null;
const dir = mkdtempSync(join(tmpdir(), 'supportal-search-'));
const url = pgServer?.url ?? `sqlite:${join(dir, 'search.db')}`;
try {
  const h = openDatabase(url);
  await migrateToLatest(h);
  const at = new Date().toISOString();
  const user = (id: string, role: string) => ({ id, email: `${id}@bench.example`, name: id, role, language: 'de', disabled: 0, email_verified: 1, org_admin: 0, created_at: at, updated_at: at });
  const customerIds = Array.from({ length: CUSTOMERS }, (_, i) => `customer-${i}`);
  await h.db.insertInto('users').values([user('agent', 'agent'), ...customerIds.map((id) => user(id, 'customer'))]).execute();
  await h.db.destroy();

  const t0 = performance.now();
  await seedLarge(url, { cases, messagesPerCase: 10, customerIds, agentId: 'agent' });
  console.log(`${database}: seeded ${cases} cases, ${cases * 10} messages in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  const db = openDatabase(url);
  const search = createWebStore(db).search;
  // The first search after the seed reads the tables into the caches; the figures are warm ones.
  await search.cases({ q: COMMON_WORD, limit: 100, includeInternalNotes: true });
  const words = [COMMON_WORD, 'export', 'netzwerk', 'p12', 'p123', 'p40404', `p40404 ${COMMON_WORD}`, `#${FIRST_SEEDED_CASE + 42}`];
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${runs} runs each, limit 100`);
  console.log(`${'q'.padEnd(16)} ${'who'.padEnd(9)} found   p50 ms   p95 ms`);
  for (const q of words) {
    for (const who of ['agent', 'customer'] as const) {
      const filter = who === 'agent' ? { q, limit: 100, includeInternalNotes: true } : { q, limit: 100, includeInternalNotes: false, customerId: customerIds[0]! };
      const ms: number[] = [];
      let found = 0;
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        found = (await search.cases(filter)).length;
        ms.push(performance.now() - t);
      }
      ms.sort((a, b) => a - b);
      console.log(`${q.padEnd(16)} ${who.padEnd(9)} ${String(found).padStart(5)} ${pct(ms, 0.5).toFixed(1).padStart(8)} ${pct(ms, 0.95).toFixed(1).padStart(8)}`);
    }
  }
  if (database === 'postgres') {
    // Where the planner's choice went for the worst word: walking `seq` backwards or the GIN index.
    const plan = await sql<{ 'QUERY PLAN': string }>`explain analyze select case_id from message_search where words @@ to_tsquery('simple', 'p12:*') order by seq desc limit 5000`.execute(db.db);
    console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
  await db.close();
} finally {
  pgServer?.stop();
  rmSync(dir, { recursive: true, force: true });
}
