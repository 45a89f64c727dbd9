import { sql, type SqlBool } from 'kysely';
import type { Connection } from '../transaction-scope.js';
import type { DirectoryQueries, MailAdminStore, ReportQueries } from '../../app/desk/ports.js';
import type { CaseStatus } from '../../domain/case.js';
import type { InboundStatus, ReasonCode } from '../../domain/reason-codes.js';
import { toUser } from './people.js';

/** `%`, `_` and the escape character itself match literally in a search term. */
function likePattern(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function reportQueries(db: Connection): ReportQueries {
  return {
    async openCaseAges(cutoffs) {
      // One pass over the open cases: a count per cutoff, as portable CASE sums.
      const rows = await db()
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
      const rows = await db()
        .selectFrom('inbound_mails')
        .select(['received_at', 'processed_at', 'status', 'reason'])
        .where('received_at', '>=', since)
        .orderBy('received_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ receivedAt: r.received_at, processedAt: r.processed_at, status: r.status as InboundStatus, reason: r.reason as ReasonCode | null }));
    },
  };
}

export function directoryQueries(db: Connection): DirectoryQueries {
  return {
    async customers(term, limit) {
      const pattern = likePattern(term);
      const rows = await db()
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
  };
}

export function mailAdminStore(db: Connection): MailAdminStore {
  return {
    async dropRaw(id, o) {
      const r = await db().updateTable('inbound_mails').set({ raw: null, raw_chunks: 0, status: o.status, reason: o.reason, detail: o.detail }).where('id', '=', id).executeTakeFirst();
      await db().deleteFrom('inbound_mail_chunks').where('mail_id', '=', id).execute();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
