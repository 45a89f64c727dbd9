import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AppContext } from '../../context.js';
import type { InboundMail } from '../../../domain/records.js';
import type { IngestDeps } from '../ports.js';
import type { PipelineContext } from '../pipeline-context.js';
import { parseMail } from '../../../inbound/parse/mime-parser.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../../domain/attachment-policy.js';
import { contentStep } from './080-content.js';

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

const head = 'From: anna@kunde.example\nTo: support@support.example.com\nSubject: Re: [Case #7] x\nMIME-Version: 1.0\n';

async function judge(raw: string) {
  const v = await contentStep.run(await context(raw));
  return v.kind === 'terminal' ? `${v.status}/${v.reason}` : v.kind;
}

describe('080-content', () => {
  test('plain text continues', async () => {
    assert.equal(await judge(`${head}Content-Type: text/plain\n\nHallo.\n`), 'continue');
  });

  test('PGP/MIME, inline PGP and S/MIME enveloped data → rejected/encrypted', async () => {
    assert.equal(await judge(`${head}Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=b\n\n--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--b\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\nhQEMA\n-----END PGP MESSAGE-----\n--b--\n`), 'rejected/encrypted');
    assert.equal(await judge(`${head}Content-Type: text/plain\n\n-----BEGIN PGP MESSAGE-----\nhQEMA\n-----END PGP MESSAGE-----\n`), 'rejected/encrypted');
    assert.equal(await judge(`${head}Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\nContent-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\n`), 'rejected/encrypted');
  });

  test('a signed mail is not encrypted', async () => {
    assert.equal(await judge(`${head}Content-Type: text/plain\n\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nHallo.\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n`), 'continue');
  });

  test('an Outlook Rich Text part that could not be decoded → rejected/rich_text; a decoded one is noted', async () => {
    const p = await context(`${head}Content-Type: text/plain\n\nx\n`);
    p.parsed = { ...p.parsed!, tnefFailed: true };
    const v = await contentStep.run(p);
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice], ['rejected', 'rich_text', true]);
    const ok = await context(`${head}Content-Type: text/plain\n\nx\n`);
    ok.parsed = { ...ok.parsed!, tnef: true };
    assert.deepEqual(await contentStep.run(ok), { kind: 'continue' });
    assert.deepEqual(ok.notes, ['Outlook Rich Text decoded']);
  });
});
