import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AppContext } from '../../context.js';
import type { InboundMail } from '../../../domain/records.js';
import type { IngestDeps } from '../ports.js';
import type { PipelineContext } from '../pipeline-context.js';
import { parseMail } from '../../../inbound/parse/mime-parser.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../../domain/attachment-policy.js';
import { attachmentsStep } from './090-attachments.js';
import { inspectAttachments } from '../../../inbound/attachments/inspect-attachments.js';
import { buildZip } from '../../../inbound/attachments/zip-writer.js';

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

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082', 'hex');

function withFiles(files: Array<{ name: string; type: string; content: Buffer }>): string {
  const parts = files.map((f) => `--b\nContent-Type: ${f.type}; name="${f.name}"\nContent-Disposition: attachment; filename="${f.name}"\nContent-Transfer-Encoding: base64\n\n${f.content.toString('base64')}\n`);
  return `From: anna@kunde.example\nTo: support@support.example.com\nSubject: Re: [Case #7] x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nAnbei.\n${parts.join('')}--b--\n`;
}

async function judge(files: Array<{ name: string; type: string; content: Buffer }>) {
  const p = await context(withFiles(files), { deps: { inspector: { inspect: (f, policy) => inspectAttachments(f, policy) } } });
  const v = await attachmentsStep.run(p);
  return { verdict: v.kind === 'terminal' ? `${v.status}/${v.reason}` : v.kind, files: p.offendingFiles };
}

describe('090-attachments', () => {
  test('an image and one ZIP → continue', async () => {
    const zip = buildZip([{ name: 'log.txt', data: Buffer.from('log') }]);
    assert.deepEqual(await judge([{ name: 'a.png', type: 'image/png', content: PNG }, { name: 'logs.zip', type: 'application/zip', content: zip }]), { verdict: 'continue', files: [] });
  });

  test('A2: a PDF, or HTML named .png → rejected/attachment_type naming the file', async () => {
    assert.deepEqual(await judge([{ name: 'bericht.pdf', type: 'application/pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') }]), { verdict: 'rejected/attachment_type', files: ['bericht.pdf'] });
    assert.deepEqual(await judge([{ name: 'bild.png', type: 'image/png', content: Buffer.from('<html><script>alert(1)</script></html>') }]), { verdict: 'rejected/attachment_type', files: ['bild.png'] });
  });

  test('A7: two ZIPs → rejected/too_many_archives', async () => {
    const zip = (n: string) => buildZip([{ name: `${n}.txt`, data: Buffer.from(n) }]);
    const r = await judge([{ name: 'a.zip', type: 'application/zip', content: zip('a') }, { name: 'b.zip', type: 'application/zip', content: zip('b') }]);
    assert.equal(r.verdict, 'rejected/too_many_archives');
    assert.deepEqual(r.files.sort(), ['a.zip', 'b.zip']);
  });

  test('A4: a ZIP with a traversal entry → rejected/bad_archive', async () => {
    const r = await judge([{ name: 'x.zip', type: 'application/zip', content: buildZip([{ name: '../../etc/cron.d/x', data: Buffer.from('x') }]) }]);
    assert.deepEqual(r, { verdict: 'rejected/bad_archive', files: ['x.zip'] });
  });
});
