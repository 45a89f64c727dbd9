import type { SelectQueryBuilder } from 'kysely';
import type { Database, MessageTable } from '../schema.js';
import type { Connection } from '../transaction-scope.js';
import type { DialectAdapter } from '../dialects/dialect-adapter.js';
import type { CaseSearch, PortalSearch } from '../../app/portal/ports.js';
import type { MessageKind, MessageSource } from '../../domain/case.js';
import type { Message } from '../../domain/entities.js';
import { toAttachment, toCase } from './cases.js';
import { toInbound } from './mail.js';

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
 * The mail log's rows with their case number. Every column qualified: the join with cases brings
 * a second `channel` and `status`.
 */
export const inboundRows = (db: Connection) =>
  db()
    .selectFrom('inbound_mails')
    .leftJoin('cases', 'cases.id', 'inbound_mails.case_id')
    .select([
      'inbound_mails.id', 'inbound_mails.received_at', 'inbound_mails.channel', 'inbound_mails.envelope_from', 'inbound_mails.envelope_to',
      'inbound_mails.remote_ip', 'inbound_mails.message_id', 'inbound_mails.sha256', 'inbound_mails.size', 'inbound_mails.duplicate_of',
      'inbound_mails.from_address', 'inbound_mails.subject', 'inbound_mails.status', 'inbound_mails.reason', 'inbound_mails.detail',
      'inbound_mails.case_id', 'inbound_mails.scan', 'inbound_mails.decisions', 'inbound_mails.processed_at', 'inbound_mails.processing_ms',
      'inbound_mails.raw_deleted_at', 'inbound_mails.raw_deleted_reason', 'inbound_mails.raw_retention_days',
      'cases.number as case_number',
      'inbound_mails.auth',
    ]);

export function portalSearch(db: Connection, dialect: DialectAdapter): PortalSearch {
  const inboundQuery = () => inboundRows(db);
  /** The filter's conditions on a query over `cases`; null when it can match nothing (a search of only punctuation). */
  function caseFilter<Q extends SelectQueryBuilder<Database, 'cases', object>>(query: Q, f: Omit<CaseSearch, 'limit'>): Q | null {
    let q = query;
    if (f.customerId) q = q.where('customer_id', '=', f.customerId) as Q;
    if (f.organisationId) q = q.where('organisation_id', '=', f.organisationId) as Q;
    if (f.statuses?.length) {
      const statuses = f.statuses;
      const mine = f.orAssignedTo;
      q = (mine
        ? q.where((eb) => eb.or([eb('status', 'in', statuses), eb.and([eb('assignee_id', '=', mine.assigneeId), eb('status', 'in', mine.statuses)])]))
        : q.where('status', 'in', statuses)) as Q;
    }
    if (f.assigneeId !== undefined) q = (f.assigneeId === null ? q.where('assignee_id', 'is', null) : q.where('assignee_id', '=', f.assigneeId)) as Q;
    if (f.q !== undefined) {
      const terms = searchTerms(f.q);
      // Nothing searchable (only punctuation) matches nothing rather than everything.
      if (terms.length === 0) return null;
      // A case number ("10042", "#10042") finds its case whatever the texts say.
      const number = /^\s*#?(\d{1,15})\s*$/.exec(f.q)?.[1];
      q = (number === undefined ? q.where(dialect.fullTextMatch(terms, f.includeInternalNotes)) : q.where((eb) => eb.or([eb('cases.number', '=', Number(number)), dialect.fullTextMatch(terms, f.includeInternalNotes)]))) as Q;
    }
    return q;
  }
  return {
    async cases(f) {
      const q = caseFilter(db().selectFrom('cases').selectAll('cases').orderBy('last_activity_at', 'desc').orderBy('number', 'desc').limit(f.limit), f);
      return q ? (await q.execute()).map(toCase) : [];
    },
    async userNames(ids) {
      if (ids.length === 0) return new Map();
      const rows = await db().selectFrom('users').select(['id', 'name']).where('id', 'in', [...ids]).execute();
      return new Map(rows.map((r) => [r.id, r.name]));
    },
    async countCases(f) {
      const q = caseFilter(db().selectFrom('cases').select((eb) => eb.fn.countAll().as('n')), f);
      return q ? Number((await q.executeTakeFirstOrThrow()).n) : 0;
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
      const r = await db().selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toAttachment(r) : null;
    },
    async message(id) {
      const r = await db().selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toMessage(r) : null;
    },
    async customerRepliesSince(f) {
      const rows = await db()
        .selectFrom('messages')
        .innerJoin('cases', 'cases.id', 'messages.case_id')
        .selectAll('messages')
        .leftJoin('users', 'users.id', 'messages.author_id')
        .select(['cases.number as case_number', 'cases.subject as case_subject', 'cases.created_at as case_created_at', 'users.name as author_name'])
        .where('messages.kind', '=', 'customer_reply')
        .where('messages.source', 'in', ['portal', 'email'])
        .where('messages.created_at', '>', f.since)
        .where((eb) => eb.or([eb('cases.assignee_id', '=', f.agentId), eb('cases.assignee_id', 'is', null)]))
        .orderBy('messages.created_at', 'desc')
        .limit(f.limit)
        .execute();
      // The case's first message was written when the case was opened: it announces a new case, not a reply.
      return rows.map((r) => ({ message: toMessage(r), caseNumber: Number(r.case_number), caseSubject: r.case_subject, authorName: r.author_name ?? null, opensCase: r.created_at === r.case_created_at }));
    },
  };
}
