import type { Runtime } from '../../composition.js';
import { AppError } from '../../app/errors.js';
import { requireCase } from '../../app/cases.js';
import { reprocessInboundMail } from '../../app/ingest/reprocess.js';
import { reasonText } from '../../app/ingest/reason-texts.js';
import { INBOUND_STATUSES } from '../../domain/reason-codes.js';
import { resolveId } from '../ids.js';
import { caseNumber, parse } from '../args.js';
import { UsageError, printJson, printLine, printTable, withUsage } from '../output.js';

const LOG = 'supportal mail log [--case N] [--from EMAIL] [--status S] [--json]';
const SHOW = 'supportal mail show ID [--raw] [--json]';
const REPROCESS = 'supportal mail reprocess ID [--json]';

export async function mailCommand(argv: string[], rt: () => Promise<Runtime>): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'log') {
    const { values, json } = parse(rest, { case: { type: 'string' }, from: { type: 'string' }, status: { type: 'string' } }, LOG);
    const status = values.status as string | undefined;
    if (status && !(INBOUND_STATUSES as readonly string[]).includes(status)) throw new UsageError(withUsage({ de: `--status muss einer von ${INBOUND_STATUSES.join(', ')} sein`, en: `--status must be one of ${INBOUND_STATUSES.join(', ')}` }, LOG));
    const r = await rt();
    const caseId = values.case !== undefined ? (await requireCase(r.ctx.store, caseNumber(values.case as string, LOG))).id : undefined;
    const mails = await r.ctx.store.inbound.list({ caseId, from: values.from as string | undefined, status: status as 'accepted' | undefined });
    const rows = mails.map((m) => ({
      id: m.id,
      receivedAt: m.receivedAt,
      channel: m.channel,
      messageId: m.messageId,
      from: m.fromAddress ?? m.envelopeFrom,
      subject: m.subject,
      status: m.status,
      reason: m.reason,
      case: m.caseNumber,
      scan: m.scan,
      processingMs: m.processingMs,
      explanation: m.reason ? { de: reasonText(m.reason, 'de', r.config.publicUrl).text, en: reasonText(m.reason, 'en', r.config.publicUrl).text } : null,
    }));
    if (json) printJson(rows);
    else printTable(rows, ['id', 'receivedAt', 'channel', 'messageId', 'from', 'subject', 'status', 'reason', 'case'], ['messageId']);
    return 0;
  }
  if (sub === 'show') {
    const { values, positionals, json } = parse(rest, { raw: { type: 'boolean' } }, SHOW, 1);
    const r = await rt();
    const id = await resolveId(r, 'inbound_mails', positionals[0]!);
    const m = await r.ctx.store.inbound.findById(id);
    if (!m) throw new AppError('mail_not_found', { de: `es gibt keine eingegangene E-Mail ${id}`, en: `there is no inbound mail ${id}` });
    if (values.raw) {
      process.stdout.write((await r.ctx.store.inbound.raw(m.id)) ?? Buffer.alloc(0));
      return 0;
    }
    if (json) printJson(m);
    else {
      for (const [k, v] of Object.entries(m)) if (k !== 'decisions') printLine(`${k.padEnd(14)} ${Array.isArray(v) ? v.join(', ') : (v ?? '')}`);
      printLine('decisions:');
      for (const d of m.decisions) printLine(`  ${d.step.padEnd(22)} ${d.verdict}${d.reason ? ` (${d.reason})` : ''}${d.note ? `: ${d.note}` : ''}`);
    }
    return 0;
  }
  if (sub === 'reprocess') {
    const { positionals, json } = parse(rest, {}, REPROCESS, 1);
    const r = await rt();
    const id = await resolveId(r, 'inbound_mails', positionals[0]!);
    const res = await reprocessInboundMail(r.ctx, id);
    if (json) printJson(res);
    else printLine(`mail ${res.mailId} queued for processing again`);
    return 0;
  }
  throw new UsageError(withUsage(null, LOG, SHOW, REPROCESS));
}
