import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime } from '../../src/composition.js';
import { migrateToLatest } from '../../src/db/database.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { runInboundJobsOnce } from '../../src/app/ingest/inbound-jobs.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';
import { testRuntime } from '../support/runtime.js';
import { dialectLeftOut } from '../support/databases.js';
import { createTestDatabase } from '../support/postgres.js';
import { findExecutable } from '../support/service-process.js';
import { plainMail } from '../support/mail-builders.js';

function pgTool(name: string): string {
  const bin = findExecutable(name);
  assert.ok(bin, `${name} is missing: install the Debian package "postgresql" (apt-get install postgresql)`);
  return bin;
}

/** The recipe of docs/operations.md ("Backup and restore", PostgreSQL), run as written. */
test('PostgreSQL: pg_dump --format=custom and pg_restore --no-owner into a new database give back every case and mail byte for byte', { timeout: 180_000, skip: dialectLeftOut('postgres') }, async () => {
  const rt = await testRuntime('postgres', { SUPPORTAL_AUTO_MAILS_PER_SENDER_PER_HOUR: '10000' });
  const work = mkdtempSync(join(tmpdir(), 'supportal-pgdump-'));
  try {
    await addUser(rt.ctx, { role: 'customer', email: 'kim@kunde.example', name: 'Kim' });
    const c = await openCase(rt.ctx, { customer: 'kim@kunde.example', subject: 'Export', body: 'Export bricht ab.' });
    // 3 MiB: stored in 1 MiB chunk rows (bytea), with a NUL byte (RELIABILITY M8).
    const big = Buffer.concat([plainMail({ from: 'kim@kunde.example', to: 'support@support.example.com', subject: `Re: [Case #${c.number}] Export`, body: 'Protokoll anbei.' }), Buffer.alloc(3 * 1024 * 1024, 'x\0y')]);
    const stored = await receiveMail(rt.ctx, { raw: big, channel: 'smtp', envelopeFrom: 'kim@kunde.example', envelopeTo: ['support@support.example.com'] });
    const deps = createIngestDeps(rt.config);
    while ((await runInboundJobsOnce(rt.ctx, deps, { workerId: 'w' })).processed.length > 0);

    const dump = join(work, 'supportal.dump');
    const d = spawnSync(pgTool('pg_dump'), ['--format=custom', `--file=${dump}`, rt.env.SUPPORTAL_DATABASE_URL!], { encoding: 'utf8' });
    assert.equal(d.status, 0, d.stderr);
    const target = await createTestDatabase();
    const r = spawnSync(pgTool('pg_restore'), ['--no-owner', `--dbname=${target}`, dump], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);

    const restored = await createRuntime({ env: { ...rt.env, SUPPORTAL_DATABASE_URL: target }, createSecret: false, migrate: false });
    try {
      assert.deepEqual(await migrateToLatest(restored.db), [], 'the schema version came along');
      const cases = await restored.ctx.store.cases.list({});
      assert.deepEqual(cases.map((x) => x.number), [c.number]);
      const mails = await restored.ctx.store.inbound.list({});
      assert.deepEqual(mails.map((m) => [m.id, m.status]), [[stored.mailId, (await rt.ctx.store.inbound.list({}))[0]!.status]]);
      assert.ok((await restored.ctx.store.inbound.raw(stored.mailId))!.equals(big), 'the raw mail, byte for byte');
      // The counters came along: the next case gets the next number, not a taken one.
      await addUser(restored.ctx, { role: 'customer', email: 'lea@kunde.example', name: 'Lea' });
      const next = await openCase(restored.ctx, { customer: 'lea@kunde.example', subject: 'Neu', body: 'x' });
      assert.equal(next.number, c.number + 1);
    } finally {
      await restored.close();
    }
  } finally {
    await closeParseWorkers();
    rmSync(work, { recursive: true, force: true });
    await rt.dispose();
  }
});
