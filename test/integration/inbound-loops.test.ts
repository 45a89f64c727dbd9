import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects } from '../support/databases.js';
import { testRuntime, type TestRuntime } from '../support/runtime.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { processInboundMail } from '../../src/app/ingest/run-pipeline.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';
import { plainMail } from '../support/mail-builders.js';

for (const dialect of testedDialects()) {
  describe(`loops and third parties on ${dialect}`, () => {
    let rt: TestRuntime;
    let caseNumber: number;
    let agentMessageId: string;
    const ingest = async (raw: Buffer, envelopeFrom: string) => {
      const r = await receiveMail(rt.ctx, { raw, channel: 'pipe', envelopeFrom, envelopeTo: ['support@support.example.com'] });
      return processInboundMail(rt.ctx, createIngestDeps(rt.config), r.mailId, null);
    };
    before(async () => {
      rt = await testRuntime(dialect, { SUPPORTAL_AUTO_MAILS_PER_SENDER_PER_HOUR: '3' });
      await addUser(rt.ctx, { role: 'customer', email: 'anna@kunde.example', name: 'Anna', org: 'Kunde GmbH', lang: 'de' });
      await addUser(rt.ctx, { role: 'customer', email: 'robot@helpdesk.example', name: 'Other helpdesk', lang: 'en' });
      await addUser(rt.ctx, { role: 'agent', email: 'agent@vendor.example', name: 'Agent' });
      caseNumber = (await openCase(rt.ctx, { customer: 'anna@kunde.example', subject: 'Export', body: 'x' })).number;
      agentMessageId = (await addAgentReply(rt.ctx, { caseNumber, agent: 'agent@vendor.example', body: 'Antwort' })).messageId;
    });
    after(async () => {
      await closeParseWorkers();
      await rt.dispose();
    });

    test('L6: another helpdesk ping-ponging without auto headers gets at most the hourly cap of notices', async () => {
      const outcomes = [];
      for (let i = 0; i < 6; i++) {
        outcomes.push(await ingest(plainMail({ from: 'robot@helpdesk.example', to: 'support@support.example.com', subject: `Ticket ${i} received`, body: 'We got your mail.' }), 'robot@helpdesk.example'));
      }
      assert.ok(outcomes.every((o) => o.status === 'rejected' && o.reason === 'no_case_reference'));
      assert.deepEqual(outcomes.map((o) => o.replyQueued), ['notice', 'notice', 'notice', null, null, null]);
      const suppressed = await rt.ctx.store.inbound.findById(outcomes[5]!.mailId);
      assert.match(suppressed?.detail ?? '', /loop breaker/);
    });

    test('S5: a third party copied on a customer mail cannot join the case by replying to all', async () => {
      const withCc = plainMail({ from: 'anna@kunde.example', to: 'support@support.example.com', subject: `AW: [Case #${caseNumber}] Export`, body: 'Mit Kollege von extern in Kopie.', headers: { Cc: 'partner@extern.example', 'In-Reply-To': `<${agentMessageId}>` } });
      const accepted = await ingest(withCc, 'anna@kunde.example');
      assert.equal(accepted.status, 'accepted');
      const receipt = (await rt.ctx.store.outbound.list({})).find((o) => o.inboundMailId === accepted.mailId)!;
      assert.deepEqual(receipt.recipients, ['anna@kunde.example'], 'the receipt goes to the author only, not to the Cc');
      const c = (await rt.ctx.store.cases.findByNumber(caseNumber))!;
      assert.deepEqual(await rt.ctx.store.cases.participants(c.id), [], 'nobody is added to the case by being copied');
      const replyAll = plainMail({ from: 'partner@extern.example', to: 'support@support.example.com', subject: `Re: AW: [Case #${caseNumber}] Export`, body: 'Ich will mitlesen.', headers: { Cc: 'anna@kunde.example', 'In-Reply-To': `<${agentMessageId}>` } });
      const refused = await ingest(replyAll, 'partner@extern.example');
      assert.deepEqual([refused.status, refused.reason], ['rejected', 'unknown_sender']);
      const messages = await rt.ctx.store.messages.listByCase(c.id);
      assert.ok(!messages.some((m) => m.bodyText.includes('mitlesen')));
    });
  });
}
