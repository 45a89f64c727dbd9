import type { Runtime } from '../../composition.js';
import { AppError } from '../../app/errors.js';
import { requireCase } from '../../app/cases.js';
import { resolveId } from '../ids.js';
import { caseNumber, parse } from '../args.js';
import { UsageError, printJson, printLine, printTable, withUsage } from '../output.js';
import { retryOutboundMail } from '../../app/outbound/retry-outbound-mail.js';

const LIST = 'supportal outbox list [--case N] [--status S] [--json]';
const SHOW = 'supportal outbox show ID [--raw] [--json]';
const RETRY = 'supportal outbox retry ID [--json]';

export async function outboxCommand(argv: string[], rt: () => Promise<Runtime>): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const { values, json } = parse(rest, { case: { type: 'string' }, status: { type: 'string' } }, LIST);
    const r = await rt();
    const caseId = values.case !== undefined ? (await requireCase(r.ctx.store, caseNumber(values.case as string, LIST))).id : undefined;
    const mails = await r.ctx.store.outbound.list({ caseId, status: values.status as 'sent' | undefined });
    const rows = mails.map((m) => ({
      id: m.id,
      kind: m.kind,
      to: m.recipients.join(', '),
      subject: m.subject,
      messageId: m.messageId,
      status: m.status,
      attempts: m.attempts,
      lastError: m.lastError,
      createdAt: m.createdAt,
    }));
    if (json) printJson(rows);
    else printTable(rows, ['id', 'kind', 'to', 'subject', 'messageId', 'status', 'attempts', 'lastError'], ['messageId']);
    return 0;
  }
  if (sub === 'show') {
    const { values, positionals, json } = parse(rest, { raw: { type: 'boolean' } }, SHOW, 1);
    const r = await rt();
    const id = await resolveId(r, 'outbound_mails', positionals[0]!);
    const m = await r.ctx.store.outbound.findById(id);
    if (!m) throw new AppError('mail_not_found', { de: `es gibt keine ausgehende E-Mail ${id}`, en: `there is no outbound mail ${id}` });
    if (values.raw) {
      process.stdout.write((await r.ctx.store.outbound.raw(m.id))!);
      return 0;
    }
    if (json) printJson(m);
    else for (const [k, v] of Object.entries(m)) printLine(`${k.padEnd(17)} ${Array.isArray(v) ? v.join(', ') : (v ?? '')}`);
    return 0;
  }
  if (sub === 'retry') {
    const { positionals, json } = parse(rest, {}, RETRY, 1);
    const r = await rt();
    const id = await resolveId(r, 'outbound_mails', positionals[0]!);
    const m = await retryOutboundMail(r.ctx, id);
    if (json) printJson({ id: m.id, status: m.status });
    else printLine(`outbound mail ${m.id} is ${m.status}`);
    return 0;
  }
  throw new UsageError(withUsage(null, LIST, SHOW, RETRY));
}
