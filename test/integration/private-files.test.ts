import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/postgres.js';
import { startServe } from '../support/serve-process.js';

const mode = (p: string) => statSync(p).mode & 0o777;

test('serve creates the data folder 0700 and the database, its WAL and shared memory and the secret 0600, whatever the umask; it warns about a file others can read', async () => {
  const root = mkdtempSync(join(tmpdir(), 'supportal-private-'));
  const dir = join(root, 'data');
  const env = { SUPPORTAL_DATA_DIR: dir, SUPPORTAL_HTTP_PORT: String(await freePort()), SUPPORTAL_SMTP_PORT: '' };
  // The usual umask 022 would make new files 0644 and folders 0755.
  const umask = process.umask(0o022);
  try {
    let serve = await startServe(env);
    try {
      const db = join(dir, 'supportal.sqlite');
      // -wal and -shm exist while the database is open.
      assert.ok(existsSync(`${db}-wal`) && existsSync(`${db}-shm`));
      assert.deepEqual(
        { dir: mode(dir), db: mode(db), wal: mode(`${db}-wal`), shm: mode(`${db}-shm`), secret: mode(join(dir, 'secret.key')) },
        { dir: 0o700, db: 0o600, wal: 0o600, shm: 0o600, secret: 0o600 },
      );
      assert.equal(serve.lines().filter((l) => l.alert === 'file_permissions').length, 0);
      assert.equal(serve.lines().filter((l) => l.setting === 'SUPPORTAL_TRUST_PROXY').length, 0, 'no proxy warning for an http public URL');
    } finally {
      await serve.stop();
    }
    // An older installation, or a backup restored with another umask; and an https public URL
    // without SUPPORTAL_TRUST_PROXY, which gets its own warning.
    chmodSync(join(dir, 'supportal.sqlite'), 0o644);
    serve = await startServe({ ...env, SUPPORTAL_PUBLIC_URL: 'https://support.example.com' });
    try {
      assert.ok(serve.lines().some((l) => l.level === 40 && l.setting === 'SUPPORTAL_TRUST_PROXY' && /https but SUPPORTAL_TRUST_PROXY is empty/.test(String(l.msg))));
      const warned = serve.lines().filter((l) => l.alert === 'file_permissions');
      const path = join(dir, 'supportal.sqlite');
      assert.ok(warned.some((l) => l.level === 40 && l.msg === `${path} can be read by other users (mode 644); fix: chmod 600 ${path}`), JSON.stringify(warned));
      // SQLite gives a new -wal (and -shm) the database file's mode, so they are named too; nothing else is.
      for (const l of warned) assert.match(String(l.msg), /\/supportal\.sqlite(-wal|-shm)? can be read by other users \(mode 644\); fix: chmod 600 /);
    } finally {
      await serve.stop();
    }
  } finally {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  }
});
