import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AppContext } from '../../context.js';
import type { InboundMail } from '../../../domain/records.js';
import type { IngestDeps } from '../ports.js';
import type { PipelineContext } from '../pipeline-context.js';
import { parseMail } from '../../../inbound/parse/mime-parser.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../../domain/attachment-policy.js';
import { deduplicateStep } from './025-deduplicate.js';

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

const head = `From: anna@kunde.example
To: support@support.example.com
Subject: Re: [Case #7] Export
Message-ID: <same@client.example.org>
`;

function storeWith(earlier: { id: string; raw: string; receivedAt: string } | null) {
  return {
    inbound: {
      findOriginalByMessageId: async (id: string, except: string) => (earlier && id === 'same@client.example.org' && except === 'mail-1' ? { id: earlier.id, sha256: 'x' } : null),
      raw: async () => (earlier ? Buffer.from(earlier.raw.replace(/\r?\n/g, '\r\n')) : null),
      findById: async () => (earlier ? { id: earlier.id, receivedAt: earlier.receivedAt } : null),
    },
  };
}

describe('025-deduplicate', () => {
  test('S6: same Message-ID and body as an earlier mail (other trace headers) → duplicate, no notice', async () => {
    const earlier = { id: 'mail-0', raw: `Received: by imap.example\n${head}\nDer Text.\n`, receivedAt: '2026-11-26T09:59:00.000Z' };
    const v = await deduplicateStep.run(await context(`${head}\nDer Text.\n`, { store: storeWith(earlier) }));
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice], ['duplicate', 'duplicate', false]);
    assert.match(v.kind === 'terminal' ? v.detail : '', /mail-0/);
  });

  test('same Message-ID with other content → continue, noted', async () => {
    const p = await context(`${head}\nAnderer Text.\n`, { store: storeWith({ id: 'mail-0', raw: `${head}\nDer Text.\n`, receivedAt: '2026-11-26T09:59:00.000Z' }) });
    assert.deepEqual(await deduplicateStep.run(p), { kind: 'continue' });
    assert.deepEqual(p.notes, ['Message-ID seen before with other content']);
  });

  test('a new Message-ID, or none → continue', async () => {
    assert.deepEqual(await deduplicateStep.run(await context(`${head}\nDer Text.\n`, { store: storeWith(null) })), { kind: 'continue' });
    assert.deepEqual(await deduplicateStep.run(await context(`${head.replace(/Message-ID:.*\n/, '')}\nDer Text.\n`, { store: storeWith(null) })), { kind: 'continue' });
  });
});
