import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestDatabase } from './postgres.js';

export type DialectName = 'sqlite' | 'postgres';
const ALL_DIALECTS: readonly DialectName[] = ['sqlite', 'postgres'];

/**
 * The databases this run tests: both, or those named in DIALECTS, a comma list
 * (`DIALECTS=sqlite npm test` needs no PostgreSQL), as Kysely's own test setup does.
 */
function selectedDialects(value = process.env.DIALECTS): readonly DialectName[] {
  if (value === undefined || value.trim() === '') return ALL_DIALECTS;
  const names = value.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const unknown = names.filter((n) => !(ALL_DIALECTS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`DIALECTS=${value}: no database named ${unknown.join(', ')}; the names are ${ALL_DIALECTS.join(', ')}`);
  return ALL_DIALECTS.filter((d) => names.includes(d));
}

const SELECTED = selectedDialects();

/** Why a test on `d` does not run in this run, or false when it does: a `skip` option for node:test. */
export function dialectLeftOut(d: DialectName): string | false {
  return SELECTED.includes(d) ? false : `DIALECTS=${process.env.DIALECTS} leaves ${d} out`;
}

/**
 * The databases of `candidates` to loop over in this run. Each one DIALECTS leaves out is
 * reported as a skipped test, so that a filtered run never counts as passed what it did not run.
 *
 * Usage:
 *   for (const dialect of testedDialects()) describe(`cases on ${dialect}`, () => { ... });
 *   for (const dialect of testedDialects(['postgres'])) ...   // a test that only PostgreSQL needs
 */
export function testedDialects(candidates: readonly DialectName[] = ALL_DIALECTS): DialectName[] {
  for (const d of candidates) {
    const reason = dialectLeftOut(d);
    if (reason) test(`on ${d}: not run`, { skip: reason }, () => {});
  }
  return candidates.filter((d) => SELECTED.includes(d));
}

/** A fresh database URL of the given kind, and a cleanup. */
export async function freshDatabaseUrl(d: DialectName): Promise<{ url: string; dataDir: string; cleanup(): void }> {
  // A test that asks for a database the run leaves out would run it all the same: it must take its databases from testedDialects().
  const leftOut = dialectLeftOut(d);
  if (leftOut) throw new Error(`a test asked for ${d}, but ${leftOut}: take the databases from testedDialects() or skip with dialectLeftOut()`);
  const dataDir = mkdtempSync(join(tmpdir(), 'supportal-test-'));
  const url = d === 'sqlite' ? `sqlite:${join(dataDir, 'test.sqlite')}` : await createTestDatabase();
  return { url, dataDir, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}
