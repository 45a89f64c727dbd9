import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { matchCaseStep } from './050-match-case.js';
import { makeCaseMessageId, makePlusAddress } from '../../../domain/thread-tokens.js';
import type { Case } from '../../../domain/entities.js';
import { MAIL, context } from '../../../../test/support/pipeline-step.js';

const CASE = { id: 'case-10042', number: 10042, subject: 'Export', status: 'open' } as Case;
const store = { cases: { findByNumber: async (n: number) => (n === CASE.number ? CASE : null) } };

function mail(o: { subject: string; headers?: string; to?: string }) {
  return `From: anna@kunde.example
To: ${o.to ?? 'support@support.example.com'}
Subject: ${o.subject}
Message-ID: <m@client.example.org>
${o.headers ?? ''}
Text.
`;
}

async function match(raw: string, envelopeTo?: string[]) {
  const p = await context(raw, { store, ...(envelopeTo ? { mail: { envelopeTo } } : {}) });
  const v = await matchCaseStep.run(p);
  return v.kind === 'continue' ? p.matched?.by ?? 'continue without match' : v.kind === 'terminal' ? `${v.status}/${v.reason}` : v.kind;
}

describe('050-match-case', () => {
  const prefixes = ['', 'Re: ', 'RE: ', 'AW: ', 'Aw: ', 'WG: ', 'Fwd: ', 'FW: ', 'SV: ', 'VS: ', 'Re[2]: ', 'AW: WG: Re: ', 'Antw: ', 'TR: '];
  for (const prefix of prefixes) {
    test(`subject token after "${prefix}" → matched by subject token`, async () => {
      assert.equal(await match(mail({ subject: `${prefix}[Case #10042] Export` })), 'subject_token');
    });
  }

  test('the token in any position, with the German label or extra spaces', async () => {
    assert.equal(await match(mail({ subject: 'AW: Export [Case #10042]' })), 'subject_token');
    assert.equal(await match(mail({ subject: 'SV: [Fall # 10042] Export' })), 'subject_token');
  });

  test('a Message-ID we issued, in In-Reply-To or References, wins over a changed subject', async () => {
    const id = makeCaseMessageId(MAIL.secret, 10042, MAIL.mailDomain);
    assert.equal(await match(mail({ subject: 'Ganz neuer Betreff', headers: `In-Reply-To: <${id}>\n` })), 'message_id');
    assert.equal(await match(mail({ subject: 'WG: anders', headers: `References: <x@elsewhere.example> <${id}>\n` })), 'message_id');
  });

  test('S2: a forged Message-ID (wrong MAC) or one of another domain does not match', async () => {
    const id = makeCaseMessageId('another-secret-another-secret-0123', 10042, MAIL.mailDomain);
    assert.equal(await match(mail({ subject: 'Re: hallo', headers: `In-Reply-To: <${id}>\n` })), 'rejected/no_case_reference');
    const foreign = makeCaseMessageId(MAIL.secret, 10042, 'other.example');
    assert.equal(await match(mail({ subject: 'Re: hallo', headers: `In-Reply-To: <${foreign}>\n` })), 'rejected/no_case_reference');
  });

  test('a verified plus address matches; a guessed one does not', async () => {
    const plus = makePlusAddress(MAIL.secret, MAIL.supportAddress, 10042);
    assert.equal(await match(mail({ subject: 'ohne Token', to: plus }), [plus]), 'plus_address');
    assert.equal(await match(mail({ subject: 'ohne Token', to: 'support+10042-aaaaaaaa@support.example.com' }), ['support+10042-aaaaaaaa@support.example.com']), 'rejected/no_case_reference');
  });

  test('nothing found, or a token naming no case → rejected/no_case_reference with a notice', async () => {
    const p = await context(mail({ subject: 'Re: [Case #99999] Export' }), { store });
    const v = await matchCaseStep.run(p);
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice], ['rejected', 'no_case_reference', true]);
    assert.match(v.kind === 'terminal' ? v.detail : '', /99999, which does not exist/);
    assert.equal(await match(mail({ subject: 'Re: Export' })), 'rejected/no_case_reference');
  });
});
