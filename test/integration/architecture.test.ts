import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain ESM script without types
import { checkArchitecture, MAX_PORT_MEMBERS as maxPortMembers } from '../../scripts/check-architecture.mjs';

const check = checkArchitecture as (dir?: string) => string[];
const MAX_PORT_MEMBERS = maxPortMembers as number;

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

test('a port wider than the limit is reported, one at the limit is not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arch-'));
  mkdirSync(join(dir, 'app', 'desk'), { recursive: true });
  const methods = (n: number) => Array.from({ length: n }, (_v, i) => `  /** Doc with (brackets) and { braces }. */\n  m${i}(a: { x: string }, b: (y: number) => void): Promise<Array<{ z: string }>>;`).join('\n');
  writeFileSync(
    join(dir, 'app', 'desk', 'ports.ts'),
    `export interface WideStore {\n${methods(MAX_PORT_MEMBERS)}\n  readonly extra: OtherStore;\n  plainField: string;\n}\n` +
      `export interface FitStore {\n${methods(MAX_PORT_MEMBERS - 1)}\n  readonly sub: OtherStore;\n  plainField: string;\n}\n` +
      'export interface OtherStore { get(): Promise<void> }\n',
  );
  const v = check(dir);
  assert.deepEqual(v, [`app/desk/ports.ts: port WideStore has ${MAX_PORT_MEMBERS + 1} methods and sub-ports (at most ${MAX_PORT_MEMBERS}: split it by who uses what)`]);
});

test('asking which database runs is reported outside db/dialects and allowed inside', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arch-'));
  for (const d of ['db/stores', 'db/dialects']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'db', 'stores', 'search.ts'), "export const f = (d: { name: string }) => (d.name === 'sqlite' ? 1 : 2);\n");
  writeFileSync(join(dir, 'db', 'dialects', 'sqlite.ts'), "export const g = (d: { name: string }) => d.name === 'sqlite';\n");
  assert.deepEqual(check(dir), ['db/stores/search.ts: asks which database it runs on; move the difference into the DialectAdapter (db/dialects)']);
});

test('a use case that takes the whole web context is reported; one that names its slice is not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arch-'));
  mkdirSync(join(dir, 'app', 'desk'), { recursive: true });
  writeFileSync(join(dir, 'app', 'desk', 'wide.ts'), "import type { PortalContext } from '../web-context.js';\nexport async function f(\n  ctx: PortalContext,\n  id: string,\n) {}\n");
  writeFileSync(join(dir, 'app', 'desk', 'narrow.ts'), "import type { WebSlice } from '../web-context.js';\nexport async function g(ctx: WebSlice<'cases', 'search', 'clock'>) {}\n");
  assert.deepEqual(check(dir), ['app/desk/wide.ts: a use case takes the whole WebContext/PortalContext; declare the slice it uses (WebSlice)']);
});
