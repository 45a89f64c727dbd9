import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AppContext } from '../../context.js';
import type { InboundMail } from '../../../domain/records.js';
import type { IngestDeps } from '../ports.js';
import type { PipelineContext } from '../pipeline-context.js';
import { parseMail } from '../../../inbound/parse/mime-parser.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../../domain/attachment-policy.js';
import { authoriseSenderStep } from './060-authorise-sender.js';
import type { Case, User } from '../../../domain/records.js';

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

const CASE = { id: 'case-1', number: 7, status: 'open', customerId: 'u-anna', organisationId: 'org-kunde' } as Case;
const user = (id: string, email: string, o: Partial<User> = {}) => ({ id, email, name: email, role: 'customer', language: 'de', disabled: false, organisationId: 'org-kunde', ...o }) as User;
const USERS = [
  user('u-anna', 'anna@kunde.example'),
  user('u-carl', 'carl@kunde.example'),
  user('u-eve', 'eve@other.example', { organisationId: 'org-other' }),
  user('u-dora', 'dora@kunde.example', { disabled: true }),
  user('u-alex', 'alex@vendor.example', { role: 'agent', organisationId: 'org-kunde' }),
];
const store = {
  users: { findByEmail: async (e: string) => USERS.find((u) => u.email === e) ?? null },
  cases: { participants: async (id: string) => (id === CASE.id ? ['ext@partner.example'] : []) },
};

async function authorise(from: string, headers = '') {
  const p = await context(`From: ${from}\nTo: support@support.example.com\nSubject: Re: [Case #7] x\n${headers}\nText.\n`, { store });
  p.matched = { case: CASE, by: 'subject_token' };
  const v = await authoriseSenderStep.run(p);
  return v.kind === 'terminal' ? `${v.status}/${v.reason}` : v.kind;
}

describe('060-authorise-sender', () => {
  test('the customer, a colleague of the organisation and a copied address may write', async () => {
    assert.equal(await authorise('Anna <ANNA@kunde.example>'), 'continue');
    assert.equal(await authorise('carl@kunde.example'), 'continue');
    assert.equal(await authorise('ext@partner.example'), 'continue');
  });

  test('S1: a stranger, a customer of another organisation, a disabled user or an agent posing by mail → unknown_sender', async () => {
    assert.equal(await authorise('mallory@evil.example'), 'rejected/unknown_sender');
    assert.equal(await authorise('eve@other.example'), 'rejected/unknown_sender');
    assert.equal(await authorise('dora@kunde.example'), 'rejected/unknown_sender');
    assert.equal(await authorise('alex@vendor.example'), 'rejected/unknown_sender');
  });

  test('S3: Reply-To never decides identity', async () => {
    assert.equal(await authorise('mallory@evil.example', 'Reply-To: anna@kunde.example\n'), 'rejected/unknown_sender');
  });

  test('no From at all → unknown_sender', async () => {
    const p = await context('To: support@support.example.com\nSubject: x\n\nText.\n', { store });
    p.matched = { case: CASE, by: 'subject_token' };
    const v = await authoriseSenderStep.run(p);
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice], ['rejected', 'unknown_sender', true]);
  });
});
