import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMPILED_BIN } from '../support/cli.js';
import { ensureCompiled } from '../support/compiled.js';
import { repoRoot } from '../support/corpus.js';
import { plainMail } from '../support/mail-builders.js';
import { COMMANDS } from '../../src/cli/command-table.js';
import { serveEnv, startServe } from '../support/serve-process.js';

const RECORD_IMPORTS = pathToFileURL(join(repoRoot, 'test/support/record-imports.mjs')).href;

/** The installed command: `node bin/supportal.js …`, which runs dist/ (no tsx loader). */
function supportal(args: string[], env: Record<string, string>, input?: Buffer, nodeArgs: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeArgs, COMPILED_BIN, ...args], { env: { ...process.env, ...env }, input, encoding: 'buffer', timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** The packages (under node_modules) a command imports, by name. */
const OWN_DEPENDENCIES = new Set(Object.keys((JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies));

function packagesImported(args: string[], env: Record<string, string>): string[] {
  const log = join(env.SUPPORTAL_DATA_DIR!, `imports-${args[0]}.log`);
  const r = supportal(args, { ...env, SUPPORTAL_IMPORT_LOG: log }, undefined, ['--import', RECORD_IMPORTS]);
  assert.equal(r.status, 0, r.stderr);
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  assert.ok(urls.some((u) => u.includes('/dist/cli/main.js')), 'the log records the compiled program');
  const names = urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []);
  // Our own dependencies only: from Node 22 on, the hooks also see the require() calls inside
  // CommonJS packages (proxy-addr's forwarded and ipaddr.js on 24), which Node 20 does not show.
  return [...new Set(names)].filter((n) => OWN_DEPENDENCIES.has(n)).sort();
}

describe('the compiled supportal command (dist/)', () => {
  let dir: string;
  let env: Record<string, string>;
  before(() => {
    ensureCompiled();
    dir = mkdtempSync(join(tmpdir(), 'supportal-dist-'));
    env = { SUPPORTAL_DATA_DIR: dir, SUPPORTAL_LOG_LEVEL: 'silent', SUPPORTAL_SENDER_AUTH: 'off', SUPPORTAL_MAIL_DOMAIN: 'support.example.com' };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--help lists every command of the table and loads no library', () => {
    const r = supportal(['--help'], env);
    assert.equal(r.status, 0, r.stderr);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c.name} `, 'm'), c.name);
    assert.deepEqual(packagesImported(['--help'], env), []);
  });

  test('print-config prints the settings and loads only the settings validators', () => {
    const r = supportal(['print-config', '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).SUPPORTAL_DATA_DIR, dir);
    // zod checks the settings; proxy-addr checks SUPPORTAL_TRUST_PROXY the way Fastify will read it.
    assert.deepEqual(packagesImported(['print-config'], env), ['@fastify/proxy-addr', 'zod']);
  });

  test('migrate, user add, case open and ingest of one reply, end to end on SQLite (parse worker from dist/)', () => {
    assert.equal(supportal(['migrate'], env).status, 0);
    const add = supportal(['user', 'add', '--role', 'customer', '--email', 'kim@example.org', '--name', 'Kim', '--lang', 'de'], env);
    assert.equal(add.status, 0, add.stderr);
    const open = supportal(['case', 'open', '--customer', 'kim@example.org', '--subject', 'Drucker', '--body', 'Er druckt nicht.', '--json'], env);
    assert.equal(open.status, 0, open.stderr);
    const { number } = JSON.parse(open.stdout) as { number: number };
    const raw = plainMail({ from: 'kim@example.org', to: 'support@support.example.com', subject: `Re: [Case #${number}] Drucker`, body: 'Jetzt geht es.' });
    const log = join(dir, 'imports-ingest.log');
    const r = supportal(['ingest'], { ...env, SUPPORTAL_IMPORT_LOG: log }, raw, ['--import', RECORD_IMPORTS]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(readFileSync(log, 'utf8'), /\/(src\/.*\.ts|node_modules\/(tsx|typescript)\/)/, 'runs without TypeScript sources or tsx');
    const out = JSON.parse(r.stdout.trim());
    assert.deepEqual([out.status, out.reason, out.case], ['accepted', null, number]);
    const show = JSON.parse(supportal(['case', 'show', String(number), '--json'], env).stdout) as { messages: Array<{ bodyText: string }> };
    assert.ok(show.messages.some((m) => m.bodyText.includes('Jetzt geht es.')), 'the reply is in the case');
  });

  test('ingest with a serve running hands the mail over and imports no library, no database and no pipeline', { timeout: 120_000 }, async () => {
    const serveDir = await serveEnv();
    const serve = await startServe(serveDir);
    try {
      const raw = plainMail({ from: 'kim@example.org', to: 'support@support.example.com', subject: 'Handoff', body: 'Über den Socket.' });
      const log = join(serveDir.SUPPORTAL_DATA_DIR!, 'imports-ingest-handoff.log');
      const r = supportal(['ingest'], { ...serveDir, SUPPORTAL_IMPORT_LOG: log }, raw, ['--import', RECORD_IMPORTS]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout.trim()).status, 'queued');
      const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      assert.ok(urls.some((u) => u.endsWith('/dist/cli/handoff-client.js')), 'the handoff path ran');
      assert.deepEqual(urls.filter((u) => u.includes('/node_modules/')), [], 'no package at all');
      // main.js's error registry (a table of codes and texts) is the one module of src/app it loads.
      const heavy = urls.filter((u) => !u.endsWith('/dist/app/errors.js') && /\/dist\/(db|app|inbound|domain|outbound)\/|\/dist\/(composition|ingest-deps|config\/config)\.js/.test(u));
      assert.deepEqual(heavy, [], 'no database, pipeline or configuration validators');
    } finally {
      await serve.stop();
    }
  });

  test('the compiled HTTP adapter serves the web UI from web/dist', async () => {
    const app = (await import(pathToFileURL(join(repoRoot, 'dist/http/app.js')).href)) as { DEFAULT_WEB_ROOT: string };
    assert.equal(app.DEFAULT_WEB_ROOT, join(repoRoot, 'web/dist'));
  });

  test('without dist/ the command says in one line to build it', () => {
    const copy = mkdtempSync(join(tmpdir(), 'supportal-nodist-'));
    try {
      mkdirSync(join(copy, 'bin'));
      copyFileSync(COMPILED_BIN, join(copy, 'bin/supportal.js'));
      const r = spawnSync(process.execPath, [join(copy, 'bin/supportal.js'), '--help'], { encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.equal(r.stderr, 'supportal: the compiled program (dist/) is missing; run npm run build\n');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
