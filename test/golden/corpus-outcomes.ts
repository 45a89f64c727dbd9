/**
 * Every whole mail of the corpus, re-addressed as a reply to a test case, and the outcome the
 * pipeline gives it (`status` or `status:reason`). ingest-pipe.test.ts compares this exactly with
 * corpus-outcomes.json; `npm run golden -- --update` rewrites that file for review.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { corpusDir, corpusRoot } from '../support/corpus.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { processInboundMail } from '../../src/app/ingest/run-pipeline.js';
import type { AppContext } from '../../src/app/context.js';
import type { IngestDeps } from '../../src/app/ingest/ports.js';
import { goldenDir, readdress } from './golden-run.js';

export const corpusOutcomesFile = join(goldenDir, 'corpus-outcomes.json');

/** The corpus files that hold one whole RFC 5322 mail, by path below test/corpus, sorted. */
export function corpusReplyFiles(): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(eml|txt)$/.test(n) && !/LICENSE|COPYING|README/i.test(n)) files.push(p);
    }
  };
  for (const d of ['cpython-email', 'nodemailer-mailparser', 'postal-mime', 'mimekit/UnitTests/TestData/messages', 'fiedl-extended_email_reply_parser', 'stalwart-mail-parser/resources/eml']) walk(corpusDir(d));
  const firstLine = (f: string) => readFileSync(f).subarray(0, 200).toString('latin1').split(/\r?\n/)[0] ?? '';
  return files.filter((f) => /^[\x21-\x7e]+:/.test(firstLine(f)) || firstLine(f).startsWith('From ')).map((f) => relative(corpusRoot, f)).sort();
}

/**
 * Delivers each file from the customer as a reply to the message `replyTo` and returns its outcome.
 * `accepted` means accepted into `caseNumber`: any other case is reported as `accepted:case <n>`.
 * A file whose bytes were stored before (the same mail twice in the corpus) is `duplicate`.
 */
export async function corpusOutcomes(ctx: AppContext, deps: IngestDeps, customer: string, replyTo: string, caseNumber: number): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [i, file] of corpusReplyFiles().entries()) {
    const raw = readdress(readFileSync(join(corpusRoot, file)), `corpus-${i}`, customer, replyTo);
    const received = await receiveMail(ctx, { raw, channel: 'pipe', envelopeFrom: customer, envelopeTo: ['support@support.example.com'] });
    if (received.duplicateOf) {
      out[file] = 'duplicate';
      continue;
    }
    const o = await processInboundMail(ctx, deps, received.mailId, null);
    const key = o.reason ? `${o.status}:${o.reason}` : o.status;
    out[file] = o.status === 'accepted' && o.caseNumber !== caseNumber ? `accepted:case ${o.caseNumber}` : key;
  }
  return out;
}
