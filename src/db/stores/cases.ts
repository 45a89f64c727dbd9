import { sql, type Kysely, type Selectable } from 'kysely';
import type { AttachmentTable, CaseTable, Database, MessageTable } from '../schema.js';
import type { AttachmentStore, CaseStore, MessageStore } from '../../app/ports.js';
import type { Attachment, Case, CaseEvent, Message } from '../../domain/entities.js';
import type { CaseChannel, CaseStatus, MessageKind, MessageSource } from '../../domain/case.js';
import { FIRST_CASE_NUMBER } from '../../domain/case.js';
import { RAW_CHUNK_BYTES } from '../../domain/raw-mail.js';
import { asBuffer } from './bytes.js';

export function toCase(r: CaseTable): Case {
  return {
    id: r.id,
    number: Number(r.number),
    subject: r.subject,
    status: r.status as CaseStatus,
    channel: r.channel as CaseChannel,
    customerId: r.customer_id,
    organisationId: r.organisation_id,
    productId: r.product_id,
    version: r.version,
    environment: r.environment,
    assigneeId: r.assignee_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastActivityAt: r.last_activity_at,
    closedAt: r.closed_at,
  };
}

export function toAttachment(r: AttachmentTable): Attachment {
  return {
    id: r.id,
    caseId: r.case_id,
    messageId: r.message_id,
    filename: r.filename,
    detectedType: r.detected_type,
    size: Number(r.size),
    sha256: r.sha256,
    scan: r.scan as Attachment['scan'],
    createdAt: r.created_at,
  };
}

export function caseStore(db: Kysely<Database>): CaseStore {
  return {
    async nextNumber() {
      // Insert-if-missing, then increment in place: the UPDATE takes the row lock, so concurrent
      // transactions on PostgreSQL queue behind each other instead of reading the same value.
      await db.insertInto('counters').values({ name: 'case_number', value: FIRST_CASE_NUMBER - 1 }).onConflict((oc) => oc.column('name').doNothing()).execute();
      const r = await db
        .updateTable('counters')
        .set({ value: sql`value + 1` })
        .where('name', '=', 'case_number')
        .returning('value')
        .executeTakeFirstOrThrow();
      return Number(r.value);
    },
    async insert(c) {
      await db
        .insertInto('cases')
        .values({
          id: c.id,
          number: c.number,
          subject: c.subject,
          status: c.status,
          channel: c.channel,
          customer_id: c.customerId,
          organisation_id: c.organisationId,
          product_id: c.productId,
          version: c.version,
          environment: c.environment,
          assignee_id: c.assigneeId,
          created_at: c.createdAt,
          updated_at: c.updatedAt,
          last_activity_at: c.lastActivityAt,
          closed_at: c.closedAt,
        })
        .execute();
    },
    async findByNumber(n) {
      const r = await db.selectFrom('cases').selectAll().where('number', '=', n).executeTakeFirst();
      return r ? toCase(r) : null;
    },
    async findById(id) {
      const r = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toCase(r) : null;
    },
    async list(f) {
      let q = db.selectFrom('cases').selectAll().orderBy('last_activity_at', 'desc').orderBy('number', 'desc').limit(f.limit ?? 200);
      if (f.customerId) q = q.where('customer_id', '=', f.customerId);
      if (f.organisationId) q = q.where('organisation_id', '=', f.organisationId);
      if (f.status?.length) q = q.where('status', 'in', f.status);
      if (f.assigneeId !== undefined) q = f.assigneeId === null ? q.where('assignee_id', 'is', null) : q.where('assignee_id', '=', f.assigneeId);
      return (await q.execute()).map(toCase);
    },
    async update(id, p) {
      const set: Partial<CaseTable> = {};
      if (p.status !== undefined) set.status = p.status;
      if (p.assigneeId !== undefined) set.assignee_id = p.assigneeId;
      if (p.updatedAt !== undefined) set.updated_at = p.updatedAt;
      if (p.lastActivityAt !== undefined) set.last_activity_at = p.lastActivityAt;
      if (p.closedAt !== undefined) set.closed_at = p.closedAt;
      if (p.subject !== undefined) set.subject = p.subject;
      await db.updateTable('cases').set(set).where('id', '=', id).execute();
    },
    async addEvent(e) {
      await db
        .insertInto('case_events')
        .values({ id: e.id, case_id: e.caseId, kind: e.kind, actor_id: e.actorId, from_status: e.fromStatus, to_status: e.toStatus, detail: e.detail, at: e.at })
        .execute();
    },
    async events(caseId) {
      const rows = await db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('at').execute();
      return rows.map(
        (r): CaseEvent => ({
          id: r.id,
          caseId: r.case_id,
          kind: r.kind as CaseEvent['kind'],
          actorId: r.actor_id,
          fromStatus: r.from_status as CaseStatus | null,
          toStatus: r.to_status as CaseStatus | null,
          detail: r.detail,
          at: r.at,
        }),
      );
    },
    async addParticipant(caseId, email, addedBy, at) {
      await db
        .insertInto('case_participants')
        .values({ case_id: caseId, email, added_by: addedBy, created_at: at })
        .onConflict((oc) => oc.columns(['case_id', 'email']).doNothing())
        .execute();
    },
    async participants(caseId) {
      return (await db.selectFrom('case_participants').select('email').where('case_id', '=', caseId).execute()).map((r) => r.email);
    },
  };
}

export function messageStore(db: Kysely<Database>): MessageStore {
  return {
    async insert(m) {
      await db
        .insertInto('messages')
        .values({
          id: m.id,
          case_id: m.caseId,
          author_id: m.authorId,
          author_email: m.authorEmail,
          kind: m.kind,
          source: m.source,
          body_text: m.bodyText,
          body_html: m.bodyHtml,
          quoted_text: m.quotedText,
          inbound_mail_id: m.inboundMailId,
          outbound_mail_id: m.outboundMailId,
          created_at: m.createdAt,
          sender_unverified: m.senderUnverified ? 1 : 0,
        })
        .execute();
    },
    async findById(id) {
      const r = await db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toMessage(r) : null;
    },
    async listByCase(caseId) {
      const rows = await db.selectFrom('messages').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
      return rows.map(toMessage);
    },
  };
}

function toMessage(r: Selectable<MessageTable>): Message {
  return {
    id: r.id,
    caseId: r.case_id,
    authorId: r.author_id,
    authorEmail: r.author_email,
    kind: r.kind as MessageKind,
    source: r.source as MessageSource,
    bodyText: r.body_text,
    bodyHtml: r.body_html,
    quotedText: r.quoted_text,
    inboundMailId: r.inbound_mail_id,
    outboundMailId: r.outbound_mail_id,
    createdAt: r.created_at,
    ...(Number(r.sender_unverified) === 1 ? { senderUnverified: true } : {}),
  };
}

export function attachmentStore(db: Kysely<Database>): AttachmentStore {
  return {
    async insert(a, content) {
      // Over 1 MiB in 1 MiB rows: the driver binds a blob as one buffer and SQLite copies it,
      // so one row of a 25 MB file would cost 25 MB more memory while it is written.
      const chunks = content.length > RAW_CHUNK_BYTES ? Math.ceil(content.length / RAW_CHUNK_BYTES) : 0;
      const inserted = await db
        .insertInto('blobs')
        .values({ sha256: a.sha256, size: content.length, content: chunks ? Buffer.alloc(0) : content, chunks, created_at: a.createdAt })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .returning('sha256')
        .executeTakeFirst();
      if (inserted) {
        for (let seq = 0; seq < chunks; seq++) {
          await db.insertInto('blob_chunks').values({ sha256: a.sha256, seq, data: content.subarray(seq * RAW_CHUNK_BYTES, (seq + 1) * RAW_CHUNK_BYTES) }).execute();
        }
      }
      await db
        .insertInto('attachments')
        .values({
          id: a.id,
          case_id: a.caseId,
          message_id: a.messageId,
          filename: a.filename,
          detected_type: a.detectedType,
          size: a.size,
          sha256: a.sha256,
          scan: a.scan,
          created_at: a.createdAt,
        })
        .execute();
    },
    async listByCase(caseId) {
      const rows = await db.selectFrom('attachments').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
      return rows.map(toAttachment);
    },
    async content(id) {
      const r = await db
        .selectFrom('attachments')
        .innerJoin('blobs', 'blobs.sha256', 'attachments.sha256')
        .select(['blobs.content', 'blobs.chunks', 'blobs.size', 'blobs.sha256'])
        .where('attachments.id', '=', id)
        .executeTakeFirst();
      if (!r) return null;
      if (r.chunks === 0) return asBuffer(r.content);
      // Read row by row into one buffer: the file once, not its rows and their concatenation.
      const out = Buffer.allocUnsafe(Number(r.size));
      let at = 0;
      for (let seq = 0; seq < r.chunks; seq++) {
        const c = await db.selectFrom('blob_chunks').select('data').where('sha256', '=', r.sha256).where('seq', '=', seq).executeTakeFirstOrThrow();
        at += asBuffer(c.data).copy(out, at);
      }
      if (at !== out.length) throw new Error(`attachment ${id} has ${at} of ${out.length} bytes`);
      return out;
    },
  };
}
