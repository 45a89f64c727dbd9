import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../schema.js';
import type { DatabaseHandle } from '../database.js';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';
import type { EraseCounts, EraseInput, PersonDataStore, PersonRecords, PrivacyAuditStore, PrivacyStore, RetentionStore } from '../../app/privacy/ports.js';
import { asBuffer } from './bytes.js';
import { inboundMailStore } from './mail.js';

/** The installation_settings key of the admin's retention choice (migration 004's table). */
const RETENTION_KEY = 'privacy_retention';
/** Statuses whose processing is over: a mail still received or deferred needs its bytes. */
const PROCESSED_WITH_RAW = ['accepted', 'rejected', 'ignored'];
const REJECTED = ['rejected', 'quarantined'];
const STILL_TO_SEND = ['held', 'queued', 'sending', 'retrying'];

const bool = (v: unknown) => Number(v) === 1 || v === true;
const json = <T>(v: string | null, fallback: T): T => {
  if (!v) return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
};
/** `%`, `_` and the escape character match literally (with `escape '\\'`, which SQLite needs spelled out). */
const likePattern = (term: string) => `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
/** lower(column) contains the term, in either database. */
const contains = (column: string, term: string) => sql<SqlBool>`lower(${sql.ref(column)}) like ${likePattern(term)} escape '\\'`;
const chunkIds = <T>(ids: T[], size = 500): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
};

/**
 * The PrivacyStore port: the person's records across every table, their erasure in one
 * transaction, and the retention sweep's per-mail deletes. Addresses are compared lower-case:
 * every address is stored lower-case (users, mail log, participants), mixed case only inside
 * raw bytes and JSON lists, which are matched in code.
 */
export function createPrivacyStore(h: DatabaseHandle): PrivacyStore {
  return privacyStore(h.db, h.dialect);
}

function privacyStore(db: Kysely<Database>, d: DialectAdapter): PrivacyStore {
  const inbound = inboundMailStore(db, d);

  /** The ids of everything that belongs to the person, shared by collect and erase. */
  async function scope(q: Kysely<Database>, email: string, userId: string | null) {
    const caseRows = userId ? await q.selectFrom('cases').select(['id', 'number', 'status']).where('customer_id', '=', userId).execute() : [];
    const caseIds = caseRows.map((c) => c.id);
    let messages = q.selectFrom('messages').select(['id', 'case_id', 'author_id', 'author_email']);
    messages = messages.where((eb) => {
      const ors = [eb('author_email', '=', email)];
      if (userId) ors.push(eb('author_id', '=', userId));
      if (caseIds.length) ors.push(eb('case_id', 'in', caseIds));
      return eb.or(ors);
    });
    const messageRows = await messages.execute();
    const messageIds = messageRows.map((m) => m.id);
    const attachmentRows = await q
      .selectFrom('attachments')
      .select(['id', 'sha256'])
      .where((eb) => {
        const ors = [eb('id', '=', '')];
        if (caseIds.length) ors.push(eb('case_id', 'in', caseIds));
        for (const part of chunkIds(messageIds)) ors.push(eb('message_id', 'in', part));
        return eb.or(ors);
      })
      .execute();
    const inboundRows = await q
      .selectFrom('inbound_mails')
      .select(['id', 'raw_chunks'])
      .where((eb) => {
        const ors = [eb('from_address', '=', email), eb('envelope_from', '=', email)];
        if (caseIds.length) ors.push(eb('case_id', 'in', caseIds));
        return eb.or(ors);
      })
      .execute();
    // Recipients are a JSON list: LIKE narrows, the parsed list decides.
    const outboundCandidates = await q
      .selectFrom('outbound_mails')
      .select(['id', 'recipients', 'case_id', 'status'])
      .where((eb) => {
        const byRecipient = contains('recipients', email);
        return caseIds.length ? eb.or([byRecipient, eb('case_id', 'in', caseIds)]) : byRecipient;
      })
      .execute();
    const outboundRows = outboundCandidates.filter((o) => (o.case_id !== null && caseIds.includes(o.case_id)) || json<string[]>(o.recipients, []).some((r) => r.toLowerCase() === email));
    return { caseRows, caseIds, messageRows, messageIds, attachmentRows, inboundRows, outboundRows };
  }

  async function eraseRows(input: EraseInput): Promise<EraseCounts> {
      const { email, at, placeholder } = input;
      return db.transaction().execute(async (tx) => {
        const counts: EraseCounts = {
          account: 0, casesAnonymised: 0, casesClosed: 0, messages: 0, attachments: 0, blobs: 0, inboundMails: 0, rawChunks: 0, outboundMails: 0,
          sessions: 0, apiTokens: 0, oneTimeTokens: 0, loginAttempts: 0, participations: 0, auditEntries: 0,
        };
        const n = (r: { numUpdatedRows?: bigint; numDeletedRows?: bigint }) => Number(r.numUpdatedRows ?? r.numDeletedRows ?? 0n);
        const userId = input.userId;
        const s = await scope(tx, email, userId);

        // Cases: the number, status, dates, product and assignee stay (statistics); the words go.
        for (const c of s.caseRows) {
          const close = c.status !== 'closed';
          await tx
            .updateTable('cases')
            .set(close ? { subject: placeholder, environment: null, status: 'closed', closed_at: at, updated_at: at } : { subject: placeholder, environment: null })
            .where('id', '=', c.id)
            .execute();
          if (close) {
            await tx.insertInto('case_events').values({ id: randomUUID(), case_id: c.id, kind: 'closed', actor_id: input.actorId, from_status: c.status, to_status: 'closed', detail: 'erasure', at }).execute();
            counts.casesClosed++;
          }
          counts.casesAnonymised++;
        }
        for (const part of chunkIds(s.caseIds)) {
          await tx.updateTable('case_events').set({ detail: null }).where('case_id', 'in', part).where('detail', '!=', 'erasure').execute();
        }
        // participant_added events name the address they added.
        await tx.updateTable('case_events').set({ detail: null }).where('detail', '=', email).execute();

        // Messages: the row stays (counts, timeline order), the text is replaced. The SQLite FTS
        // triggers and the PostgreSQL search tables' triggers (migration 015) follow the update.
        for (const part of chunkIds(s.messageIds)) {
          counts.messages += n(await tx.updateTable('messages').set({ body_text: placeholder, body_html: null, quoted_text: null, author_email: null }).where('id', 'in', part).executeTakeFirst());
        }

        const shas = [...new Set(s.attachmentRows.map((a) => a.sha256))];
        for (const part of chunkIds(s.attachmentRows.map((a) => a.id))) counts.attachments += n(await tx.deleteFrom('attachments').where('id', 'in', part).executeTakeFirst());
        // Content-addressed: a blob goes when no other attachment (of another person) uses the same bytes.
        for (const sha of shas) {
          const still = await tx.selectFrom('attachments').select('id').where('sha256', '=', sha).limit(1).executeTakeFirst();
          if (still) continue;
          await tx.deleteFrom('blob_chunks').where('sha256', '=', sha).execute();
          counts.blobs += n(await tx.deleteFrom('blobs').where('sha256', '=', sha).executeTakeFirst());
        }

        for (const m of s.inboundRows) {
          counts.rawChunks += n(await tx.deleteFrom('inbound_mail_chunks').where('mail_id', '=', m.id).executeTakeFirst());
          const row = await tx.selectFrom('inbound_mails').select('decisions').where('id', '=', m.id).executeTakeFirstOrThrow();
          // The pipeline's steps and verdicts stay for the statistics; their notes may quote the mail.
          const decisions = json<Array<{ step: string; verdict: string; reason?: string; note?: string }>>(row.decisions, []).map(({ note: _note, ...rest }) => rest);
          counts.inboundMails += n(
            await tx
              .updateTable('inbound_mails')
              .set({
                raw: null, raw_chunks: 0, envelope_from: null, from_address: null, subject: null, remote_ip: null, message_id: null, detail: null, auth: null,
                decisions: JSON.stringify(decisions), sha256: `erased:${m.id}`, raw_deleted_at: at, raw_deleted_reason: 'erasure', raw_retention_days: null,
              })
              .where('id', '=', m.id)
              .executeTakeFirst(),
          );
        }

        for (const o of s.outboundRows) {
          const pending = STILL_TO_SEND.includes(o.status);
          counts.outboundMails += n(
            await tx
              .updateTable('outbound_mails')
              .set({
                raw: Buffer.alloc(0), raw_after_send: null, recipients: '[]', subject: placeholder, bounce_diagnostic: null, locked_until: null,
                ...(pending ? { status: 'failed', last_error: 'erasure', next_attempt_at: null } : { last_error: null }),
                updated_at: at,
              })
              .where('id', '=', o.id)
              .executeTakeFirst(),
          );
        }

        counts.participations += n(await tx.deleteFrom('case_participants').where('email', '=', email).executeTakeFirst());
        counts.loginAttempts += n(await tx.deleteFrom('login_attempts').where('account', '=', email).executeTakeFirst());
        // The sign-in delay of the address (migration 009) names it in its key.
        await tx.deleteFrom('auth_throttle').where('throttle_key', '=', `account:${email}`).execute();

        if (userId) {
          counts.sessions += n(await tx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst());
          counts.apiTokens += n(await tx.deleteFrom('api_tokens').where('user_id', '=', userId).executeTakeFirst());
          counts.oneTimeTokens += n(await tx.deleteFrom('one_time_tokens').where('user_id', '=', userId).executeTakeFirst());
          await tx.deleteFrom('user_settings').where('user_id', '=', userId).execute();
          // The row stays (cases and events point at it) but names no one and can never log in.
          counts.account += n(
            await tx
              .updateTable('users')
              .set({
                email: `erased-${userId}@erased.invalid`, name: placeholder, password_hash: null, disabled: 1, email_verified: 0, organisation_id: null, org_admin: 0,
                mail_failing_since: null, mail_failing_reason: null, updated_at: at,
              })
              .where('id', '=', userId)
              .executeTakeFirst(),
          );
        }

        // Earlier audit entries that named the address (a user created, an export) keep who and when, not whom.
        const audits = await tx
          .selectFrom('audit_log')
          .select(['id', 'target', 'detail'])
          .where((eb) => eb.or([contains('target', email), contains('detail', email)]))
          .execute();
        const scrub = (v: string | null) => (v === null ? null : v.replace(new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), userId ? `user:${userId}` : '[erased]'));
        for (const a of audits) {
          counts.auditEntries += n(await tx.updateTable('audit_log').set({ target: scrub(a.target), detail: scrub(a.detail) }).where('id', '=', a.id).executeTakeFirst());
        }
        return counts;
      });
    }

  const purgeDeletedData = () => d.purgeDeletedContent(db);

  const userByEmail = (q: Kysely<Database>, email: string) => q.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();

  const people: PersonDataStore = {
    async collect(email) {
      const user = await userByEmail(db, email);
      const userId = user?.id ?? null;
      const s = await scope(db, email, userId);
      const numberOf = new Map<string, number>();
      const cases: PersonRecords['cases'] = [];
      if (s.caseIds.length) {
        const rows = await db
          .selectFrom('cases')
          .leftJoin('products', 'products.id', 'cases.product_id')
          .select(['cases.id', 'cases.number', 'cases.subject', 'cases.status', 'cases.channel', 'products.name as product', 'cases.version', 'cases.environment', 'cases.created_at', 'cases.updated_at', 'cases.closed_at'])
          .where('cases.id', 'in', s.caseIds)
          .orderBy('cases.number')
          .execute();
        for (const c of rows) {
          cases.push({ id: c.id, number: Number(c.number), subject: c.subject, status: c.status, channel: c.channel, product: c.product, version: c.version, environment: c.environment, createdAt: c.created_at, updatedAt: c.updated_at, closedAt: c.closed_at });
        }
      }
      const caseNumbers = async (ids: Array<string | null>) => {
        const missing = [...new Set(ids.filter((i): i is string => i !== null && !numberOf.has(i)))];
        for (const part of chunkIds(missing)) {
          for (const r of await db.selectFrom('cases').select(['id', 'number']).where('id', 'in', part).execute()) numberOf.set(r.id, Number(r.number));
        }
      };
      const participations = await db
        .selectFrom('case_participants')
        .innerJoin('cases', 'cases.id', 'case_participants.case_id')
        .select(['cases.number', 'case_participants.created_at'])
        .where('case_participants.email', '=', email)
        .execute();
      const messageRows = s.messageIds.length
        ? (await Promise.all(chunkIds(s.messageIds).map((part) => db.selectFrom('messages').selectAll().where('id', 'in', part).execute()))).flat()
        : [];
      const attachmentRows = s.attachmentRows.length
        ? (await Promise.all(chunkIds(s.attachmentRows.map((a) => a.id)).map((part) => db.selectFrom('attachments').selectAll().where('id', 'in', part).execute()))).flat()
        : [];
      const inboundRows = s.inboundRows.length
        ? (await Promise.all(chunkIds(s.inboundRows.map((m) => m.id)).map((part) => db.selectFrom('inbound_mails').select(['id', 'received_at', 'channel', 'envelope_from', 'envelope_to', 'remote_ip', 'message_id', 'from_address', 'subject', 'status', 'reason', 'case_id', 'size', 'raw_deleted_at']).where('id', 'in', part).execute()))).flat()
        : [];
      const outboundRows = s.outboundRows.length
        ? (await Promise.all(chunkIds(s.outboundRows.map((m) => m.id)).map((part) => db.selectFrom('outbound_mails').select(['id', 'kind', 'case_id', 'recipients', 'subject', 'status', 'created_at', 'sent_at']).where('id', 'in', part).execute()))).flat()
        : [];
      await caseNumbers([...messageRows.map((m) => m.case_id), ...attachmentRows.map((a) => a.case_id), ...inboundRows.map((m) => m.case_id), ...outboundRows.map((m) => m.case_id)]);
      for (const c of cases) numberOf.set(c.id, c.number);
      const org = user?.organisation_id ? await db.selectFrom('organisations').selectAll().where('id', '=', user.organisation_id).executeTakeFirst() : undefined;
      const byTime = <T extends { createdAt?: string; receivedAt?: string }>(a: T, b: T) => String(a.createdAt ?? a.receivedAt).localeCompare(String(b.createdAt ?? b.receivedAt));
      return {
        email,
        account: user
          ? {
              id: user.id, email: user.email, name: user.name, role: user.role, language: user.language, disabled: bool(user.disabled), emailVerified: bool(user.email_verified),
              orgAdmin: bool(user.org_admin), mailFailingSince: user.mail_failing_since, mailFailingReason: user.mail_failing_reason, createdAt: user.created_at, updatedAt: user.updated_at,
            }
          : null,
        organisation: org && user ? { id: org.id, name: org.name, customerNo: org.customer_no, orgAdmin: bool(user.org_admin) } : null,
        cases,
        participations: participations.map((p) => ({ caseNumber: Number(p.number), addedAt: p.created_at })),
        messages: messageRows
          .map((m) => ({
            id: m.id, caseNumber: numberOf.get(m.case_id) ?? 0, kind: m.kind, source: m.source, ownMessage: (userId !== null && m.author_id === userId) || m.author_email === email,
            authorEmail: m.author_email, bodyText: m.body_text, bodyHtml: m.body_html, quotedText: m.quoted_text, createdAt: m.created_at,
          }))
          .sort(byTime),
        attachments: attachmentRows
          .map((a) => ({ id: a.id, caseNumber: numberOf.get(a.case_id) ?? 0, messageId: a.message_id, filename: a.filename, detectedType: a.detected_type, size: Number(a.size), createdAt: a.created_at }))
          .sort(byTime),
        inboundMails: inboundRows
          .map((m) => ({
            id: m.id, receivedAt: m.received_at, channel: m.channel, envelopeFrom: m.envelope_from, envelopeTo: json<string[]>(m.envelope_to, []), remoteIp: m.remote_ip, messageId: m.message_id,
            fromAddress: m.from_address, subject: m.subject, status: m.status, reason: m.reason, caseNumber: m.case_id ? (numberOf.get(m.case_id) ?? null) : null, size: Number(m.size), rawDeletedAt: m.raw_deleted_at,
          }))
          .sort(byTime),
        outboundMails: outboundRows
          .map((m) => ({ id: m.id, kind: m.kind, caseNumber: m.case_id ? (numberOf.get(m.case_id) ?? null) : null, recipients: json<string[]>(m.recipients, []), subject: m.subject, status: m.status, createdAt: m.created_at, sentAt: m.sent_at }))
          .sort(byTime),
        sessions: userId
          ? (await db.selectFrom('sessions').select(['created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent']).where('user_id', '=', userId).orderBy('created_at').execute()).map((r) => ({
              createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, ip: r.ip, userAgent: r.user_agent,
            }))
          : [],
        apiTokens: userId
          ? (await db.selectFrom('api_tokens').select(['name', 'prefix', 'created_at', 'last_used_at', 'revoked_at']).where('user_id', '=', userId).orderBy('created_at').execute()).map((r) => ({
              name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
            }))
          : [],
        oneTimeTokens: userId
          ? (await db.selectFrom('one_time_tokens').select(['purpose', 'created_at', 'expires_at', 'used_at']).where('user_id', '=', userId).orderBy('created_at').execute()).map((r) => ({
              purpose: r.purpose, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at,
            }))
          : [],
        loginAttempts: (await db.selectFrom('login_attempts').select(['kind', 'ip', 'success', 'at']).where('account', '=', email).orderBy('at').execute()).map((r) => ({
          kind: r.kind, ip: r.ip, success: bool(r.success), at: r.at,
        })),
        settings: userId
          ? await db
              .selectFrom('user_settings')
              .select(['notify_by_email', 'notifications_read_at'])
              .where('user_id', '=', userId)
              .executeTakeFirst()
              .then((r) => (r ? { notifyByEmail: bool(r.notify_by_email), notificationsReadAt: r.notifications_read_at } : null))
          : null,
      };
    },

    async inboundRaw(id) {
      const r = await db.selectFrom('inbound_mails').select(['raw', 'raw_chunks', 'duplicate_of']).where('id', '=', id).executeTakeFirst();
      if (!r || (!r.raw && Number(r.raw_chunks) === 0 && !r.duplicate_of)) return null;
      const source = await inbound.rawMail(id);
      return source ? Readable.from(source.chunks()) : null;
    },
    async outboundRaw(id) {
      const r = await db.selectFrom('outbound_mails').select('raw').where('id', '=', id).executeTakeFirst();
      return r && r.raw ? asBuffer(r.raw) : null;
    },
    async attachmentContent(id) {
      const a = await db.selectFrom('attachments').innerJoin('blobs', 'blobs.sha256', 'attachments.sha256').select(['blobs.sha256', 'blobs.content', 'blobs.chunks']).where('attachments.id', '=', id).executeTakeFirst();
      if (!a) return null;
      if (Number(a.chunks) === 0) return Readable.from([asBuffer(a.content)]);
      const count = Number(a.chunks);
      async function* chunks() {
        // One 1 MiB row at a time, as the attachment store reads them.
        for (let seq = 0; seq < count; seq++) {
          const c = await db.selectFrom('blob_chunks').select('data').where('sha256', '=', a!.sha256).where('seq', '=', seq).executeTakeFirst();
          if (!c) throw new Error(`chunk ${seq} of attachment ${id} is missing`);
          yield asBuffer(c.data);
        }
      }
      return Readable.from(chunks());
    },

    async openCaseNumbers(userId) {
      const rows = await db.selectFrom('cases').select('number').where('customer_id', '=', userId).where('status', '!=', 'closed').orderBy('number').execute();
      return rows.map((r) => Number(r.number));
    },

    async erase(input) {
      // SQLite zeroes deleted content (secure_delete, set when the connection opens), so the
      // bytes of the erased rows leave the file as well, once the WAL is checkpointed.
      const counts = await eraseRows(input);
      const purged = await purgeDeletedData().then(
        () => true,
        () => false,
      );
      return { counts, purged };
    },

    async residualMentions(needles) {
      const hits: Array<{ table: string; id: string }> = [];
      const checks: Array<[string, () => Promise<Array<{ id: string | number }>>]> = [];
      const columns: Array<[keyof Database & string, string[]]> = [
        ['messages', ['body_text', 'body_html', 'quoted_text']],
        ['cases', ['subject', 'environment']],
        ['inbound_mails', ['subject', 'from_address', 'envelope_from', 'detail']],
        ['outbound_mails', ['subject', 'recipients']],
        ['users', ['email', 'name']],
        ['attachments', ['filename']],
      ];
      for (const term of needles.filter((x) => x.trim().length >= 3)) {
        for (const [table, cols] of columns) {
          checks.push([table, () => db.selectFrom(table).select(sql<string>`id`.as('id')).where((eb) => eb.or(cols.map((c) => contains(c, term)))).limit(100).execute()]);
        }
      }
      for (const [table, q] of checks) for (const r of await q()) hits.push({ table, id: String(r.id) });
      const seen = new Set<string>();
      return hits.filter((h) => (seen.has(`${h.table}:${h.id}`) ? false : (seen.add(`${h.table}:${h.id}`), true)));
    },

  };

  const retention: RetentionStore = {
    async rawRetentionCandidates(before, limit) {
      const rows = await db
        .selectFrom('inbound_mails')
        .select(['id', 'received_at'])
        .where('received_at', '<', before)
        .where('status', 'in', PROCESSED_WITH_RAW)
        .where((eb) => eb.or([eb('raw', 'is not', null), eb('raw_chunks', '>', 0)]))
        .orderBy('received_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, receivedAt: r.received_at }));
    },
    async dropRawForRetention(id, before, at, days) {
      return db.transaction().execute(async (tx) => {
        // The conditions again: the mail may have been reprocessed since it was listed.
        const r = await tx
          .updateTable('inbound_mails')
          .set({ raw: null, raw_chunks: 0, raw_deleted_at: at, raw_deleted_reason: 'retention', raw_retention_days: days })
          .where('id', '=', id)
          .where('received_at', '<', before)
          .where('status', 'in', PROCESSED_WITH_RAW)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return { dropped: false, chunks: 0 };
        const c = await tx.deleteFrom('inbound_mail_chunks').where('mail_id', '=', id).executeTakeFirst();
        return { dropped: true, chunks: Number(c.numDeletedRows) };
      });
    },
    async rejectedRetentionCandidates(before, limit) {
      const rows = await db
        .selectFrom('inbound_mails')
        .select(['id', 'received_at'])
        .where('received_at', '<', before)
        .where('status', 'in', REJECTED)
        .where('duplicate_of', 'is', null)
        .orderBy('received_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, receivedAt: r.received_at }));
    },
    async deleteRejectedMail(id, before) {
      return db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom('inbound_mails').select('id').where('id', '=', id).where('received_at', '<', before).where('status', 'in', REJECTED).executeTakeFirst();
        if (!row) return { deleted: false, chunks: 0 };
        // Its duplicates are copies without bytes of their own: they go with it.
        const ids = [id, ...(await tx.selectFrom('inbound_mails').select('id').where('duplicate_of', '=', id).execute()).map((r) => r.id)];
        // A notice about the mail keeps its row (delivery statistics) and loses the link.
        await tx.updateTable('outbound_mails').set({ inbound_mail_id: null }).where('inbound_mail_id', 'in', ids).execute();
        await tx.updateTable('messages').set({ inbound_mail_id: null }).where('inbound_mail_id', 'in', ids).execute();
        const c = await tx.deleteFrom('inbound_mail_chunks').where('mail_id', 'in', ids).executeTakeFirst();
        await tx.deleteFrom('inbound_mails').where('duplicate_of', '=', id).execute();
        await tx.deleteFrom('inbound_mails').where('id', '=', id).execute();
        return { deleted: true, chunks: Number(c.numDeletedRows) };
      });
    },

    async loadRetention() {
      const r = await db.selectFrom('installation_settings').selectAll().where('key', '=', RETENTION_KEY).executeTakeFirst();
      return r ? { value: json<unknown>(r.value, null), updatedAt: r.updated_at, updatedBy: r.updated_by } : null;
    },
    async saveRetention(value, at, by) {
      if (value === null) {
        await db.deleteFrom('installation_settings').where('key', '=', RETENTION_KEY).execute();
        return;
      }
      const v = JSON.stringify(value);
      await db
        .insertInto('installation_settings')
        .values({ key: RETENTION_KEY, value: v, updated_at: at, updated_by: by })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: v, updated_at: at, updated_by: by }))
        .execute();
    },

  };

  const audit: PrivacyAuditStore = {
    async recordAudit(e) {
      await db.insertInto('audit_log').values({ at: e.at, actor: e.actor, action: e.action, target: e.target, detail: JSON.stringify(e.detail) }).execute();
    },
    async auditEntries(f) {
      const rows = await db
        .selectFrom('audit_log')
        .leftJoin('users', 'users.id', 'audit_log.actor')
        .select(['audit_log.id', 'audit_log.at', 'audit_log.actor', 'audit_log.action', 'audit_log.target', 'audit_log.detail', 'users.email as actor_email'])
        .where('audit_log.action', 'in', f.actions)
        .orderBy('audit_log.at', 'desc')
        .orderBy('audit_log.id', 'desc')
        .limit(f.limit)
        .execute();
      return rows.map((r) => ({
        id: Number(r.id), at: r.at, actor: r.actor, actorEmail: r.actor_email ?? null, action: r.action, target: r.target, detail: json<Record<string, unknown> | null>(r.detail, null),
      }));
    },
  };
  return { people, retention, audit };
}
