import { closeCase, listCases, openCase, reopenCase, showCase } from '../../app/cases.js';
import { CASE_STATUSES, type CaseStatus } from '../../domain/case.js';
import type { Runtime } from '../../composition.js';
import { caseNumber, parse, required } from '../args.js';
import { UsageError, printJson, printLine, printTable, withUsage } from '../output.js';
import { caseReplySubcommand, CASE_REPLY_USAGE } from './case-reply.js';

const OPEN = 'supportal case open --customer EMAIL --subject S --body B [--channel portal|phone] [--product P] [--version V] [--environment E] [--json]';
const SHOW = 'supportal case show N [--json]';
const LIST = 'supportal case list [--status S] [--customer EMAIL] [--json]';
const CLOSE = 'supportal case close N [--json]';
const REOPEN = 'supportal case reopen N [--json]';

export async function caseCommand(argv: string[], rt: () => Promise<Runtime>): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'open': {
      const { values, json } = parse(
        rest,
        {
          customer: { type: 'string' },
          subject: { type: 'string' },
          body: { type: 'string' },
          channel: { type: 'string' },
          product: { type: 'string' },
          version: { type: 'string' },
          environment: { type: 'string' },
        },
        OPEN,
      );
      const channel = (values.channel as string | undefined) ?? 'portal';
      if (!['portal', 'phone'].includes(channel)) throw new UsageError(withUsage({ de: `--channel muss portal oder phone sein (Fälle werden nie per E-Mail eröffnet), nicht „${channel}“`, en: `--channel must be portal or phone (cases are never opened by e-mail), got "${channel}"` }, OPEN));
      const r = await rt();
      const c = await openCase(r.ctx, {
        customer: required(values, 'customer', OPEN),
        subject: required(values, 'subject', OPEN),
        body: required(values, 'body', OPEN),
        channel: channel as 'portal',
        product: values.product as string | undefined,
        version: values.version as string | undefined,
        environment: values.environment as string | undefined,
      });
      if (json) printJson({ number: c.number, id: c.id, status: c.status });
      else printLine(String(c.number));
      return 0;
    }
    case 'show': {
      const { positionals, json } = parse(rest, {}, SHOW, 1);
      const r = await rt();
      const d = await showCase(r.ctx, caseNumber(positionals[0], SHOW));
      if (json) {
        printJson({ ...d.case, customer: { email: d.customer.email, name: d.customer.name }, assignee: d.assignee?.email ?? null, messages: d.messages, events: d.events, attachments: d.attachments, participants: d.participants });
        return 0;
      }
      printLine(`Case ${d.case.number}: ${d.case.subject}`);
      printLine(`Status: ${d.case.status}   Channel: ${d.case.channel}   Customer: ${d.customer.name} <${d.customer.email}>`);
      printLine(`Opened: ${d.case.createdAt}   Last activity: ${d.case.lastActivityAt}${d.case.closedAt ? `   Closed: ${d.case.closedAt}` : ''}`);
      if (d.case.version || d.case.environment) printLine(`Version: ${d.case.version ?? '-'}   Environment: ${d.case.environment ?? '-'}`);
      for (const m of d.messages) {
        printLine('');
        printLine(`--- ${m.createdAt}  ${m.kind} via ${m.source}  ${m.authorEmail ?? ''}`);
        printLine(m.bodyText);
      }
      const atts = d.attachments;
      if (atts.length) {
        printLine('');
        for (const a of atts) printLine(`[attachment] ${a.filename} (${a.detectedType ?? 'unknown'}, ${a.size} bytes)`);
      }
      return 0;
    }
    case 'list': {
      const { values, json } = parse(rest, { status: { type: 'string' }, customer: { type: 'string' } }, LIST);
      const status = values.status as string | undefined;
      if (status !== undefined && !(CASE_STATUSES as readonly string[]).includes(status)) throw new UsageError(withUsage({ de: `--status muss einer von ${CASE_STATUSES.join(', ')} sein`, en: `--status must be one of ${CASE_STATUSES.join(', ')}` }, LIST));
      const r = await rt();
      let customerId: string | undefined;
      if (values.customer) {
        const u = await r.ctx.store.users.findByEmail(values.customer as string);
        customerId = u?.id ?? 'none';
      }
      const cases = await listCases(r.ctx, { status: status ? [status as CaseStatus] : undefined, customerId });
      const rows = cases.map((c) => ({ number: c.number, status: c.status, channel: c.channel, subject: c.subject, createdAt: c.createdAt, lastActivityAt: c.lastActivityAt }));
      if (json) printJson(rows);
      else printTable(rows, ['number', 'status', 'channel', 'subject', 'lastActivityAt']);
      return 0;
    }
    case 'close':
    case 'reopen': {
      const usage = sub === 'close' ? CLOSE : REOPEN;
      const { positionals, json } = parse(rest, {}, usage, 1);
      const r = await rt();
      const n = caseNumber(positionals[0], usage);
      const c = sub === 'close' ? await closeCase(r.ctx, n) : await reopenCase(r.ctx, n);
      if (json) printJson({ number: c.number, status: c.status });
      else printLine(`case ${c.number} is ${c.status}`);
      return 0;
    }
    case 'reply':
      return caseReplySubcommand(rest, rt);
    default:
      throw new UsageError(withUsage(null, OPEN, SHOW, LIST, CLOSE, REOPEN, CASE_REPLY_USAGE));
  }
}
