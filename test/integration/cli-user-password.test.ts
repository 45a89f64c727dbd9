import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { verify } from '@node-rs/argon2';
import { cli } from '../support/cli.js';
import { dialectLeftOut, freshDatabaseUrl } from '../support/databases.js';

// The flag handling is the same on both databases; SQLite lets the test read the stored hash directly.
describe('user add takes the password from standard input or a prompt, never from the command line (issue 10, item 10)', { skip: dialectLeftOut('sqlite') }, () => {
  let env: Record<string, string>;
  let dbFile: string;
  let cleanup: () => void;
  before(async () => {
    const db = await freshDatabaseUrl('sqlite');
    cleanup = db.cleanup;
    dbFile = db.url.replace(/^sqlite:/, '');
    env = { SUPPORTAL_DATA_DIR: db.dataDir, SUPPORTAL_DATABASE_URL: db.url, SUPPORTAL_LOG_LEVEL: 'silent' };
    assert.equal(cli(['migrate'], env).status, 0);
  });
  after(() => cleanup());

  function storedHash(email: string): string | null {
    const db = new Database(dbFile, { readonly: true });
    try {
      return (db.prepare('select password_hash from users where email = ?').get(email) as { password_hash: string | null } | undefined)?.password_hash ?? null;
    } finally {
      db.close();
    }
  }

  test('RELIABILITY W22: --password on the command line is refused with exit 2 and no user is added', () => {
    const r = cli(['user', 'add', '--role', 'agent', '--email', 'argv@example.org', '--name', 'Argv', '--password', 'seen in ps aux'], env);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr.split('\n')[0]!, /--password is not taken.*--password-stdin/);
    assert.ok(!r.stderr.includes('seen in ps aux'), 'the password is not echoed either');
    assert.equal(cli(['user', 'list', '--json'], env).stdout.includes('argv@example.org'), false);
  });

  test('RELIABILITY W22: --password-stdin reads the first line of standard input', async () => {
    const r = cli(['user', 'add', '--role', 'agent', '--email', 'piped@example.org', '--name', 'Piped', '--password-stdin', '--json'], env, Buffer.from('piped pass phrase\nignored second line\n'));
    assert.equal(r.status, 0, r.stderr);
    const hash = storedHash('piped@example.org');
    assert.ok(hash, 'a password was stored');
    assert.equal(await verify(hash, 'piped pass phrase'), true);
    const empty = cli(['user', 'add', '--role', 'agent', '--email', 'empty@example.org', '--name', 'Empty', '--password-stdin'], env, Buffer.alloc(0));
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /holds no password/);
  });

  test('without a terminal and without --password-stdin the user gets no password (a reset link sets it)', () => {
    const r = cli(['user', 'add', '--role', 'customer', '--email', 'nopw@example.org', '--name', 'No Password'], env, Buffer.from('not read\n'));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(storedHash('nopw@example.org'), null);
  });
});
