import { sql, type Kysely } from 'kysely';
import type { Database, InboundMailTable, OutboundMailTable } from '../schema.js';
import { OUTBOX_WORK, WORK_CHANNEL } from '../notification-channels.js';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';
import type { Clock, InboundMailStore, OutboundMailStore } from '../../app/ports.js';
import type { InboundChannel, InboundMail, OutboundKind, OutboundMail, OutboundStatus, PipelineDecision } from '../../domain/entities.js';
import type { InboundStatus, ReasonCode } from '../../domain/reason-codes.js';
import type { Language } from '../../domain/case.js';
import { rawMailFromBuffer, readWholeRawMail } from '../../domain/raw-mail.js';
import { asBuffer } from './bytes.js';

/** An inbound row (without its raw bytes) joined with its case number. */
export type InboundRow = Omit<InboundMailTable, 'raw' | 'raw_chunks' | 'auth' | RawDeletedColumn> & Partial<Pick<InboundMailTable, RawDeletedColumn | 'auth'>> & { case_number?: number | null };

/**
 * From the stored sender check (RELIABILITY E4): `verified` for an SPF or DKIM pass aligned with
 * the From domain, `unverified` when the check ran without one, null when none ran. Results
 * stored before alignment was recorded count an SPF or DKIM pass as verified.
 */
function senderVerificationOf(auth: string | null | undefined): InboundMail['senderVerification'] {
  if (!auth) return null;
  try {
    const a = JSON.parse(auth) as { spfAligned?: boolean; dkimAligned?: boolean; authenticated?: boolean };
    const verified = a.spfAligned === undefined && a.dkimAligned === undefined ? a.authenticated === true : a.spfAligned === true || a.dkimAligned === true;
    return verified ? 'verified' : 'unverified';
  } catch {
    return null;
  }
}
type RawDeletedColumn = 'raw_deleted_at' | 'raw_deleted_reason' | 'raw_retention_days';

export function toInbound(r: InboundRow): InboundMail {
  return {
    id: r.id,
    receivedAt: r.received_at,
    channel: r.channel as InboundChannel,
    envelopeFrom: r.envelope_from,
    envelopeTo: JSON.parse(r.envelope_to) as string[],
    remoteIp: r.remote_ip,
    messageId: r.message_id,
    sha256: r.sha256,
    size: Number(r.size),
    duplicateOf: r.duplicate_of,
    fromAddress: r.from_address,
    subject: r.subject,
    status: r.status as InboundStatus,
    reason: r.reason as ReasonCode | null,
    detail: r.detail,
    caseId: r.case_id,
    caseNumber: r.case_number == null ? null : Number(r.case_number),
    scan: r.scan,
    decisions: r.decisions ? (JSON.parse(r.decisions) as PipelineDecision[]) : [],
    processedAt: r.processed_at,
    processingMs: r.processing_ms,
    senderVerification: senderVerificationOf(r.auth),
    rawDeleted: r.raw_deleted_at ? { at: r.raw_deleted_at, reason: r.raw_deleted_reason === 'erasure' ? 'erasure' : 'retention', afterDays: r.raw_retention_days == null ? null : Number(r.raw_retention_days) } : null,
  };
}

const INBOUND_COLUMNS = [
  'inbound_mails.id', 'received_at', 'inbound_mails.channel', 'envelope_from', 'envelope_to', 'remote_ip', 'message_id', 'sha256', 'size',
  'duplicate_of', 'from_address', 'inbound_mails.subject', 'inbound_mails.status', 'reason', 'detail', 'case_id', 'scan', 'auth',
  'decisions', 'processed_at', 'processing_ms', 'raw_deleted_at', 'raw_deleted_reason', 'raw_retention_days',
] as const;

export function inboundMailStore(db: Kysely<Database>, _dialect: DialectAdapter): InboundMailStore {
  const base = () =>
    db.selectFrom('inbound_mails').leftJoin('cases', 'cases.id', 'inbound_mails.case_id').select([...INBOUND_COLUMNS, 'cases.number as case_number']);
  return {
    async insert(m) {
      const row = {
        id: m.id,
        received_at: m.receivedAt,
        channel: m.channel,
        envelope_from: m.envelopeFrom,
        envelope_to: JSON.stringify(m.envelopeTo),
        remote_ip: m.remoteIp,
        message_id: m.messageId,
        sha256: m.sha256,
        size: m.chunked ? m.chunked.size : m.raw.length,
        raw: m.chunked ? null : m.raw,
        raw_chunks: m.chunked ? m.chunked.chunks : 0,
        duplicate_of: null,
        status: 'received',
      };
      // The partial unique index on sha256 decides: the first writer wins, a concurrent second
      // one (another connection or serve process) inserts nothing and is recorded as a duplicate
      // of the first. ON CONFLICT DO NOTHING, not a caught error: on PostgreSQL a failed
      // statement would abort the whole transaction (and with it a group commit).
      const existing = await db.selectFrom('inbound_mails').select('id').where('sha256', '=', m.sha256).where('duplicate_of', 'is', null).executeTakeFirst();
      if (!existing) {
        const inserted = await db
          .insertInto('inbound_mails')
          .values(row)
          .onConflict((oc) => oc.column('sha256').where('duplicate_of', 'is', null).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) return { duplicateOf: null };
      }
      const original = existing ?? (await db.selectFrom('inbound_mails').select('id').where('sha256', '=', m.sha256).where('duplicate_of', 'is', null).executeTakeFirstOrThrow());
      if (m.chunked) await this.deleteRawChunks(m.id);
      await db
        .insertInto('inbound_mails')
        .values({ ...row, raw: null, raw_chunks: 0, duplicate_of: original.id, status: 'duplicate', reason: 'duplicate', processed_at: m.receivedAt, processing_ms: 0 })
        .execute();
      return { duplicateOf: original.id };
    },
    async findById(id) {
      const r = await base().where('inbound_mails.id', '=', id).executeTakeFirst();
      return r ? toInbound(r as never) : null;
    },
    async raw(id) {
      const source = await this.rawMail(id);
      return source ? readWholeRawMail(source) : null;
    },
    async rawMail(id) {
      const r = await db.selectFrom('inbound_mails').select(['raw', 'raw_chunks', 'size', 'duplicate_of']).where('id', '=', id).executeTakeFirst();
      if (!r) return null;
      if (r.raw) return rawMailFromBuffer(asBuffer(r.raw));
      if (r.raw_chunks > 0) {
        const count = Number(r.raw_chunks);
        return {
          size: Number(r.size),
          freshChunks: true,
          async *chunks() {
            // One row at a time: the whole mail is never in memory at once.
            for (let seq = 0; seq < count; seq++) {
              const c = await db.selectFrom('inbound_mail_chunks').select('data').where('mail_id', '=', id).where('seq', '=', seq).executeTakeFirst();
              if (!c) throw new Error(`chunk ${seq} of inbound mail ${id} is missing`);
              yield asBuffer(c.data);
            }
          },
        };
      }
      if (r.duplicate_of) return this.rawMail(r.duplicate_of);
      return null;
    },
    async appendRawChunk(mailId, seq, data, at) {
      await db.insertInto('inbound_mail_chunks').values({ mail_id: mailId, seq, data, created_at: at }).execute();
    },
    async deleteRawChunks(mailId) {
      await db.deleteFrom('inbound_mail_chunks').where('mail_id', '=', mailId).execute();
    },
    async sweepOrphanChunks(before) {
      const r = await db
        .deleteFrom('inbound_mail_chunks')
        .where('created_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('inbound_mails').select('inbound_mails.id').whereRef('inbound_mails.id', '=', 'inbound_mail_chunks.mail_id').where('inbound_mails.raw_chunks', '>', 0))),
        )
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async findOriginalByMessageId(messageId, exceptId) {
      const r = await db
        .selectFrom('inbound_mails')
        .select(['id', 'sha256'])
        .where('message_id', '=', messageId)
        .where('duplicate_of', 'is', null)
        .where('id', '!=', exceptId)
        .orderBy('received_at')
        .executeTakeFirst();
      return r ?? null;
    },
    async markDuplicate(id, of, at) {
      // The raw bytes stay: the same Message-ID with other content is only a duplicate when the
      // bodies agree, and the log should still show what arrived.
      await db.updateTable('inbound_mails').set({ duplicate_of: of, status: 'duplicate', reason: 'duplicate', processed_at: at, processing_ms: 0 }).where('id', '=', id).execute();
    },
    async setOutcome(id, o) {
      await db
        .updateTable('inbound_mails')
        .set({
          status: o.status,
          reason: o.reason,
          detail: o.detail,
          case_id: o.caseId,
          from_address: o.fromAddress,
          subject: o.subject,
          scan: o.scan,
          auth: o.auth,
          decisions: JSON.stringify(o.decisions),
          processed_at: o.processedAt,
          processing_ms: o.processingMs,
        })
        .where('id', '=', id)
        .execute();
    },
    async list(f) {
      let q = base().orderBy('received_at', 'desc').orderBy('inbound_mails.id').limit(f.limit ?? 200);
      if (f.caseId) q = q.where('inbound_mails.case_id', '=', f.caseId);
      if (f.from) q = q.where((eb) => eb.or([eb('from_address', '=', f.from!.toLowerCase()), eb('envelope_from', '=', f.from!.toLowerCase())]));
      if (f.status) q = q.where('inbound_mails.status', '=', f.status);
      return (await q.execute()).map((r) => toInbound(r as never));
    },
  };
}

function toOutbound(r: Omit<OutboundMailTable, 'raw' | 'raw_after_send'>): OutboundMail {
  return {
    id: r.id,
    kind: r.kind as OutboundKind,
    caseId: r.case_id,
    inboundMailId: r.inbound_mail_id,
    messageId: r.message_id,
    fromAddress: r.from_address,
    envelopeFrom: r.envelope_from,
    recipients: JSON.parse(r.recipients) as string[],
    subject: r.subject,
    language: r.language as Language,
    status: r.status as OutboundStatus,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    bounceDiagnostic: r.bounce_diagnostic,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

const OUTBOUND_COLUMNS = [
  'id', 'kind', 'case_id', 'inbound_mail_id', 'message_id', 'from_address', 'envelope_from', 'recipients', 'subject', 'language',
  'status', 'attempts', 'next_attempt_at', 'locked_until', 'last_error', 'bounce_diagnostic', 'created_at', 'updated_at', 'sent_at',
] as const;


export function outboundMailStore(db: Kysely<Database>, d: DialectAdapter, clock: Clock): OutboundMailStore {
  return {
    async insert(m) {
      await db
        .insertInto('outbound_mails')
        .values({
          id: m.id,
          kind: m.kind,
          case_id: m.caseId,
          inbound_mail_id: m.inboundMailId,
          message_id: m.messageId,
          from_address: m.fromAddress,
          envelope_from: m.envelopeFrom,
          recipients: JSON.stringify(m.recipients),
          subject: m.subject,
          language: m.language,
          raw: m.raw,
          raw_after_send: m.rawAfterSend ?? null,
          status: m.status,
          attempts: 0,
          next_attempt_at: m.status === 'queued' ? m.createdAt : null,
          created_at: m.createdAt,
          updated_at: m.createdAt,
        })
        .execute();
      if (m.status === 'queued') await d.notify(db, WORK_CHANNEL, OUTBOX_WORK);
    },
    async findById(id) {
      const r = await db.selectFrom('outbound_mails').select(OUTBOUND_COLUMNS).where('id', '=', id).executeTakeFirst();
      return r ? toOutbound(r) : null;
    },
    async findByMessageId(messageId) {
      const r = await db.selectFrom('outbound_mails').select(OUTBOUND_COLUMNS).where('message_id', '=', messageId.replace(/^<|>$/g, '')).executeTakeFirst();
      return r ? toOutbound(r) : null;
    },
    async raw(id) {
      const r = await db.selectFrom('outbound_mails').select('raw').where('id', '=', id).executeTakeFirst();
      return r ? Buffer.from(r.raw) : null;
    },
    async list(f) {
      let q = db.selectFrom('outbound_mails').select(OUTBOUND_COLUMNS).orderBy('created_at', 'desc').orderBy('id').limit(f.limit ?? 200);
      if (f.caseId) q = q.where('case_id', '=', f.caseId);
      if (f.status) q = q.where('status', '=', f.status);
      return (await q.execute()).map(toOutbound);
    },
    async claimDue(now, leaseUntil, limit) {
      // A row in `sending` whose lease ran out belongs to a worker that died after (maybe) handing
      // the mail to the relay: it is sent again with the same Message-ID (at-least-once, C3).
      const ids = await sql<{ id: string }>`
        select id from outbound_mails
        where (status in ('queued', 'retrying') and next_attempt_at <= ${now})
           or (status = 'sending' and locked_until <= ${now})
        order by next_attempt_at
        limit ${limit}${sql.raw(d.lockSuffix)}`.execute(db);
      if (ids.rows.length === 0) return [];
      const rows = await db
        .updateTable('outbound_mails')
        .set({ status: 'sending', locked_until: leaseUntil, updated_at: now })
        .where('id', 'in', ids.rows.map((r) => r.id))
        .returning(OUTBOUND_COLUMNS)
        .execute();
      return rows.map(toOutbound);
    },
    async renewLeases(ids, leaseUntil) {
      if (ids.length === 0) return;
      await db.updateTable('outbound_mails').set({ locked_until: leaseUntil }).where('id', 'in', ids).where('status', '=', 'sending').execute();
    },
    async update(id, p) {
      const set: Partial<OutboundMailTable> = { updated_at: clock.now().toISOString() };
      if (p.status !== undefined) set.status = p.status;
      if (p.attempts !== undefined) set.attempts = p.attempts;
      if (p.nextAttemptAt !== undefined) set.next_attempt_at = p.nextAttemptAt;
      if (p.lastError !== undefined) set.last_error = p.lastError;
      if (p.sentAt !== undefined) set.sent_at = p.sentAt;
      if (p.bounceDiagnostic !== undefined) set.bounce_diagnostic = p.bounceDiagnostic;
      if (p.lockedUntil !== undefined) set.locked_until = p.lockedUntil;
      if (p.status === 'sent' || p.status === 'failed') {
        // Its last send is over: a secret link gives way to the placeholder copy (issue 10, item 10).
        await db
          .updateTable('outbound_mails')
          .set({ ...set, raw: sql<Buffer>`coalesce(raw_after_send, raw)`, raw_after_send: null })
          .where('id', '=', id)
          .execute();
        return;
      }
      await db.updateTable('outbound_mails').set(set).where('id', '=', id).execute();
      // Queued again (an admin's retry): the outbox of any node sends it now.
      if (p.status === 'queued') await d.notify(db, WORK_CHANNEL, OUTBOX_WORK);
    },
    async countAutomaticTo(recipient, since, cap) {
      // Counting stops at the cap: the caller only asks "cap reached?", and a loop with another
      // robot would otherwise make every check scan all of the hour's mails.
      const r = await sql<{ n: number }>`
        select count(*) as n from (
          select 1 from outbound_mails
          where recipients = ${JSON.stringify([recipient])} and created_at >= ${since} and kind in ('receipt', 'notice')
          limit ${cap}) capped`.execute(db);
      return Number(r.rows[0]?.n ?? 0);
    },
    async countNoticesToDomain(domain, since, cap) {
      // A notice has one recipient, stored as ["local@domain"]: the pattern matches its end.
      // The hour's notices are few (each address is capped too), so the scan from the
      // (kind, created_at) index of migration 008 stays short.
      const pattern = `%@${domain.replace(/[\\%_]/g, (ch) => `\\${ch}`)}"]`;
      const r = await sql<{ n: number }>`
        select count(*) as n from (
          select 1 from outbound_mails
          where kind = 'notice' and created_at >= ${since} and recipients like ${pattern} escape '\\'
          limit ${cap}) capped`.execute(db);
      return Number(r.rows[0]?.n ?? 0);
    },
  };
}
