import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { BIN, cli, type CliResult } from '../support/cli.js';
import { repoRoot } from '../support/corpus.js';
import { testedDialects, freshDatabaseUrl } from '../support/databases.js';
import { testRuntime } from '../support/runtime.js';
import { resolveId } from '../../src/cli/ids.js';

/** Runs the command with its stdout's reading end closed at once: every write it makes meets EPIPE. */
function withClosedStdout(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.destroy();
    const err: Buffer[] = [];
    p.stderr.on('data', (c: Buffer) => err.push(c));
    p.on('error', reject);
    p.on('close', (code) => resolve({ status: code ?? -1, stdout: '', stderr: Buffer.concat(err).toString() }));
  });
}

/** The columns docs/cli.md names for a listing ("…; columns: a, b, c; …"), as the table's header spells them. */
function documentedColumns(command: string): string[] {
  const row = readFileSync(join(repoRoot, 'docs/cli.md'), 'utf8').split('\n').find((l) => l.startsWith(`| \`supportal ${command} `));
  assert.ok(row, `docs/cli.md has a row for ${command}`);
  const m = /columns: ([^;|]+)/.exec(row);
  assert.ok(m, `the row for ${command} names its columns`);
  return m[1]!.split(',').map((c) => c.trim().replace(/[\s-]/g, '').toUpperCase());
}

for (const dialect of testedDialects()) {
  describe(`CLI in daily use on ${dialect}`, () => {
    let env: Record<string, string>;
    let cleanup: () => void;
    before(async () => {
      const db = await freshDatabaseUrl(dialect);
      cleanup = db.cleanup;
      env = { SUPPORTAL_DATA_DIR: db.dataDir, SUPPORTAL_DATABASE_URL: db.url, SUPPORTAL_LOG_LEVEL: 'silent' };
      const demo = cli(['demo'], env);
      assert.equal(demo.status, 0, demo.stderr);
      const [first] = JSON.parse(cli(['case', 'list', '--status', 'new', '--json'], env).stdout) as Array<{ number: number }>;
      const reply = cli(['case', 'reply', String(first!.number), '--agent', 'agent@example.com', '--body', 'We are on it.'], env);
      assert.equal(reply.status, 0, reply.stderr);
    });
    after(() => cleanup());

    test('`outbox list | head` and `mail log | head`: a reader that stops early ends the command quietly, exit 0', async () => {
      for (const args of [['outbox', 'list'], ['mail', 'log'], ['case', 'list']]) {
        const r = await withClosedStdout(args, env);
        assert.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr`);
        assert.equal(r.status, 0, args.join(' '));
      }
    });

    test('an id is taken by a unique prefix, as the listing shows it', () => {
      const mails = JSON.parse(cli(['outbox', 'list', '--json'], env).stdout) as Array<{ id: string; subject: string }>;
      assert.ok(mails.length > 0, 'the reply queued a mail');
      const target = mails[0]!;
      const unique = [8, 12, 36].map((n) => target.id.slice(0, n)).find((p) => mails.filter((m) => m.id.startsWith(p)).length === 1)!;
      const shown = cli(['outbox', 'show', unique, '--json'], env);
      assert.equal(shown.status, 0, shown.stderr);
      assert.equal(JSON.parse(shown.stdout).id, target.id);
      const upper = cli(['outbox', 'show', unique.toUpperCase(), '--json'], env);
      assert.equal(JSON.parse(upper.stdout).id, target.id, 'upper-case hex works too');
      const none = cli(['outbox', 'show', 'ffffffff0'], env);
      assert.equal(none.status, 1);
      assert.match(none.stderr, /^supportal: there is no outbound mail whose id starts with ffffffff0\n$/);
    });

    test('the listings show the columns docs/cli.md promises, the Message-ID among them', () => {
      for (const [command, args] of [['outbox list', ['outbox', 'list']], ['mail log', ['mail', 'log']]] as const) {
        const header = cli([...args], env).stdout.split('\n')[0]!.split(/\s+/);
        assert.deepEqual(header, documentedColumns(command), command);
        assert.ok(header.includes('MESSAGEID'), command);
      }
      const out = cli(['outbox', 'list'], env).stdout.split('\n');
      const [first] = JSON.parse(cli(['outbox', 'list', '--json'], env).stdout) as Array<{ messageId: string }>;
      assert.ok(first!.messageId.length > 60, 'a Message-ID longer than the 60 characters other cells are cut at');
      assert.ok(out[1]!.includes(first!.messageId), `the whole Message-ID ${first!.messageId} in: ${out[1]}`);
    });
  });
}

describe('an ambiguous id prefix', () => {
  for (const dialect of testedDialects()) {
    test(`is refused naming the candidates, on ${dialect}`, async () => {
      const rt = await testRuntime(dialect);
      try {
        const now = new Date().toISOString();
        // 17 ids: at least two share their first hex digit (16 digits).
        const ids = Array.from({ length: 17 }, () => randomUUID());
        for (const id of ids) await rt.ctx.store.jobs.enqueue({ id, kind: 'test', key: null, payload: {}, runAt: now, now });
        const first = ids.map((id) => id[0]!).find((c, i, all) => all.indexOf(c) !== i)!;
        await assert.rejects(resolveId(rt, 'jobs', first), /is the start of several job ids .*: give more characters/);
        assert.equal(await resolveId(rt, 'jobs', ids[0]!), ids[0], 'a full id is taken as it is');
        const longest = ids[0]!.slice(0, 30);
        assert.equal(await resolveId(rt, 'jobs', longest), ids[0]);
        assert.equal(await resolveId(rt, 'jobs', '50%'), '50%', 'no LIKE wildcard reaches the query: the text is passed on as it is');
      } finally {
        await rt.dispose();
      }
    });
  }
});

describe('a data directory without a database', () => {
  test('read commands stop with one line naming the file, and create nothing; the line is German with LANG=de_DE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'supportal-nodb-'));
    try {
      for (const args of [['case', 'list'], ['outbox', 'list'], ['mail', 'log'], ['mail', 'show', 'abc'], ['jobs', 'list'], ['user', 'list']]) {
        const r = cli(args, { SUPPORTAL_DATA_DIR: dir, SUPPORTAL_LOG_LEVEL: 'silent', SUPPORTAL_LANG: '', LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8' });
        assert.equal(r.status, 1, args.join(' '));
        assert.match(r.stderr, /^supportal: no database at .*supportal\.sqlite: check SUPPORTAL_DATA_DIR, or create one with `supportal migrate` \(empty\) or `supportal demo`\n$/, args.join(' '));
      }
      const de = cli(['case', 'list'], { SUPPORTAL_DATA_DIR: dir, SUPPORTAL_LOG_LEVEL: 'silent', SUPPORTAL_LANG: '', LC_ALL: '', LANG: 'de_DE.UTF-8' });
      assert.equal(de.status, 1);
      assert.match(de.stderr, /^supportal: keine Datenbank in .*: prüfen Sie SUPPORTAL_DATA_DIR/);
      const chosen = cli(['case', 'list'], { SUPPORTAL_DATA_DIR: dir, SUPPORTAL_LOG_LEVEL: 'silent', SUPPORTAL_LANG: 'de', LANG: 'en_US.UTF-8' });
      assert.match(chosen.stderr, /keine Datenbank/, 'SUPPORTAL_LANG wins over LANG');
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.sqlite')), [], 'no empty database was created');
      const migrate = cli(['migrate'], { SUPPORTAL_DATA_DIR: dir, SUPPORTAL_LOG_LEVEL: 'silent' });
      assert.equal(migrate.status, 0, migrate.stderr);
      assert.equal(cli(['case', 'list'], { SUPPORTAL_DATA_DIR: dir, SUPPORTAL_LOG_LEVEL: 'silent' }).status, 0, 'after migrate it lists');
      assert.ok(existsSync(join(dir, 'supportal.sqlite')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
