import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/corpus.js';

/** Runs a test file that loops over testedDialects() with DIALECTS set; its TAP output and exit code. */
function runWithDialects(dialects: string | undefined, body: string): { code: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dialect-filter-'));
  const file = join(dir, 'loop.test.ts');
  const support = pathToFileURL(join(repoRoot, 'test', 'support', 'databases.ts')).href;
  writeFileSync(file, `import { describe, test } from 'node:test';\nimport { dialectLeftOut, freshDatabaseUrl, testedDialects } from '${support}';\n${body}\n`);
  const env = { ...process.env };
  delete env.DIALECTS;
  delete env.NODE_TEST_CONTEXT; // else the child thinks it runs inside this test and runs nothing
  if (dialects !== undefined) env.DIALECTS = dialects;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', file], { cwd: repoRoot, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

const loop = "for (const dialect of testedDialects()) describe(`cases on ${dialect}`, () => { test('works', () => {}); });";

test('DIALECTS=sqlite runs the sqlite loop and reports postgres as skipped, not passed', () => {
  const { code, out } = runWithDialects('sqlite', loop);
  assert.equal(code, 0, out);
  assert.match(out, /^ok \d+ - cases on sqlite$/m);
  assert.doesNotMatch(out, /cases on postgres/);
  assert.match(out, /^ok \d+ - on postgres: not run # SKIP DIALECTS=sqlite leaves postgres out$/m);
  assert.match(out, /^# pass 1$/m);
  assert.match(out, /^# skipped 1$/m);
});

test('without DIALECTS both databases are looped over and nothing is skipped', () => {
  const { code, out } = runWithDialects(undefined, "for (const dialect of testedDialects(['sqlite', 'postgres'])) test(`on ${dialect}`, () => {});");
  assert.equal(code, 0, out);
  assert.match(out, /^ok \d+ - on sqlite$/m);
  assert.match(out, /^ok \d+ - on postgres$/m);
  assert.match(out, /^# skipped 0$/m);
});

test('a test pinned to a left-out database is skipped with dialectLeftOut, and fails if it asks for that database anyway', () => {
  const { out } = runWithDialects('sqlite', [
    "describe('needs PostgreSQL', { skip: dialectLeftOut('postgres') }, () => { test('x', () => {}); });",
    "test('asks anyway', async () => { await freshDatabaseUrl('postgres'); });",
  ].join('\n'));
  assert.match(out, /^ok \d+ - needs PostgreSQL # SKIP DIALECTS=sqlite leaves postgres out$/m);
  assert.match(out, /^not ok \d+ - asks anyway$/m);
  assert.match(out, /a test asked for postgres, but DIALECTS=sqlite leaves postgres out/);
});

test('an unknown name in DIALECTS is an error naming the known ones', () => {
  const { code, out } = runWithDialects('sqlite,mysql', loop);
  assert.notEqual(code, 0);
  assert.match(out, /DIALECTS=sqlite,mysql: no database named mysql; the names are sqlite, postgres/);
});
