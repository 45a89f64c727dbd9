/**
 * The benchmark's JSON keeps every field the issue names, and docs/benchmarks.md keeps a row for
 * each: a figure cannot silently vanish from either. (No timing here: the figures are taken by
 * `npm run bench`.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resolver } from 'node:dns/promises';
import { missingFields, RESULT_FIELDS, writeResults, type DatabaseResults } from '../../bench/results.js';
import { startFixedDns } from '../../bench/fixed-dns.js';
import { repoRoot } from '../support/corpus.js';

const complete = (): DatabaseResults => Object.fromEntries(RESULT_FIELDS.map((f, i) => [f, i + 0.5])) as DatabaseResults;

test('the results file holds every field for each database, as numbers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
  try {
    const file = join(dir, 'r.json');
    writeResults(file, { at: '2026-12-06T00:00:00Z', machine: { cpus: 2, node: 'v20', loadAverage1m: 0 }, quick: true, sqlite: complete(), postgres: complete() });
    const read = JSON.parse(readFileSync(file, 'utf8'));
    for (const db of ['sqlite', 'postgres']) assert.deepEqual(missingFields(read[db]), [], db);
    assert.ok(RESULT_FIELDS.length >= 16);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a result without a field, or with a field that is not a finite number, is refused', () => {
  const { smtp_1mb_per_s: _dropped, ...partial } = complete();
  assert.deepEqual(missingFields(partial), ['smtp_1mb_per_s']);
  assert.deepEqual(missingFields({ ...complete(), receipt_sent_p99_ms: Number.NaN }), ['receipt_sent_p99_ms']);
  assert.throws(() => writeResults(join(tmpdir(), 'never.json'), { at: '', machine: { cpus: 2, node: '', loadAverage1m: 0 }, quick: true, sqlite: partial as DatabaseResults }), /smtp_1mb_per_s/);
});

test('docs/benchmarks.md has a row for every field', () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'benchmarks.md'), 'utf8');
  for (const f of RESULT_FIELDS) assert.match(doc, new RegExp(`\\| \`${f}\` \\|`), `docs/benchmarks.md lacks ${f}`);
});

test('the fixed DNS answers its records over real packets, and NXDOMAIN for other names', async () => {
  const dns = await startFixedDns({ 'kunde.example': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] } });
  try {
    const r = new Resolver();
    r.setServers([dns.address]);
    assert.deepEqual(await r.resolve('kunde.example', 'TXT'), [['v=spf1 ip4:127.0.0.1 -all']]);
    await assert.rejects(r.resolve('other.example', 'TXT'), { code: 'ENOTFOUND' });
    assert.equal(dns.queries, 2);
  } finally {
    await dns.stop();
  }
});
