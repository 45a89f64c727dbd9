import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { authoriseSenderStep } from './060-authorise-sender.js';
import type { Case, User } from '../../../domain/entities.js';
import { context } from '../../../../test/support/pipeline-step.js';

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
