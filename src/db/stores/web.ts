import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ApiTokenTable, Database, SessionTable } from '../schema.js';
import type { DatabaseHandle } from '../database.js';
import type { ApiTokenRecord, AttemptKind, SessionRecord, WebStore } from '../../app/auth/ports.js';
import { toAttachment, toCase } from './cases.js';
import { toInbound } from './mail.js';

function toSession(r: SessionTable): SessionRecord {
  return { idHash: r.id_hash, userId: r.user_id, csrfToken: r.csrf_token, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, ip: r.ip, userAgent: r.user_agent };
}

function toToken(r: ApiTokenTable): ApiTokenRecord {
  return { id: r.id, userId: r.user_id, name: r.name, tokenHash: r.token_hash, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}

/** `%`, `_` and the escape character itself match literally in a search term. */
function likePattern(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function keyColumn(key: { account: string } | { ip: string }): ['account' | 'ip', string] {
  return 'account' in key ? ['account', key.account] : ['ip', key.ip];
}

export function webStore(db: Kysely<Database>): WebStore {
  // Every column qualified: the join with cases brings a second `channel` and `status`.
  const inboundQuery = () =>
    db
      .selectFrom('inbound_mails')
      .leftJoin('cases', 'cases.id', 'inbound_mails.case_id')
      .select([
        'inbound_mails.id', 'inbound_mails.received_at', 'inbound_mails.channel', 'inbound_mails.envelope_from', 'inbound_mails.envelope_to',
        'inbound_mails.remote_ip', 'inbound_mails.message_id', 'inbound_mails.sha256', 'inbound_mails.size', 'inbound_mails.duplicate_of',
        'inbound_mails.from_address', 'inbound_mails.subject', 'inbound_mails.status', 'inbound_mails.reason', 'inbound_mails.detail',
        'inbound_mails.case_id', 'inbound_mails.scan', 'inbound_mails.decisions', 'inbound_mails.processed_at', 'inbound_mails.processing_ms',
        'cases.number as case_number',
      ]);
  async function countAttempts(kind: AttemptKind, key: { account: string } | { ip: string }, since: string, failuresOnly: boolean): Promise<number> {
    const [col, value] = keyColumn(key);
    let q = db.selectFrom('login_attempts').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', kind).where(col, '=', value).where('at', '>', since);
    if (failuresOnly) q = q.where('success', '=', 0);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }
  return {
    sessions: {
      async insert(s) {
        await db
          .insertInto('sessions')
          .values({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.createdAt, last_seen_at: s.lastSeenAt, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent })
          .execute();
      },
      async find(idHash) {
        const r = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
        return r ? toSession(r) : null;
      },
      async touch(idHash, at) {
        await db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
      },
      async delete(idHash) {
        await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
      },
      async deleteForUser(userId, exceptIdHash) {
        let q = db.deleteFrom('sessions').where('user_id', '=', userId);
        if (exceptIdHash) q = q.where('id_hash', '!=', exceptIdHash);
        const r = await q.executeTakeFirst();
        return Number(r.numDeletedRows);
      },
      async deleteExpired(idleBefore, now) {
        const r = await db
          .deleteFrom('sessions')
          .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
          .executeTakeFirst();
        return Number(r.numDeletedRows);
      },
    },
    apiTokens: {
      async insert(t) {
        await db
          .insertInto('api_tokens')
          .values({ id: t.id, user_id: t.userId, name: t.name, token_hash: t.tokenHash, prefix: t.prefix, created_at: t.createdAt, last_used_at: t.lastUsedAt, revoked_at: t.revokedAt })
          .execute();
      },
      async findByHash(tokenHash) {
        const r = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
        return r ? toToken(r) : null;
      },
      async list(userId) {
        return (await db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute()).map(toToken);
      },
      async revoke(id, userId, at) {
        const r = await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
        return Number(r.numUpdatedRows) > 0;
      },
      async touch(id, at) {
        await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
      },
    },
    oneTimeTokens: {
      async insert(t) {
        await db
          .insertInto('one_time_tokens')
          .values({ token_hash: t.tokenHash, purpose: t.purpose, user_id: t.userId, created_at: t.createdAt, expires_at: t.expiresAt, used_at: null })
          .execute();
      },
      async consume(tokenHash, purpose, now) {
        // One UPDATE that checks and marks: of two concurrent uses exactly one gets the row.
        const r = await db
          .updateTable('one_time_tokens')
          .set({ used_at: now })
          .where('token_hash', '=', tokenHash)
          .where('purpose', '=', purpose)
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .returning('user_id')
          .executeTakeFirst();
        return r?.user_id ?? null;
      },
      async invalidate(userId, purpose, at) {
        await db.updateTable('one_time_tokens').set({ used_at: at }).where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
      },
    },
    attempts: {
      async record(a) {
        await db.insertInto('login_attempts').values({ id: randomUUID(), kind: a.kind, account: a.account, ip: a.ip, success: a.success ? 1 : 0, at: a.at }).execute();
      },
      failures: (kind, key, since) => countAttempts(kind, key, since, true),
      count: (kind, key, since) => countAttempts(kind, key, since, false),
      async lastSuccess(kind, account) {
        const r = await db.selectFrom('login_attempts').select('at').where('kind', '=', kind).where('account', '=', account).where('success', '=', 1).orderBy('at', 'desc').limit(1).executeTakeFirst();
        return r?.at ?? null;
      },
      async prune(before) {
        await db.deleteFrom('login_attempts').where('at', '<', before).execute();
      },
    },
    search: {
      async cases(f) {
        let q = db.selectFrom('cases').selectAll('cases').orderBy('last_activity_at', 'desc').orderBy('number', 'desc').limit(f.limit);
        if (f.customerId) q = q.where('customer_id', '=', f.customerId);
        if (f.organisationId) q = q.where('organisation_id', '=', f.organisationId);
        if (f.statuses?.length) q = q.where('status', 'in', f.statuses);
        if (f.assigneeId !== undefined) q = f.assigneeId === null ? q.where('assignee_id', 'is', null) : q.where('assignee_id', '=', f.assigneeId);
        if (f.q) {
          // A substring search over subject and message texts; lower() on both sides so that
          // both databases match case-insensitively (PostgreSQL's LIKE does not by itself).
          const pattern = likePattern(f.q);
          q = q.where((eb) =>
            eb.or([
              sql<boolean>`lower(cases.subject) like ${pattern} escape '\\'`,
              eb.exists(
                eb
                  .selectFrom('messages')
                  .select(sql`1`.as('one'))
                  .whereRef('messages.case_id', '=', 'cases.id')
                  .where(sql<boolean>`lower(messages.body_text) like ${pattern} escape '\\'`)
                  .$if(!f.includeInternalNotes, (s) => s.where('messages.kind', '!=', 'internal_note')),
              ),
            ]),
          );
        }
        return (await q.execute()).map(toCase);
      },
      async inbound(f) {
        let q = inboundQuery().orderBy('inbound_mails.received_at', 'desc').orderBy('inbound_mails.id').limit(f.limit);
        if (f.from) {
          const from = f.from.toLowerCase();
          q = q.where((eb) => eb.or([eb('inbound_mails.from_address', '=', from), eb('inbound_mails.envelope_from', '=', from)]));
        }
        if (f.caseId) q = q.where('inbound_mails.case_id', '=', f.caseId);
        if (f.status) q = q.where('inbound_mails.status', '=', f.status);
        if (f.reason) q = q.where('inbound_mails.reason', '=', f.reason);
        return (await q.execute()).map(toInbound);
      },
      async inboundById(id) {
        const r = await inboundQuery().where('inbound_mails.id', '=', id).executeTakeFirst();
        return r ? toInbound(r) : null;
      },
      async attachment(id) {
        const r = await db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
        return r ? toAttachment(r) : null;
      },
    },
  };
}

/** The WebStore port over a Kysely database. */
export function createWebStore(h: DatabaseHandle): WebStore {
  return webStore(h.db);
}
