import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { caseStateStep } from './070-case-state.js';
import { CASE_STATUSES } from '../../../domain/case.js';
import type { Case } from '../../../domain/entities.js';
import { context } from '../../../../test/support/pipeline-step.js';

describe('070-case-state', () => {
  for (const status of CASE_STATUSES) {
    test(`a ${status} case ${status === 'closed' ? 'rejects with case_closed' : 'takes the reply'}`, async () => {
      const p = await context('From: anna@kunde.example\nSubject: Re: [Case #7] x\n\nText.\n');
      p.matched = { case: { id: 'c', number: 7, status } as Case, by: 'subject_token' };
      const v = await caseStateStep.run(p);
      if (status === 'closed') assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice], ['rejected', 'case_closed', true]);
      else assert.deepEqual(v, { kind: 'continue' });
    });
  }
});
