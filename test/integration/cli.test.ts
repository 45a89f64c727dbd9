import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { BIN, cli } from '../support/cli.js';
import { testedDialects, freshDatabaseUrl } from '../support/databases.js';
import { freePort } from '../support/postgres.js';

for (const dialect of testedDialects()) {
  describe(`CLI on ${dialect}`, () => {
    let env: Record<string, string>;
    let cleanup: () => void;
    before(async () => {
      const db = await freshDatabaseUrl(dialect);
      cleanup = db.cleanup;
      env = { SUPPORTAL_DATA_DIR: db.dataDir, SUPPORTAL_DATABASE_URL: db.url, SUPPORTAL_LOG_LEVEL: 'silent' };
    });
    after(() => cleanup());

    test('migrate, user add, case open/show/list/close/reopen with --json', () => {
      assert.equal(cli(['migrate'], env).status, 0);
      const add = cli(['user', 'add', '--role', 'customer', '--email', 'Eva@Example.org', '--name', 'Eva', '--org', 'Evas Firma', '--customer-no', '4711', '--lang', 'en', '--json'], env);
      assert.equal(add.status, 0, add.stderr);
      assert.equal(JSON.parse(add.stdout).email, 'eva@example.org');
      const open = cli(['case', 'open', '--customer', 'eva@example.org', '--subject', 'Crash on start', '--body', 'It crashes.', '--channel', 'phone', '--json'], env);
      assert.equal(open.status, 0, open.stderr);
      const { number } = JSON.parse(open.stdout) as { number: number };
      assert.ok(number >= 10001);
      const plain = cli(['case', 'open', '--customer', 'eva@example.org', '--subject', 'Second', '--body', 'x'], env);
      assert.equal(plain.stdout.trim(), String(number + 1), 'prints the case number');
      const show = JSON.parse(cli(['case', 'show', String(number), '--json'], env).stdout);
      assert.equal(show.subject, 'Crash on start');
      assert.equal(show.channel, 'phone');
      assert.equal(show.messages[0].bodyText, 'It crashes.');
      const list = JSON.parse(cli(['case', 'list', '--json'], env).stdout) as Array<{ number: number }>;
      assert.deepEqual(list.map((c) => c.number).sort(), [number, number + 1]);
      assert.equal(JSON.parse(cli(['case', 'close', String(number), '--json'], env).stdout).status, 'closed');
      assert.equal(JSON.parse(cli(['case', 'list', '--status', 'closed', '--json'], env).stdout).length, 1);
      assert.equal(JSON.parse(cli(['case', 'reopen', String(number), '--json'], env).stdout).status, 'open');
    });

    test('bad arguments exit 2 with a usage line; failures exit 1 with one line', () => {
      for (const args of [['case', 'open', '--customer', 'x@example.org'], ['case', 'show'], ['case', 'show', 'abc'], ['user', 'add', '--role', 'boss', '--email', 'a@b.c', '--name', 'n'], ['case', 'list', '--bogus'], ['nonsense'], ['serve', '--roles', 'web,mail'], ['serve', '--roles', '']]) {
        const r = cli(args, env);
        assert.equal(r.status, 2, args.join(' '));
        assert.match(r.stderr, /usage: supportal/, args.join(' '));
      }
      const dup = cli(['user', 'add', '--role', 'agent', '--email', 'EVA@example.org', '--name', 'Dup'], env);
      assert.equal(dup.status, 1);
      assert.equal(dup.stderr.trim().split('\n').length, 1);
      assert.match(dup.stderr, /exists already/);
      const missing = cli(['case', 'show', '99999'], env);
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /no case 99999/);
    });

    test('demo is idempotent and prints the logins', () => {
      const first = cli(['demo'], env);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /agent@example\.com\s+demo-agent-pass/);
      const before = cli(['case', 'list', '--json'], env).stdout;
      const second = cli(['demo', '--json'], env);
      assert.deepEqual(JSON.parse(second.stdout).created, []);
      assert.equal(cli(['case', 'list', '--json'], env).stdout, before);
    });
  });
}

describe('CLI configuration errors', () => {
  test('an invalid setting exits 1 naming it, and creates nothing', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'supportal-cli-')), 'data');
    const r = cli(['migrate'], { SUPPORTAL_DATA_DIR: dir, SUPPORTAL_SMTP_PORT: '99999' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^supportal: invalid setting SUPPORTAL_SMTP_PORT="99999"/);
    assert.equal(existsSync(dir), false);
  });

  test('an unreachable database exits 1 with a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'supportal-cli-'));
    const r = cli(['case', 'list'], { SUPPORTAL_DATA_DIR: dir, SUPPORTAL_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /database unreachable/);
    rmSync(dir, { recursive: true });
  });

  test('print-config masks secrets', () => {
    const r = cli(['print-config', '--json'], { SUPPORTAL_DATA_DIR: mkdtempSync(join(tmpdir(), 'supportal-cli-')), SUPPORTAL_SECRET: 'x'.repeat(40), SUPPORTAL_RELAY_URL: 'smtp://u:topsecret@relay:25' });
    assert.equal(r.status, 0);
    const c = JSON.parse(r.stdout);
    assert.equal(c.SUPPORTAL_SECRET, '********');
    assert.ok(!r.stdout.includes('topsecret'));
  });
});

describe('serve', () => {
  test('on an empty data dir: migrates, answers /healthz and /readyz, exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'supportal-serve-'));
    const port = await freePort();
    const p = spawn(process.execPath, [BIN, 'serve'], {
      env: { ...process.env, SUPPORTAL_DATA_DIR: join(dir, 'data'), SUPPORTAL_HTTP_PORT: String(port), SUPPORTAL_SMTP_PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    p.stderr.on('data', (c) => (logs += c));
    try {
      // Readiness by polling, never a fixed sleep.
      const deadline = Date.now() + 30_000;
      let ready: Response | null = null;
      while (Date.now() < deadline) {
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
        if (ready) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(ready, `serve did not come up: ${logs}`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json(), { status: 'ok' });
      assert.ok(existsSync(join(dir, 'data', 'supportal.sqlite')));
      assert.match(logs, /"msg":"supportal is up"/, 'JSON logs');
      p.kill('SIGTERM');
      const [code] = (await once(p, 'exit')) as [number];
      assert.equal(code, 0, logs);
      assert.match(logs, /supportal stopped/);
    } finally {
      if (p.exitCode === null) p.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
