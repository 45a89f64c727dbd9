import { randomUUID } from 'node:crypto';
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { ApiTokenTable, Database, MessageTable, SessionTable } from '../schema.js';
import type { DatabaseHandle } from '../database.js';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';
import type { ApiTokenRecord, AttemptKind, CatalogProduct, SessionRecord, WebStore } from '../../app/auth/ports.js';
import type { CaseStatus, MessageKind, MessageSource } from '../../domain/case.js';
import type { InboundStatus, ReasonCode } from '../../domain/reason-codes.js';
import type { Message } from '../../domain/records.js';
import { toAttachment, toCase } from './cases.js';
import { toInbound } from './mail.js';
import { toUser } from './people.js';
import type { InstallationSettingsStore, StoredSetting } from '../../app/portal/ports.js';

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

function toMessage(r: MessageTable): Message {
  return {
    id: r.id, caseId: r.case_id, authorId: r.author_id, authorEmail: r.author_email, kind: r.kind as MessageKind, source: r.source as MessageSource,
    bodyText: r.body_text, bodyHtml: r.body_html, quotedText: r.quoted_text, inboundMailId: r.inbound_mail_id, outboundMailId: r.outbound_mail_id, createdAt: r.created_at,
  };
}

/**
 * The words of a search: letters and digits only, so that no query syntax (FTS5's `NEAR`, `"`,
 * `*`, `:`; tsquery's `&|!()`) can come from the user. At most 10 words: a longer query is a
 * paste, not a search, and each word costs an index lookup.
 */
export function searchTerms(q: string): string[] {
  return (q.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 10);
}

/**
 * The one place where full-text search differs between the databases (migration 003 built the
 * indexes): the condition "every term occurs, also as a word prefix, in the case's subject or in
 * one of its messages" — terms may be spread over subject and messages ("printer smokes" finds a
 * case titled "Printer" whose description says it smokes). SQLite asks the FTS5 tables that
 * triggers keep in sync; PostgreSQL the GIN expression indexes, with the same expressions as the
 * index definitions so that the planner uses them. One indexed lookup pair per term (≤10).
 */
function fullTextMatch(dialect: DialectAdapter['name'], terms: string[], includeInternalNotes: boolean): Expression<SqlBool> {
  const notes = includeInternalNotes ? sql`` : sql` and kind <> 'internal_note'`;
  const perTerm = terms.map((t) => {
    if (dialect === 'sqlite') {
      const query = `"${t}"*`;
      return sql<SqlBool>`(cases.id in (select case_id from case_subject_fts where case_subject_fts match ${query})
        or cases.id in (select case_id from message_fts where message_fts match ${query}${notes}))`;
    }
    const query = `${t}:*`;
    return sql<SqlBool>`(to_tsvector('simple', cases.subject) @@ to_tsquery('simple', ${query})
      or cases.id in (select case_id from messages where to_tsvector('simple', left(body_text, 100000)) @@ to_tsquery('simple', ${query})${notes}))`;
  });
  return sql<SqlBool>`(${sql.join(perTerm, sql` and `)})`;
}

function keyColumn(key: { account: string } | { ip: string }): ['account' | 'ip', string] {
  return 'account' in key ? ['account', key.account] : ['ip', key.ip];
}

export function webStore(db: Kysely<Database>, dialect: DialectAdapter): WebStore {
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
        'inbound_mails.raw_deleted_at', 'inbound_mails.raw_deleted_reason', 'inbound_mails.raw_retention_days',
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
        if (f.q !== undefined) {
          const terms = searchTerms(f.q);
          // Nothing searchable (only punctuation) matches nothing rather than everything.
          if (terms.length === 0) return [];
          q = q.where(fullTextMatch(dialect.name, terms, f.includeInternalNotes));
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
      async message(id) {
        const r = await db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
        return r ? toMessage(r) : null;
      },
      async customerRepliesSince(f) {
        const rows = await db
          .selectFrom('messages')
          .innerJoin('cases', 'cases.id', 'messages.case_id')
          .selectAll('messages')
          .select(['cases.number as case_number', 'cases.subject as case_subject'])
          .where('messages.kind', '=', 'customer_reply')
          .where('messages.source', 'in', ['portal', 'email'])
          .where('messages.created_at', '>', f.since)
          .where((eb) => eb.or([eb('cases.assignee_id', '=', f.agentId), eb('cases.assignee_id', 'is', null)]))
          .orderBy('messages.created_at', 'desc')
          .limit(f.limit)
          .execute();
        return rows.map((r) => ({ message: toMessage(r), caseNumber: Number(r.case_number), caseSubject: r.case_subject }));
      },
    },
    settings: {
      async get(userId) {
        const r = await db.selectFrom('user_settings').selectAll().where('user_id', '=', userId).executeTakeFirst();
        return { notifyByEmail: r?.notify_by_email === 1, notificationsReadAt: r?.notifications_read_at ?? null };
      },
      async update(userId, patch, at) {
        const set: { notify_by_email?: number; notifications_read_at?: string | null; updated_at: string } = { updated_at: at };
        if (patch.notifyByEmail !== undefined) set.notify_by_email = patch.notifyByEmail ? 1 : 0;
        if (patch.notificationsReadAt !== undefined) set.notifications_read_at = patch.notificationsReadAt;
        await db
          .insertInto('user_settings')
          .values({ user_id: userId, notify_by_email: set.notify_by_email ?? 0, notifications_read_at: set.notifications_read_at ?? null, updated_at: at })
          .onConflict((oc) => oc.column('user_id').doUpdateSet(set))
          .execute();
      },
      async emailNotificationRecipients() {
        const rows = await db
          .selectFrom('users')
          .innerJoin('user_settings', 'user_settings.user_id', 'users.id')
          .selectAll('users')
          .where('user_settings.notify_by_email', '=', 1)
          .where('users.role', 'in', ['agent', 'admin'])
          .where('users.disabled', '=', 0)
          .orderBy('users.email')
          .execute();
        return rows.map(toUser);
      },
    },
    live: {
      async mailsProcessedSince(f) {
        let q = inboundQuery().where('inbound_mails.processed_at', '>=', f.since).orderBy('inbound_mails.processed_at').orderBy('inbound_mails.id').limit(f.limit);
        if (f.from) {
          const from = f.from.toLowerCase();
          q = q.where((eb) => eb.or([eb('inbound_mails.from_address', '=', from), eb('inbound_mails.envelope_from', '=', from)]));
        }
        return (await q.execute()).map(toInbound);
      },
      async casesChangedSince(f) {
        let q = db.selectFrom('cases').selectAll().where(f.column, '>=', f.since).orderBy(f.column).orderBy('number').limit(f.limit);
        if (f.customerId) q = q.where('customer_id', '=', f.customerId);
        if (f.organisationId) q = q.where('organisation_id', '=', f.organisationId);
        return (await q.execute()).map((r) => ({ case: toCase(r), changedAt: r[f.column] }));
      },
    },
    reports: {
      async openCaseAges(cutoffs) {
        // One pass over the open cases: a count per cutoff, as portable CASE sums.
        const rows = await db
          .selectFrom('cases')
          .select((eb) => [
            'status',
            eb.fn.countAll<number>().as('total'),
            ...cutoffs.map((c, i) => sql<number>`sum(case when created_at >= ${c} then 1 else 0 end)`.as(`since_${i}`)),
          ])
          .where('status', '!=', 'closed')
          .groupBy('status')
          .execute();
        return rows.map((r) => {
          const rec = r as unknown as Record<string, unknown>;
          return { status: r.status as CaseStatus, total: Number(r.total), since: cutoffs.map((_c, i) => Number(rec[`since_${i}`] ?? 0)) };
        });
      },
      async mailWindow(since, limit) {
        const rows = await db
          .selectFrom('inbound_mails')
          .select(['received_at', 'processed_at', 'status', 'reason'])
          .where('received_at', '>=', since)
          .orderBy('received_at', 'desc')
          .limit(limit)
          .execute();
        return rows.map((r) => ({ receivedAt: r.received_at, processedAt: r.processed_at, status: r.status as InboundStatus, reason: r.reason as ReasonCode | null }));
      },
    },
    directory: {
      async customers(term, limit) {
        const pattern = likePattern(term);
        const rows = await db
          .selectFrom('users')
          .leftJoin('organisations', 'organisations.id', 'users.organisation_id')
          .selectAll('users')
          .select(['organisations.name as org_name', 'organisations.customer_no as org_customer_no', 'organisations.created_at as org_created_at'])
          .where('users.role', '=', 'customer')
          .where((eb) =>
            eb.or([
              sql<SqlBool>`lower(users.name) like ${pattern} escape '\\'`,
              sql<SqlBool>`users.email like ${pattern} escape '\\'`,
              sql<SqlBool>`lower(organisations.name) like ${pattern} escape '\\'`,
              sql<SqlBool>`lower(organisations.customer_no) like ${pattern} escape '\\'`,
            ]),
          )
          .orderBy('users.name')
          .orderBy('users.email')
          .limit(limit)
          .execute();
        return rows.map((r) => ({
          user: toUser(r),
          organisation: r.organisation_id && r.org_name !== null ? { id: r.organisation_id, name: r.org_name, customerNo: r.org_customer_no, createdAt: r.org_created_at! } : null,
        }));
      },
    },
    catalog: {
      async products(includeInactive) {
        let pq = db.selectFrom('products').selectAll().orderBy('name');
        if (!includeInactive) pq = pq.where('active', '=', 1);
        const products = await pq.execute();
        const versions = await db
          .selectFrom('product_versions')
          .leftJoin('product_version_retirements', 'product_version_retirements.version_id', 'product_versions.id')
          .select(['product_versions.id', 'product_versions.product_id', 'product_versions.name', 'product_version_retirements.retired_at'])
          .orderBy('product_versions.created_at')
          .orderBy('product_versions.name')
          .execute();
        return products.map(
          (p): CatalogProduct => ({
            id: p.id,
            name: p.name,
            active: p.active === 1,
            versions: versions
              .filter((v) => v.product_id === p.id && (includeInactive || v.retired_at === null))
              .map((v) => ({ id: v.id, name: v.name, active: v.retired_at === null })),
          }),
        );
      },
      async setProductActive(productId, active) {
        const r = await db.updateTable('products').set({ active: active ? 1 : 0 }).where('id', '=', productId).executeTakeFirst();
        return Number(r.numUpdatedRows) > 0;
      },
      async version(versionId) {
        const r = await db
          .selectFrom('product_versions')
          .leftJoin('product_version_retirements', 'product_version_retirements.version_id', 'product_versions.id')
          .select(['product_versions.id', 'product_versions.product_id', 'product_versions.name', 'product_version_retirements.retired_at'])
          .where('product_versions.id', '=', versionId)
          .executeTakeFirst();
        return r ? { id: r.id, productId: r.product_id, name: r.name, active: r.retired_at === null } : null;
      },
      async setVersionActive(versionId, active, at) {
        if (active) await db.deleteFrom('product_version_retirements').where('version_id', '=', versionId).execute();
        else await db.insertInto('product_version_retirements').values({ version_id: versionId, retired_at: at }).onConflict((oc) => oc.column('version_id').doNothing()).execute();
      },
    },
    organisations: {
      async list() {
        const rows = await db
          .selectFrom('organisations')
          .leftJoin('users', 'users.organisation_id', 'organisations.id')
          .select((eb) => ['organisations.id', 'organisations.name', 'organisations.customer_no', 'organisations.created_at', eb.fn.count<number>('users.id').as('members')])
          .groupBy(['organisations.id', 'organisations.name', 'organisations.customer_no', 'organisations.created_at'])
          .orderBy('organisations.name')
          .execute();
        return rows.map((r) => ({ id: r.id, name: r.name, customerNo: r.customer_no, createdAt: r.created_at, members: Number(r.members) }));
      },
      async update(id, patch) {
        const set: { name?: string; customer_no?: string | null } = {};
        if (patch.name !== undefined) set.name = patch.name;
        if (patch.customerNo !== undefined) set.customer_no = patch.customerNo;
        try {
          if (Object.keys(set).length === 0) {
            return (await db.selectFrom('organisations').select('id').where('id', '=', id).executeTakeFirst()) ? 'ok' : 'not_found';
          }
          const r = await db.updateTable('organisations').set(set).where('id', '=', id).executeTakeFirst();
          return Number(r.numUpdatedRows) > 0 ? 'ok' : 'not_found';
        } catch (e) {
          if (dialect.isUniqueViolation(e)) return 'conflict';
          throw e;
        }
      },
    },
    mailAdmin: {
      async dropRaw(id, o) {
        const r = await db.updateTable('inbound_mails').set({ raw: null, raw_chunks: 0, status: o.status, reason: o.reason, detail: o.detail }).where('id', '=', id).executeTakeFirst();
        await db.deleteFrom('inbound_mail_chunks').where('mail_id', '=', id).execute();
        return Number(r.numUpdatedRows) > 0;
      },
    },
  };
}

/** The WebStore port over a Kysely database. */
export function createWebStore(h: DatabaseHandle): WebStore {
  return webStore(h.db, h.dialect);
}

/**
 * The InstallationSettingsStore port: one row per key, the value as JSON text (migration 004).
 * `put` with null deletes the row, so the key falls back to the configuration.
 */
export function createInstallationSettingsStore(h: DatabaseHandle): InstallationSettingsStore {
  const db = h.db;
  return {
    async all() {
      const rows = await db.selectFrom('installation_settings').selectAll().orderBy('key').execute();
      const out: StoredSetting[] = [];
      for (const r of rows) {
        try {
          out.push({ key: r.key, value: JSON.parse(r.value) as unknown, updatedAt: r.updated_at, updatedBy: r.updated_by });
        } catch {
          // A row that is not JSON (edited by hand) counts as not set; the use case falls back to the default.
        }
      }
      return out;
    },
    async put(key, value, at, by) {
      if (value === null || value === undefined) {
        await db.deleteFrom('installation_settings').where('key', '=', key).execute();
        return;
      }
      const json = JSON.stringify(value);
      await db
        .insertInto('installation_settings')
        .values({ key, value: json, updated_at: at, updated_by: by })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: at, updated_by: by }))
        .execute();
    },
  };
}
