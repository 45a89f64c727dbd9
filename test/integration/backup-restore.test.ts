import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { customerWithCase, serveEnv, startServe } from '../support/serve-process.js';
import { BIN, cli, cliAsync } from '../support/cli.js';
import { dialectLeftOut } from '../support/databases.js';

test('C8: backup while 500 mails stream into serve; restore into a new data dir: every mail acknowledged before the backup is there, integrity_check ok, the key goes along', { timeout: 300_000, skip: dialectLeftOut('sqlite') }, async () => {
  const env = await serveEnv();
  const work = mkdtempSync(join(tmpdir(), 'supportal-backup-'));
  const backupDir = join(work, 'backup');
  const restoredEnv = { ...env, SUPPORTAL_DATA_DIR: join(work, 'restored-data') };
  try {
    const customer = 'kim@kunde.example';
    const caseNumber = customerWithCase(env, customer);
    const serve = await startServe(env);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: serve.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 10, maxMessages: Infinity });
    const acked: string[] = [];
    let ackedBeforeBackup: string[] | null = null;
    let backup: ReturnType<typeof cliAsync> | null = null;
    let ackedWhileBackup = 0;
    let backupDone = false;
    const TOTAL = 500;
    await Promise.all(
      Array.from({ length: TOTAL }, (_, i) =>
        transport.sendMail({ from: customer, to: 'support@support.example.com', subject: `Re: [Case #${caseNumber}] Export`, text: `Antwort ${i} `.repeat(200) }).then((info) => {
          acked.push(/stored as (\S+)/.exec(info.response)![1]!);
          if (backupDone === false && ackedBeforeBackup !== null) ackedWhileBackup++;
          if (acked.length === 150) {
            // Taken while mail keeps arriving and being processed.
            ackedBeforeBackup = [...acked];
            backup = cliAsync(['backup', backupDir], env);
            void backup.then(() => (backupDone = true));
          }
        }),
      ),
    );
    transport.close();
    const b = await backup!;
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /backed up .* and its secret key into /);
    assert.equal(b.stderr, '', 'no progress output when stderr is not a terminal');
    serve.child.kill('SIGTERM');
    assert.deepEqual(await serve.exited, { code: 0, signal: null });
    assert.equal(acked.length, TOTAL);
    assert.ok(ackedWhileBackup > 0, 'mail was acknowledged while the backup ran');
    assert.equal(statSync(backupDir).mode & 0o777, 0o700, 'the backup directory holds the key: owner only');
    assert.equal(statSync(join(backupDir, 'secret.key')).mode & 0o777, 0o600);

    const r = cli(['restore', backupDir], restoredEnv);
    assert.equal(r.status, 0, r.stderr);
    const restoredFile = join(restoredEnv.SUPPORTAL_DATA_DIR, 'supportal.sqlite');
    const db = new Database(restoredFile, { readonly: true });
    try {
      assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
      const ids = new Set((db.prepare('select id from inbound_mails').all() as Array<{ id: string }>).map((m) => m.id));
      const missing = ackedBeforeBackup!.filter((id) => !ids.has(id));
      assert.deepEqual(missing, [], 'every mail acknowledged before the backup started is in it');
      assert.ok(ids.size >= 150 && ids.size <= TOTAL);
    } finally {
      db.close();
    }
    assert.equal(readFileSync(join(restoredEnv.SUPPORTAL_DATA_DIR, 'secret.key'), 'utf8'), readFileSync(join(env.SUPPORTAL_DATA_DIR!, 'secret.key'), 'utf8'), 'the same key: old Message-IDs still verify');

    // The restored installation runs: its mails are listed by the command line.
    const log = cli(['mail', 'log', '--json'], restoredEnv);
    assert.equal(log.status, 0, log.stderr);
    assert.ok((JSON.parse(log.stdout) as unknown[]).length >= 150);

    // Never over an existing installation: one line, exit 1, nothing changed.
    const before = readFileSync(restoredFile);
    const again = cli(['restore', backupDir], restoredEnv);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /^supportal: .*supportal\.sqlite exists already; restore only into an empty data directory/);
    assert.equal(again.stderr.trim().split('\n').length, 1);
    assert.ok(readFileSync(restoredFile).equals(before));
    // Nor a backup into a directory that holds something.
    const full = cli(['backup', backupDir], env);
    assert.equal(full.status, 1);
    assert.match(full.stderr, /^supportal: .* exists and is not empty; a backup never overwrites\n$/);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(env.SUPPORTAL_DATA_DIR!, { recursive: true, force: true });
  }
});

test('backup shows its progress on a terminal, and only there', { timeout: 120_000, skip: dialectLeftOut('sqlite') }, () => {
  const work = mkdtempSync(join(tmpdir(), 'supportal-backup-tty-'));
  try {
    const env = { SUPPORTAL_DATA_DIR: join(work, 'data'), SUPPORTAL_LOG_LEVEL: 'silent' };
    assert.equal(cli(['migrate'], env).status, 0);
    // `script` runs the command on a pseudo-terminal, as an admin's shell would.
    const r = spawnSync('script', ['-qec', `${process.execPath} ${BIN} backup ${join(work, 'b')}`, '/dev/null'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\rbackup: 100 % of \d+ pages/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('backup and restore on PostgreSQL say in one line that pg_dump is the way (exit 1)', () => {
  const work = mkdtempSync(join(tmpdir(), 'supportal-backup-pg-'));
  try {
    mkdirSync(join(work, 'data'));
    writeFileSync(join(work, 'data', 'secret.key'), 'k'.repeat(40) + '\n');
    // The URL is never connected to: the command refuses before touching a database.
    const env = { SUPPORTAL_DATA_DIR: join(work, 'data'), SUPPORTAL_DATABASE_URL: 'postgres://supportal@127.0.0.1:1/supportal' };
    for (const command of ['backup', 'restore']) {
      const r = cli([command, join(work, 'b')], env);
      assert.equal(r.status, 1, command);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^supportal: ${command} handles SQLite only; this installation runs on PostgreSQL: use pg_dump.*docs/operations\\.md.*\\n$`));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
