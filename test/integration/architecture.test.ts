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

/** A temp source tree with the given files. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'arch-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test('files that import each other in a circle are reported, type-only imports and re-exports too', () => {
  const v = check(tree({
    'http/app.ts': "import type { RouteDeps } from './routes/a.js';\nexport const app = 1;\n",
    'http/routes/a.ts': "import { app } from '../app.js';\nexport interface RouteDeps { n: number }\n",
    'inbound/x.ts': "export { y } from './y.js';\nexport const x = 1;\n",
    'inbound/y.ts': "import type { z } from './z.js';\nexport const y = 1;\n",
    'inbound/z.ts': "import {\n  x,\n} from './x.js';\nexport const z = x;\n",
    'inbound/self.ts': "import './self.js';\n",
    'inbound/free.ts': "import { x } from './x.js';\n",
  }));
  assert.deepEqual(v.filter((l) => l.startsWith('circle:')).sort(), [
    'circle: http/app.ts → http/routes/a.ts → http/app.ts',
    'circle: inbound/self.ts → inbound/self.ts',
    'circle: inbound/x.ts → inbound/y.ts → inbound/z.ts → inbound/x.ts',
  ], v.join('\n'));
});

test('the auth/portal/settings ports circle, taken apart, is reported should it come back', () => {
  const back = check(tree({
    'app/auth/ports.ts': "import type { P } from '../portal/ports.js';\n",
    'app/portal/ports.ts': "import type { S } from './installation-settings.js';\nexport type P = 1;\n",
    'app/portal/installation-settings.ts': "import type { A } from '../auth/ports.js';\nexport type S = 1;\n",
  }));
  assert.equal(back.length, 1, back.join('\n'));
  assert.match(back[0]!, /^circle: app\/auth\/ports\.ts → app\/portal\/ports\.ts → app\/portal\/installation-settings\.ts → app\/auth\/ports\.ts/);
});

test('asking which database it runs on is reported outside src/db, in every form the code could take', () => {
  const asks = [
    "if (rt.db.dialect.name === 'sqlite') x();",
    "const pg = dialect !== 'sqlite';",
    "if ('postgres' == kind) x();",
    "if (kind === \"postgres\") x();",
    "switch (ctx.dialect) {",
    "  case 'sqlite':",
    "const remote = url.startsWith('postgres://');",
    "if (isPostgres) x();",
    "if (db.dialect === SQLITE) x();",
    "if (SQLITE === db.dialect.name) x();",
  ];
  const dir = tree({
    ...Object.fromEntries(asks.map((line, i) => [`app/a${i}.ts`, `${line}\n`])),
    'app/fine.ts': "// a comment may say dialect === 'sqlite'\nconst mode = kind === 'sqlite_like';\nlog.info({ database: runtime.db.dialect.name });\n",
    'db/stores/search.ts': "if (dialect === 'sqlite') x();\n",
  });
  const v = check(dir);
  assert.deepEqual(
    v.map((l) => l.split(':')[0]).sort(),
    asks.map((_, i) => `app/a${i}.ts`).sort(),
    v.join('\n'),
  );
  assert.ok(v.every((l) => /^app\/a\d+\.ts:1: only src\/db may ask which database it runs on/.test(l)), v.join('\n'));
});

test('the inbound adapters do not start workers nor see the composition root: src/start-inbound.ts does', () => {
  const v = check(tree({
    'composition.ts': 'export interface Runtime { n: number }\n',
    'workers/worker-loop.ts': 'export const startWorkerLoop = 1;\n',
    'inbound/start.ts': "import type { Runtime } from '../composition.js';\nimport { startWorkerLoop } from '../workers/worker-loop.js';\n",
    'start-inbound.ts': "import type { Runtime } from './composition.js';\nimport { startWorkerLoop } from './workers/worker-loop.js';\nimport { x } from './inbound/x.js';\n",
    'inbound/x.ts': 'export const x = 1;\n',
  }));
  assert.deepEqual(v.sort(), ['inbound/start.ts: inbound/ must not import composition.ts', 'inbound/start.ts: inbound/ must not import workers/worker-loop.ts'], v.join('\n'));
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

test('inside src/db, asking which database runs is reported outside db/dialects and allowed inside', () => {
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
