import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { authoriseSenderStep } from './060-authorise-sender.js';
import type { Case, User } from '../../../domain/entities.js';
import { context } from '../../../../test/support/pipeline-step.js';
import type { SenderAuthResult, UnverifiedSenderPolicy } from '../ports.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../../domain/attachment-policy.js';

const CASE = { id: 'case-1', number: 7, status: 'open', customerId: 'u-anna', organisationId: 'org-kunde' } as Case;
const user = (id: string, email: string, o: Partial<User> = {}) => ({ id, email, name: email, role: 'customer', language: 'de', disabled: false, organisationId: 'org-kunde', orgAdmin: false, ...o }) as User;
const USERS = [
  user('u-anna', 'anna@kunde.example'),
  user('u-carl', 'carl@kunde.example'),
  user('u-olga', 'olga@kunde.example', { orgAdmin: true }),
  user('u-ivan', 'ivan@other.example', { organisationId: 'org-other', orgAdmin: true }),
  user('u-eve', 'eve@other.example', { organisationId: 'org-other' }),
  user('u-dora', 'dora@kunde.example', { disabled: true }),
  user('u-alex', 'alex@vendor.example', { role: 'agent', organisationId: 'org-kunde' }),
];
const store = {
  users: { findByEmail: async (e: string) => USERS.find((u) => u.email === e) ?? null },
  cases: { participants: async (id: string) => (id === CASE.id ? ['ext@partner.example'] : []) },
};

async function authorise(from: string, headers = '', o: { auth?: SenderAuthResult; policy?: UnverifiedSenderPolicy; released?: boolean } = {}) {
  const settings = o.policy ? { current: async () => ({ policy: DEFAULT_ATTACHMENT_POLICY, maxMessageBytes: 10_000, unverifiedSender: o.policy }) } : undefined;
  const p = await context(`From: ${from}\nTo: support@support.example.com\nSubject: Re: [Case #7] x\n${headers}\nText.\n`, { store, deps: settings ? { settings } : {} });
  p.matched = { case: CASE, by: 'subject_token' };
  p.auth = o.auth ?? null;
  p.released = o.released;
  const v = await authoriseSenderStep.run(p);
  const verdict = v.kind === 'terminal' ? `${v.status}/${v.reason}` : v.kind;
  return p.markSenderUnverified ? `${verdict}+marked` : verdict;
}

const UNVERIFIED: SenderAuthResult = { spf: 'none', dkim: 'none', dmarc: 'none', dmarcFailed: false, authenticated: false, spfAligned: false, dkimAligned: false };
const VERIFIED: SenderAuthResult = { spf: 'pass', dkim: 'none', dmarc: 'none', dmarcFailed: false, authenticated: true, spfAligned: true, dkimAligned: false };

describe('060-authorise-sender', () => {
  test('the customer, the admin of its organisation and a copied address may write', async () => {
    assert.equal(await authorise('Anna <ANNA@kunde.example>'), 'continue');
    assert.equal(await authorise('olga@kunde.example'), 'continue');
    assert.equal(await authorise('ext@partner.example'), 'continue');
  });

  test('RELIABILITY E7: a colleague who is not the organisation admin gets 404 in the portal, and is refused by mail too', async () => {
    assert.equal(await authorise('carl@kunde.example'), 'rejected/unknown_sender');
    const p = await context('From: carl@kunde.example\nTo: support@support.example.com\nSubject: Re: [Case #7] x\n\nText.\n', { store });
    p.matched = { case: CASE, by: 'subject_token' };
    const v = await authoriseSenderStep.run(p);
    assert.match(v.kind === 'terminal' ? v.detail : '', /colleague .* neither its customer nor the organisation's admin/);
    assert.equal(await authorise('ivan@other.example'), 'rejected/unknown_sender', "another organisation's admin");
  });

  test("RELIABILITY E4: an unverified From is treated as the installation's setting says (default: accept and mark)", async () => {
    assert.equal(await authorise('anna@kunde.example', '', { auth: UNVERIFIED }), 'continue+marked', 'default without a settings source');
    assert.equal(await authorise('anna@kunde.example', '', { auth: UNVERIFIED, policy: 'mark' }), 'continue+marked');
    assert.equal(await authorise('anna@kunde.example', '', { auth: UNVERIFIED, policy: 'accept' }), 'continue');
    assert.equal(await authorise('anna@kunde.example', '', { auth: UNVERIFIED, policy: 'hold' }), 'quarantined/auth_failed');
    assert.equal(await authorise('anna@kunde.example', '', { auth: UNVERIFIED, policy: 'hold', released: true }), 'continue+marked', 'an agent released it: added, still marked');
    assert.equal(await authorise('anna@kunde.example', '', { auth: VERIFIED, policy: 'hold' }), 'continue', 'verified: nothing to hold');
    assert.equal(await authorise('anna@kunde.example', '', { policy: 'hold' }), 'continue', 'not checked (mailbox, pipe): nothing to judge');
    assert.equal(await authorise('mallory@evil.example', '', { auth: UNVERIFIED, policy: 'hold' }), 'rejected/unknown_sender', 'a stranger is refused, not held');
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
