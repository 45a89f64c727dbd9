import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AppContext } from '../../context.js';
import type { InboundMail } from '../../../domain/records.js';
import type { IngestDeps } from '../ports.js';
import type { PipelineContext } from '../pipeline-context.js';
import { parseMail } from '../../../inbound/parse/mime-parser.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../../domain/attachment-policy.js';
import { parseStep } from './020-parse.js';

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

const REPLY = `From: Anna Kunde <Anna@Kunde.Example>
To: support@support.example.com
Subject: Re: [Case #7] Export
Message-ID: <a1@client.example.org>

Danke.
`;

describe('020-parse', () => {
  test('a readable mail continues; the sender is From, lower-cased', async () => {
    const p = await context(REPLY, { parse: false });
    assert.deepEqual(await parseStep.run(p), { kind: 'continue' });
    assert.equal(p.sender, 'anna@kunde.example');
    assert.equal(p.parsed?.subject, 'Re: [Case #7] Export');
  });

  test('L4: 101 Received headers → ignored/loop without notice; 100 are fine', async () => {
    const hops = (n: number) => Array.from({ length: n }, (_, i) => `Received: from a${i}.example by b${i}.example; Thu, 26 Nov 2026 10:00:00 +0100`).join('\n');
    const loop = await parseStep.run(await context(`${hops(101)}\n${REPLY}`, { parse: false }));
    assert.equal(loop.kind, 'terminal');
    assert.deepEqual(loop.kind === 'terminal' && [loop.status, loop.reason, loop.notice], ['ignored', 'loop', false]);
    assert.deepEqual(await parseStep.run(await context(`${hops(100)}\n${REPLY}`, { parse: false })), { kind: 'continue' });
  });

  test('over a parse bound → quarantined/malformed without notice', async () => {
    const to = Array.from({ length: 1001 }, (_, i) => `u${i}@kunde.example`).join(', ');
    const v = await parseStep.run(await context(REPLY.replace('To: support@support.example.com', `To: ${to}`), { parse: false }));
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice], ['quarantined', 'malformed', false]);
  });

  test('a parser fault of our own is thrown (the mail is deferred, not judged)', async () => {
    const p = await context(REPLY, { parse: false, deps: { parser: { parse: () => Promise.reject(new Error('worker died')) } } });
    await assert.rejects(parseStep.run(p), /worker died/);
  });
});
