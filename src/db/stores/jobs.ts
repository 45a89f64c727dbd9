import { sql, type Kysely } from 'kysely';
import type { Database, JobTable } from '../schema.js';
import { WORK_CHANNEL } from '../notification-channels.js';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';
import type { AuditStore, JobStore } from '../../app/ports.js';
import type { Job } from '../../domain/entities.js';

function toJob(r: JobTable): Job {
  return {
    id: r.id,
    kind: r.kind,
    key: r.job_key,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    status: r.status as Job['status'],
    attempts: r.attempts,
    runAt: r.run_at,
    lastError: r.last_error,
  };
}

export function jobStore(db: Kysely<Database>, d: DialectAdapter): JobStore {
  return {
    async enqueue(j) {
      await db
        .insertInto('jobs')
        .values({
          id: j.id,
          kind: j.kind,
          job_key: j.key,
          payload: JSON.stringify(j.payload),
          status: 'queued',
          attempts: 0,
          run_at: j.runAt,
          created_at: j.now,
          updated_at: j.now,
        })
        .onConflict((oc) => oc.column('job_key').doNothing())
        .execute();
      if (j.runAt <= j.now) await d.notify(db, WORK_CHANNEL, j.kind);
    },
    async claim(kinds, now, leaseUntil, workerId, limit) {
      // Running jobs whose lease expired belong to a worker that died (C1): they are taken again.
      const ids = await sql<{ id: string }>`
        select id from jobs
        where kind in (${sql.join(kinds)})
          and ((status = 'queued' and run_at <= ${now}) or (status = 'running' and locked_until <= ${now}))
        order by run_at
        limit ${limit}${sql.raw(d.lockSuffix)}`.execute(db);
      if (ids.rows.length === 0) return [];
      const rows = await db
        .updateTable('jobs')
        .set({ status: 'running', locked_until: leaseUntil, locked_by: workerId, attempts: sql`attempts + 1`, updated_at: now })
        .where('id', 'in', ids.rows.map((r) => r.id))
        .returningAll()
        .execute();
      return rows.map(toJob);
    },
    async renew(ids, workerId, leaseUntil) {
      if (ids.length === 0) return;
      // Only what this worker still holds: a job finished or taken over meanwhile is left alone.
      await db.updateTable('jobs').set({ locked_until: leaseUntil }).where('id', 'in', ids).where('status', '=', 'running').where('locked_by', '=', workerId).execute();
    },
    async complete(id, now) {
      await db.updateTable('jobs').set({ status: 'done', locked_until: null, locked_by: null, updated_at: now }).where('id', '=', id).execute();
    },
    async fail(id, error, nextRunAt, now) {
      await db
        .updateTable('jobs')
        .set({
          status: nextRunAt ? 'queued' : 'dead',
          run_at: nextRunAt ?? now,
          last_error: error.slice(0, 4000),
          locked_until: null,
          locked_by: null,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
    },
    async release(workerId, now) {
      // Only rows still `running` under this worker: a job whose outcome committed meanwhile is
      // `done` and stays so (on PostgreSQL the update re-checks the row after a concurrent commit).
      const r = await db
        .updateTable('jobs')
        .set({ status: 'queued', run_at: now, locked_until: null, locked_by: null, attempts: sql`case when attempts > 0 then attempts - 1 else 0 end`, updated_at: now })
        .where('status', '=', 'running')
        .where('locked_by', '=', workerId)
        .returning('kind')
        .execute();
      // Another node takes them now rather than at its next poll.
      for (const kind of new Set(r.map((j) => j.kind))) await d.notify(db, WORK_CHANNEL, kind);
      return r.length;
    },
    async list(f) {
      let q = db.selectFrom('jobs').selectAll().orderBy('run_at', 'desc').limit(f.limit ?? 200);
      if (f.status) q = q.where('status', '=', f.status);
      if (f.kind) q = q.where('kind', '=', f.kind);
      return (await q.execute()).map(toJob);
    },
    async retry(id, now) {
      const r = await db
        .updateTable('jobs')
        .set({ status: 'queued', attempts: 0, run_at: now, last_error: null, updated_at: now })
        .where('id', '=', id)
        .where('status', 'in', ['dead', 'done', 'queued'])
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) await d.notify(db, WORK_CHANNEL, 'retry');
      return Number(r.numUpdatedRows) > 0;
    },
    async findByKey(key) {
      const r = await db.selectFrom('jobs').selectAll().where('job_key', '=', key).executeTakeFirst();
      return r ? toJob(r) : null;
    },
  };
}

export function auditStore(db: Kysely<Database>): AuditStore {
  return {
    async record(e) {
      await db
        .insertInto('audit_log')
        .values({ at: e.at, actor: e.actor, action: e.action, target: e.target, detail: e.detail ? JSON.stringify(e.detail) : null })
        .execute();
    },
  };
}
