/**
 * Runs the golden mails (test/golden/NNN-what.eml) through the real pipeline, each as a reply
 * to a test case, and reports for each what the case, the mail log and the sender get: status,
 * reason, deciding step, reply text, quoted part, signature, every attachment with its detected
 * type and verdict, and the receipt or notice sent. golden.test.ts compares this field by field
 * with NNN-what.expected.json; `npm run golden -- --update` writes it there (scripts/golden.ts).
 *
 * How a mail is delivered is in deliveries.json (the default: from the case's customer, as a
 * reply to the open case, through the pipe): the .eml bytes stay as their source wrote them, and
 * only the header block is re-addressed when the mail is delivered.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testRuntime, type TestRuntime } from '../support/runtime.js';
import type { DialectName } from '../support/databases.js';
import { startClamd, type ClamdHandle } from '../support/clamd.js';
import { addUser } from '../../src/app/users.js';
import { closeCase, openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { processInboundMail } from '../../src/app/ingest/run-pipeline.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { createClamdScanner } from '../../src/inbound/clamav/clamd-client.js';
import { createMailauthAuthenticator } from '../../src/inbound/sender-auth/mailauth-authenticator.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';
import { readMailContent } from '../../src/app/desk/rejected-mail.js';
import type { MailReader } from '../../src/app/desk/ports.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../src/domain/attachment-policy.js';
import type { IngestDeps } from '../../src/app/ingest/ports.js';

export const goldenDir = fileURLToPath(new URL('.', import.meta.url));

/** How one golden mail is delivered; every field is optional (deliveries.json). */
export interface Delivery {
  /** Who the mail is from: the case's customer (default), a stranger, or a forged sender (see AUTH_DNS). */
  from?: 'customer' | 'stranger' | 'forged';
  /** What it answers: the open case (default), a closed case, or nothing. */
  reference?: 'open' | 'closed' | 'none';
  /** Delivered this many times (2: the second copy is the duplicate reported). */
  times?: number;
  /** An admin's lower size limit in bytes. */
  maxMessageBytes?: number;
  /** A real clamd with the EICAR signature, or a scanner address where nothing listens. */
  scanner?: 'clamd' | 'down';
  /** Received by SMTP from this address with SPF/DKIM/DMARC checked against AUTH_DNS. */
  smtpFrom?: string;
}

export interface GoldenAttachment {
  name: string;
  detectedType: string | null;
  /** accepted: stored on the case; allowed/refused: the policy's verdict on a mail that was not accepted. */
  verdict: 'accepted' | 'allowed' | 'refused';
}

export interface GoldenResult {
  status: string;
  reason: string | null;
  /** The step that decided: `110-accept`, the step that stopped the mail, `010-store` for identical bytes. */
  step: string | null;
  /** What the case shows (accepted) or the desk shows (otherwise); null when the mail cannot be read. */
  replyText: string | null;
  quotedText: string | null;
  signature: string | null;
  attachments: GoldenAttachment[];
  /** The automatic mail queued for the sender. */
  automaticReply: 'receipt' | 'notice' | null;
}

/** The only DNS of the golden run: forged.example asks receivers to reject what fails DMARC. */
const AUTH_DNS: Record<string, string> = {
  'forged.example': 'v=spf1 ip4:192.0.2.99 -all',
  '_dmarc.forged.example': 'v=DMARC1; p=reject',
};
async function fixedResolver(name: string, type: string): Promise<string[][]> {
  const record = type === 'TXT' ? AUTH_DNS[name.toLowerCase()] : undefined;
  if (record) return [[record]];
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
}

export function goldenNames(): string[] {
  return readdirSync(goldenDir).filter((n) => /^\d{3}-[a-z0-9-]+\.eml$/.test(n)).map((n) => n.slice(0, -4)).sort();
}

export function deliveries(): Record<string, Delivery> {
  return JSON.parse(readFileSync(join(goldenDir, 'deliveries.json'), 'utf8')) as Record<string, Delivery>;
}

const CUSTOMER = 'kim@example.org';
const STRANGER = 'someone@elsewhere.example';
const SUPPORT = 'support@support.example.com';

/**
 * Re-addresses the header block only (a body line starting with "From:" is the customer's text):
 * our From, In-Reply-To and Message-ID first; the mail's own are kept under X-Original-*. An mbox
 * "From " line before the headers is dropped.
 */
export function readdress(original: Buffer, name: string, from: string, inReplyTo: string | null): Buffer {
  let s = original.toString('latin1');
  if (s.startsWith('From ')) s = s.slice(s.indexOf('\n') + 1);
  const end = /\r?\n\r?\n/.exec(s);
  const headEnd = end ? end.index : s.length;
  const head = s.slice(0, headEnd).replace(/^(From|In-Reply-To|References|Reply-To|Sender|Message-ID):/gim, 'X-Original-$1:');
  const ours = `From: ${from}\r\n${inReplyTo ? `In-Reply-To: <${inReplyTo}>\r\n` : ''}Message-ID: <golden-${name}@client.example.org>\r\n`;
  return Buffer.from(ours + head + s.slice(headEnd), 'latin1');
}

export interface GoldenRun {
  rt: TestRuntime;
  /** The customer's address, the agent's answer on the open case that a reply refers to, and that case's number. */
  customer: string;
  openReply: string;
  openCase: number;
  run(name: string): Promise<GoldenResult>;
  dispose(): Promise<void>;
}

/** A runtime with a customer, an agent, an open and a closed case, ready to deliver golden mails. */
export async function startGoldenRun(dialect: DialectName): Promise<GoldenRun> {
  // Receipts and notices to the one test customer are not capped by the loop breaker here.
  const rt = await testRuntime(dialect, { SUPPORTAL_AUTO_MAILS_PER_SENDER_PER_HOUR: '10000' });
  await addUser(rt.ctx, { role: 'customer', email: CUSTOMER, name: 'Kim Kunde', org: 'Kunde GmbH', lang: 'en' });
  await addUser(rt.ctx, { role: 'agent', email: 'agent@vendor.example', name: 'Agent' });
  const open = await openCase(rt.ctx, { customer: CUSTOMER, subject: 'Login fails after the update', body: 'The login fails.' });
  const openReply = (await addAgentReply(rt.ctx, { caseNumber: open.number, agent: 'agent@vendor.example', body: 'Please clear the browser cache and try again.' })).messageId;
  const closed = await openCase(rt.ctx, { customer: CUSTOMER, subject: 'Old question', body: 'An old question.' });
  const closedReply = (await addAgentReply(rt.ctx, { caseNumber: closed.number, agent: 'agent@vendor.example', body: 'Answered.' })).messageId;
  await closeCase(rt.ctx, closed.number);
  const base = createIngestDeps(rt.config);
  const reader: MailReader = { parser: base.parser, inspector: base.inspector, policy: async () => DEFAULT_ATTACHMENT_POLICY, sanitizeHtml: base.sanitizeHtml };
  const plan = deliveries();
  let clamd: ClamdHandle | null = null;

  async function depsFor(d: Delivery): Promise<IngestDeps> {
    const overrides: Partial<IngestDeps> = {};
    if (d.scanner === 'clamd') overrides.scanner = createClamdScanner((clamd ??= await startClamd()).target);
    if (d.scanner === 'down') overrides.scanner = createClamdScanner('tcp://127.0.0.1:1');
    if (d.smtpFrom) overrides.authenticator = createMailauthAuthenticator({ mta: 'mx.support.example.com', resolver: fixedResolver });
    if (d.maxMessageBytes) {
      const limit = d.maxMessageBytes;
      overrides.settings = { current: async () => ({ policy: DEFAULT_ATTACHMENT_POLICY, maxMessageBytes: limit }) };
    }
    return { ...base, ...overrides };
  }

  async function run(name: string): Promise<GoldenResult> {
    const d = plan[name] ?? {};
    const from = d.from === 'stranger' ? `Someone <${STRANGER}>` : d.from === 'forged' ? 'Chef <ceo@forged.example>' : `Kim Kunde <${CUSTOMER}>`;
    const envelopeFrom = d.from === 'stranger' ? STRANGER : d.from === 'forged' ? 'ceo@forged.example' : CUSTOMER;
    const reference = d.reference === 'none' ? null : d.reference === 'closed' ? closedReply : openReply;
    const raw = readdress(readFileSync(join(goldenDir, `${name}.eml`)), name, from, reference);
    const envelope = d.smtpFrom
      ? { channel: 'smtp' as const, envelopeFrom, envelopeTo: [SUPPORT], remoteIp: d.smtpFrom }
      : { channel: 'pipe' as const, envelopeFrom, envelopeTo: [SUPPORT] };
    let received = await receiveMail(rt.ctx, { raw, ...envelope });
    for (let i = 1; i < (d.times ?? 1); i++) received = await receiveMail(rt.ctx, { raw, ...envelope });
    if (!received.duplicateOf) {
      try {
        await processInboundMail(rt.ctx, await depsFor(d), received.mailId, null);
      } catch {
        // Deferred (clamd down): the mail log says so, and that is what is compared.
      }
    }
    const mail = (await rt.ctx.store.inbound.findById(received.mailId))!;
    const decided = [...mail.decisions].reverse().find((x) => x.verdict !== 'continue');
    const step = decided?.step ?? (received.duplicateOf ? '010-store' : null);
    const db = rt.db.db;
    const outbound = await db.selectFrom('outbound_mails').select('kind').where('inbound_mail_id', '=', mail.id).execute();
    const automaticReply = (outbound.find((o) => o.kind === 'receipt' || o.kind === 'notice')?.kind ?? null) as GoldenResult['automaticReply'];
    const stored = await rt.ctx.store.inbound.rawMail(mail.id);
    const content = stored ? await readMailContent(reader, stored).catch(() => null) : null;
    if (mail.status === 'accepted') {
      const message = await db.selectFrom('messages').select(['id', 'body_text', 'quoted_text']).where('inbound_mail_id', '=', mail.id).executeTakeFirstOrThrow();
      const files = await db.selectFrom('attachments').select(['filename', 'detected_type', 'created_at', 'id']).where('message_id', '=', message.id).orderBy('created_at').orderBy('filename').execute();
      return {
        status: mail.status, reason: mail.reason, step,
        replyText: message.body_text, quotedText: message.quoted_text ?? '', signature: content?.signature ?? null,
        attachments: files.map((f) => ({ name: f.filename, detectedType: f.detected_type, verdict: 'accepted' as const })),
        automaticReply,
      };
    }
    return {
      status: mail.status, reason: mail.reason, step,
      replyText: content?.replyText ?? null, quotedText: content?.quotedText ?? null, signature: content?.signature ?? null,
      attachments: (content?.attachments ?? []).map((a) => ({ name: a.name, detectedType: a.detectedType, verdict: a.verdict })),
      automaticReply,
    };
  }

  return {
    rt,
    customer: CUSTOMER,
    openReply,
    openCase: open.number,
    run,
    async dispose() {
      await closeParseWorkers();
      await clamd?.stop();
      await rt.dispose();
    },
  };
}
