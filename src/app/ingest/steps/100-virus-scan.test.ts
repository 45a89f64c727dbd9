import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AppContext } from '../../context.js';
import type { InboundMail } from '../../../domain/records.js';
import type { IngestDeps } from '../ports.js';
import type { PipelineContext } from '../pipeline-context.js';
import { parseMail } from '../../../inbound/parse/mime-parser.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../../domain/attachment-policy.js';
import { virusScanStep } from './100-virus-scan.js';
import { DeferError, type ScanResult, type VirusScanner } from '../ports.js';

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

const RAW = `From: anna@kunde.example
To: support@support.example.com
Subject: Re: [Case #7] x
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

Anbei.
--b
Content-Type: image/png; name="a.png"
Content-Disposition: attachment; filename="a.png"
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--b
Content-Type: image/png; name="b.png"
Content-Disposition: attachment; filename="b.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoA
--b--
`;

function scanner(results: ScanResult[]): VirusScanner & { calls: number } {
  const s = { calls: 0, scan: async () => results[s.calls++] ?? { status: 'clean' as const } };
  return s;
}

describe('100-virus-scan', () => {
  test('every attachment clean → continue, scan "clean"', async () => {
    const s = scanner([{ status: 'clean' }, { status: 'clean' }]);
    const p = await context(RAW, { deps: { scanner: s } });
    assert.deepEqual(await virusScanStep.run(p), { kind: 'continue' });
    assert.equal(p.scan, 'clean');
    assert.equal(s.calls, 2);
  });

  test('A9: an infected file → quarantined/virus with a notice naming the file', async () => {
    const p = await context(RAW, { deps: { scanner: scanner([{ status: 'clean' }, { status: 'infected', signature: 'Eicar-Test-Signature' }]) } });
    const v = await virusScanStep.run(p);
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice, v.detail], ['quarantined', 'virus', true, 'b.png: Eicar-Test-Signature']);
    assert.deepEqual(p.offendingFiles, ['b.png']);
    assert.notEqual(p.scan, 'clean');
  });

  test('A8/A10: a scan error (clamd down, size limit) → DeferError scan_unavailable, never clean', async () => {
    const p = await context(RAW, { deps: { scanner: scanner([{ status: 'error', detail: 'connect ECONNREFUSED' }]) } });
    await assert.rejects(virusScanStep.run(p), (e: unknown) => e instanceof DeferError && e.reason === 'scan_unavailable' && /ECONNREFUSED/.test(e.message));
    assert.equal(p.scan, null);
  });

  test('no scanner configured → continue, "not scanned" noted', async () => {
    const p = await context(RAW);
    assert.deepEqual(await virusScanStep.run(p), { kind: 'continue' });
    assert.equal(p.scan, 'not_scanned');
    assert.match(p.notes.join(), /not scanned/);
  });
});
