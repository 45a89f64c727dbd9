import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { classifyStep } from './030-classify.js';
import { context } from '../../../../test/support/pipeline-step.js';

const mail = (headers: string, to = 'support@support.example.com', subject = 'Re: [Case #7] Export') => `From: anna@kunde.example
To: ${to}
Subject: ${subject}
Message-ID: <c1@client.example.org>
${headers}
Text.
`;

async function verdict(raw: string, envelopeTo?: string[]) {
  const v = await classifyStep.run(await context(raw, envelopeTo ? { mail: { envelopeTo } } : {}));
  return v.kind === 'terminal' ? [v.status, v.reason, v.notice] : v.kind;
}

describe('030-classify', () => {
  test('a normal reply continues', async () => {
    assert.equal(await verdict(mail('')), 'continue');
    assert.equal(await verdict(mail('Auto-Submitted: no\n')), 'continue');
  });

  test('L1/L5: RFC 3834 auto-replies, X-Autoreply, Precedence bulk and out-of-office subjects → ignored/auto_reply, no notice', async () => {
    for (const raw of [
      mail('Auto-Submitted: auto-replied\n'),
      mail('Auto-Submitted: auto-generated\n'),
      mail('X-Autoreply: yes\n'),
      mail('X-Autorespond: yes\n'),
      mail('Precedence: bulk\n'),
      mail('Precedence: junk\n'),
      mail('List-Id: <users.lists.example>\n'),
      mail('', 'support@support.example.com', 'Abwesenheitsnotiz: [Case #7] Export'),
      mail('', 'support@support.example.com', 'Out of Office: [Case #7] Export'),
    ]) {
      assert.deepEqual(await verdict(raw), ['ignored', 'auto_reply', false], raw.split('\n').slice(2, 6).join(' | '));
    }
  });

  test('L2: mail to the no-reply address only → ignored; copied to support as well → continue', async () => {
    assert.deepEqual(await verdict(mail('', 'no-reply@support.example.com'), ['no-reply@support.example.com']), ['ignored', 'auto_reply', false]);
    assert.equal(await verdict(mail('Cc: support@support.example.com\n', 'no-reply@support.example.com'), ['no-reply@support.example.com']), 'continue');
  });
});
