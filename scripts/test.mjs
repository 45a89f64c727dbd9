#!/usr/bin/env node
// The whole test suite: installs the system services the tests use (as root, with apt-get),
// starts one PostgreSQL server for the run, runs every test file with Node's test runner and
// stops the server. A service that cannot be had is a failure naming its package, never a skip.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** binary → Debian package. */
const SYSTEM_DEPENDENCIES = [
  { bin: ['initdb', '/usr/lib/postgresql/15/bin/initdb'], pkg: 'postgresql' },
  { bin: ['clamd', '/usr/sbin/clamd'], pkg: 'clamav-daemon' },
  { bin: ['dovecot', '/usr/sbin/dovecot'], pkg: 'dovecot-imapd' },
  { bin: ['swaks'], pkg: 'swaks' },
  { bin: ['/usr/bin/chromium'], pkg: 'chromium' },
  { bin: ['nginx', '/usr/sbin/nginx'], pkg: 'nginx' },
  { bin: ['openssl'], pkg: 'openssl' },
  { bin: ['systemd-analyze'], pkg: 'systemd' },
];

function have(bins) {
  return bins.some((b) => (b.startsWith('/') ? existsSync(b) : spawnSync('sh', ['-c', `command -v ${b}`]).status === 0));
}

function ensureSystemDependencies() {
  const missing = SYSTEM_DEPENDENCIES.filter((d) => !have(d.bin));
  if (missing.length === 0) return;
  const pkgs = missing.map((d) => d.pkg);
  if (process.getuid?.() !== 0) {
    console.error(`test setup: missing Debian package(s): ${pkgs.join(', ')}. Install them (apt-get install ${pkgs.join(' ')}) or run the tests as root.`);
    process.exit(1);
  }
  console.error(`test setup: installing ${pkgs.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  const still = SYSTEM_DEPENDENCIES.filter((d) => !have(d.bin));
  if (still.length) {
    console.error(`test setup: still missing after apt-get: ${still.map((d) => d.pkg).join(', ')}`);
    process.exit(1);
  }
}

function testFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'corpus' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) testFiles(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

/**
 * The long campaigns: each proves our commit protocol, our UI or our parsers over minutes of
 * repetition (T5: 100 kills per database, 209 s; the XSS corpus, 141 s; the 2,000-reply
 * multi-node run, 74 s; the fuzzers, 61 s), not something a Node.js version changes.
 * SUPPORTAL_TEST_LONG=off leaves them out, and says so: CI runs them on the machine's Node.js and
 * leaves them out on the other LTS lines, to stay well inside its time.
 */
const LONG_RUNNING = ['test/integration/power-cut.test.ts', 'test/e2e/xss-corpus.test.ts', 'test/integration/multi-node.test.ts', 'test/fuzz/fuzz.test.ts'];
function leftOutAsLong(file) {
  return process.env.SUPPORTAL_TEST_LONG === 'off' && LONG_RUNNING.includes(file.split('\\').join('/'));
}
if (process.env.SUPPORTAL_TEST_LONG === 'off') console.error(`test setup: SUPPORTAL_TEST_LONG=off leaves out the long campaigns: ${LONG_RUNNING.join(', ')}`);

ensureSystemDependencies();
const filter = process.argv.slice(2);
const files = [...testFiles(join(root, 'src')), ...testFiles(join(root, 'test'))]
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .filter((f) => !leftOutAsLong(f))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const { register } = await import('tsx/esm/api');
register();
// Tests run the TypeScript; test/integration/compiled-cli.test.ts and the package test use the
// compiled dist/, compiled here once (when older than src/) so that no two test files compile it at once.
const { ensureCompiled } = await import('../test/support/compiled.ts');
ensureCompiled();
// DIALECTS=sqlite (test/support/databases.ts) leaves PostgreSQL out: then none is started.
const wanted = (process.env.DIALECTS ?? '').split(',').map((d) => d.trim()).filter(Boolean);
let pg = null;
if (wanted.length === 0 || wanted.includes('postgres')) {
  const { startPostgres } = await import('../test/support/postgres.ts');
  pg = await startPostgres();
  console.error(`test setup: PostgreSQL at ${pg.url}`);
} else {
  console.error(`test setup: DIALECTS=${process.env.DIALECTS}: no PostgreSQL; its tests are reported as skipped`);
}

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: pg ? { ...process.env, SUPPORTAL_TEST_PG_URL: pg.url } : process.env,
});
const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
pg?.stop();
process.exit(code);
