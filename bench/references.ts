/**
 * In-run references: the bare parsers on the very mails the pipeline got, one mail at a time
 * in this process, so that Supportal's figures can be read against what the machine gives
 * (issue "Scale and speed": ≥ 10 % of postal-mime's bare rate end to end).
 */
import PostalMime from 'postal-mime';
import { simpleParser } from 'mailparser';

async function rate(mails: Buffer[], parse: (m: Buffer) => Promise<unknown>): Promise<number> {
  for (const m of mails.slice(0, Math.min(20, mails.length))) await parse(m); // warm-up
  const t = performance.now();
  for (const m of mails) await parse(m);
  return mails.length / ((performance.now() - t) / 1000);
}

export async function referenceRates(mails: Buffer[]): Promise<{ postalMime: number; mailparser: number }> {
  return {
    postalMime: await rate(mails, (m) => PostalMime.parse(m)),
    mailparser: await rate(mails, (m) => simpleParser(m)),
  };
}
