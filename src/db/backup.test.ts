import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { backupSqlite, checkIntegrity, restoreSqlite, type BackupProgress } from './backup.js';

/** A WAL database of about 12 MiB (over 3,000 pages: several backup steps). */
function bigDatabase(file: string): SQLite.Database {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.exec('create table t (id integer primary key, data blob)');
  const insert = db.prepare('insert into t (data) values (?)');
  for (let i = 0; i < 12; i++) insert.run(Buffer.alloc(1024 * 1024, i));
  return db;
}

test('a backup that another connection writes to between its steps still ends, with every write made before its last step', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'supportal-backup-unit-'));
  try {
    const source = join(dir, 'live.sqlite');
    // The writer stands for `serve`: a second connection that writes while the copy runs.
    const writer = bigDatabase(source);
    const insert = writer.prepare('insert into t (data) values (?)');
    const seen: BackupProgress[] = [];
    await backupSqlite(source, join(dir, 'copy.sqlite'), (p) => {
      seen.push(p);
      // A write before every step: a stepwise copy would restart forever.
      if (p.remainingPages > 0) insert.run(Buffer.from('during the backup'));
    });
    assert.ok(seen.length >= 3, `${seen.length} progress reports`);
    assert.ok(seen.some((p, i) => i > 0 && p.remainingPages > seen[i - 1]!.remainingPages), 'the copy was restarted by the writes');
    assert.equal(seen.at(-1)!.remainingPages, 0);
    assert.equal(checkIntegrity(join(dir, 'copy.sqlite')), 'ok');
    const copy = new SQLite(join(dir, 'copy.sqlite'), { readonly: true });
    const live = writer.prepare('select count(*) n from t').get() as { n: number };
    assert.deepEqual(copy.prepare('select count(*) n from t').get(), live, 'the copy has every row written before its last step');
    copy.close();
    writer.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('restore refuses an existing database or WAL and a damaged copy, and leaves a WAL-mode database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'supportal-restore-unit-'));
  try {
    const db = new SQLite(join(dir, 'backup.sqlite'));
    db.exec('create table t (x); insert into t values (1)');
    db.close();
    writeFileSync(join(dir, 'existing.sqlite-wal'), '');
    await assert.rejects(restoreSqlite(join(dir, 'backup.sqlite'), join(dir, 'existing.sqlite')), /existing\.sqlite-wal exists already; restore only into an empty data directory/);
    writeFileSync(join(dir, 'damaged.sqlite'), 'SQLite format 3\0' + 'x'.repeat(5000));
    await assert.rejects(restoreSqlite(join(dir, 'damaged.sqlite'), join(dir, 'new.sqlite')), /damaged|malformed|not a database|integrity/i);
    await restoreSqlite(join(dir, 'backup.sqlite'), join(dir, 'restored.sqlite'));
    const r = new SQLite(join(dir, 'restored.sqlite'), { readonly: true });
    assert.equal(r.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(r.prepare('select x from t').all(), [{ x: 1 }]);
    r.close();
    await assert.rejects(restoreSqlite(join(dir, 'backup.sqlite'), join(dir, 'restored.sqlite')), /restored\.sqlite exists already/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
