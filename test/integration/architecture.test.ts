import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain ESM script without types
import { checkArchitecture } from '../../scripts/check-architecture.mjs';

const check = checkArchitecture as (dir?: string) => string[];

test('the source tree keeps its dependency rules', () => {
  assert.deepEqual(check(), []);
});

test('a violation is reported: the domain importing the database, the app importing an adapter, a library outside its adapter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arch-'));
  for (const d of ['domain', 'app', 'db', 'http']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'db', 'x.ts'), 'export const x = 1;\n');
  writeFileSync(join(dir, 'domain', 'a.ts'), "import { x } from '../db/x.js';\nimport { readFileSync } from 'node:fs';\n");
  writeFileSync(join(dir, 'app', 'b.ts'), "import { x } from '../db/x.js';\n");
  writeFileSync(join(dir, 'http', 'c.ts'), "import { Kysely } from 'kysely';\n");
  const v = check(dir);
  assert.ok(v.some((l) => l.startsWith('domain/a.ts: domain/ must not import db/x.ts')), v.join('\n'));
  assert.ok(v.some((l) => l.includes('domain/a.ts: the domain must not import node:fs')));
  assert.ok(v.some((l) => l.startsWith('app/b.ts: app/ must not import db/x.ts')));
  assert.ok(v.some((l) => l.startsWith('http/c.ts: only db may import kysely')));
});
