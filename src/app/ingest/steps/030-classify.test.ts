import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AppContext } from '../../context.js';
import type { InboundMail } from '../../../domain/records.js';
import type { IngestDeps } from '../ports.js';
import type { PipelineContext } from '../pipeline-context.js';
import { parseMail } from '../../../inbound/parse/mime-parser.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../../domain/attachment-policy.js';
import { classifyStep } from './030-classify.js';

const MAIL = {
  mailDomain: 'support.example.com',
  supportAddress: 'support@support.example.com',
  noreplyAddress: 'no-reply@support.example.com',
  bounceAddress: 'bounces@support.example.com',
  publicUrl: 'https://portal.example.com',
  caseTokenLabel: 'Case',
  plusAddressing: true,
  defaultLanguage: 'en' as const,
  secret: 'unit-secret-unit-secret-0123456789',
  relayConfigured: false,
  autoMailsPerSenderPerHour: 30,
  maxMessageBytes: 10_000,
  productName: 'Supportal',
};

/** A pipeline context over inline fakes: only what this step reads is real. */
async function context(raw: string, o: { store?: Record<string, unknown>; deps?: Partial<IngestDeps>; mail?: Partial<InboundMail>; parse?: boolean } = {}): Promise<PipelineContext> {
  const bytes = Buffer.from(raw.replace(/\r?\n/g, '\r\n'), 'utf8');
  const parsed = o.parse === false ? null : await parseMail(bytes);
  const mail = { id: 'mail-1', receivedAt: '2026-11-26T10:00:00.000Z', channel: 'smtp', envelopeFrom: 'anna@kunde.example', envelopeTo: ['support@support.example.com'], remoteIp: '127.0.0.1', messageId: parsed?.messageId ?? null, sha256: '', size: bytes.length, duplicateOf: null, fromAddress: null, subject: null, status: 'received', reason: null, detail: null, caseId: null, caseNumber: null, scan: null, decisions: [], processedAt: null, processingMs: null, ...o.mail } as InboundMail;
  return {
    app: { store: o.store ?? {}, clock: { now: () => new Date('2026-11-26T10:00:00Z') }, mail: MAIL } as unknown as AppContext,
    deps: { parser: { parse: (r: Buffer) => parseMail(r) }, inspector: { inspect: async () => [] }, scanner: null, authenticator: null, policy: DEFAULT_ATTACHMENT_POLICY, sanitizeHtml: (h: string) => h, ...o.deps } as IngestDeps,
    mail,
    raw: bytes,
    parsed,
    sender: parsed?.from?.address ?? null,
    senderUser: null,
    auth: null,
    matched: null,
    files: [],
    scan: null,
    offendingFiles: [],
    decisions: [],
    notes: [],
  };
}

const mail = (headers: string, to = 'support@support.example.com', subject = 'Re: [Case #7] Export') => `From: anna@kunde.example
To: ${to}
Subject: ${subject}
Message-ID: <c1@client.example.org>
${headers}
Text.
`;

async function verdict(raw: string, envelopeTo?: string[]) {
  const v = await classifyStep.run(await context(raw, envelopeTo ? { mail: { envelopeTo } } : {}));
  return v.kind === 'terminal' ? [v.status, v.reason, v.notice] : v.kind;
}

describe('030-classify', () => {
  test('a normal reply continues', async () => {
    assert.equal(await verdict(mail('')), 'continue');
    assert.equal(await verdict(mail('Auto-Submitted: no\n')), 'continue');
  });

  test('L1/L5: RFC 3834 auto-replies, X-Autoreply, Precedence bulk and out-of-office subjects → ignored/auto_reply, no notice', async () => {
    for (const raw of [
      mail('Auto-Submitted: auto-replied\n'),
      mail('Auto-Submitted: auto-generated\n'),
      mail('X-Autoreply: yes\n'),
      mail('X-Autorespond: yes\n'),
      mail('Precedence: bulk\n'),
      mail('Precedence: junk\n'),
      mail('List-Id: <users.lists.example>\n'),
      mail('', 'support@support.example.com', 'Abwesenheitsnotiz: [Case #7] Export'),
      mail('', 'support@support.example.com', 'Out of Office: [Case #7] Export'),
    ]) {
      assert.deepEqual(await verdict(raw), ['ignored', 'auto_reply', false], raw.split('\n').slice(2, 6).join(' | '));
    }
  });

  test('L2: mail to the no-reply address only → ignored; copied to support as well → continue', async () => {
    assert.deepEqual(await verdict(mail('', 'no-reply@support.example.com'), ['no-reply@support.example.com']), ['ignored', 'auto_reply', false]);
    assert.equal(await verdict(mail('Cc: support@support.example.com\n', 'no-reply@support.example.com'), ['no-reply@support.example.com']), 'continue');
  });
});
