import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { addAgentReply } from '../../app/outbound/agent-reply.js';
import type { Runtime } from '../../composition.js';
import { caseNumber, parse, required } from '../args.js';
import { CliFailure, printJson, printLine } from '../output.js';

export const CASE_REPLY_USAGE = 'supportal case reply N --agent EMAIL --body B [--attach FILE]... [--json]';

export async function caseReplySubcommand(argv: string[], rt: () => Promise<Runtime>): Promise<number> {
  const { values, positionals, json } = parse(argv, { agent: { type: 'string' }, body: { type: 'string' }, attach: { type: 'string', multiple: true } }, CASE_REPLY_USAGE, 1);
  const n = caseNumber(positionals[0], CASE_REPLY_USAGE);
  const agent = required(values, 'agent', CASE_REPLY_USAGE);
  const body = required(values, 'body', CASE_REPLY_USAGE);
  const files = (values.attach as string[] | undefined) ?? [];
  const attachments = [];
  for (const f of files) {
    let content: Buffer;
    try {
      content = await readFile(f);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new CliFailure({ de: `der Anhang ${f} kann nicht gelesen werden: ${why}`, en: `cannot read attachment ${f}: ${why}` }, { cause: e });
    }
    attachments.push({ filename: basename(f), content });
  }
  const r = await rt();
  const res = await addAgentReply(r.ctx, { caseNumber: n, agent, body, attachments });
  if (json) printJson({ messageId: res.messageId, outboxId: res.outboundId });
  else printLine(res.messageId);
  return 0;
}
