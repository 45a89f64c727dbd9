import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { sizeStep } from './035-size.js';
import { MAIL, context } from '../../../../test/support/pipeline-step.js';

describe('035-size', () => {
  const mail = (bytes: number) => `From: anna@kunde.example\nSubject: big\n\n${'x'.repeat(bytes)}\n`;

  test('within the limit → continue', async () => {
    assert.deepEqual(await sizeStep.run(await context(mail(100))), { kind: 'continue' });
  });

  test('a mailbox or pipe mail over the limit → quarantined/too_large with a notice', async () => {
    const v = await sizeStep.run(await context(mail(MAIL.maxMessageBytes), { mail: { channel: 'imap' } }));
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice], ['quarantined', 'too_large', true]);
    assert.match(v.kind === 'terminal' ? v.detail : '', /the limit is 10000/);
  });
});
