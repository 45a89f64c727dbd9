// An HTML reply through the whole inbound pipeline: the case message keeps what the customer
// wrote, in the text everyone sees and in the HTML, and the history goes to the quoted part.
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

/** A reply as Outlook 365 (German) writes it: HTML only, the header block in MsoNormal paragraphs. */
function outlookHtmlReply(inReplyTo: string, alternativeText: string | null): Buffer {
  const html = `<html><body lang="DE"><div class="WordSection1"><p class="MsoNormal">Danke, mit der neuen Version geht es.<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>Von:</b> Support &lt;support@support.example.com&gt;<br><b>Gesendet:</b> Dienstag, 12. März 2024 10:15<br><b>An:</b> Kim &lt;kim@example.org&gt;<br><b>Betreff:</b> Ihre Anfrage<o:p></o:p></p></div><p class="MsoNormal">Bitte installieren Sie die neue Version.<o:p></o:p></p></div></body></html>`;
  const head = [
    'From: Kim <kim@example.org>',
    'To: support@support.example.com',
    'Subject: AW: Ihre Anfrage',
    'Date: Tue, 12 Mar 2024 11:00:00 +0100',
    `Message-ID: <${Math.random().toString(36).slice(2)}@client.example.org>`,
    `In-Reply-To: <${inReplyTo}>`,
    'MIME-Version: 1.0',
  ];
  const parts =
    alternativeText === null
      ? [...head, 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', html]
      : [
          ...head,
          'Content-Type: multipart/alternative; boundary="b1"',
          '',
          '--b1',
          'Content-Type: text/plain; charset=utf-8',
          'Content-Transfer-Encoding: 8bit',
          '',
          alternativeText,
          '--b1',
          'Content-Type: text/html; charset=utf-8',
          'Content-Transfer-Encoding: 8bit',
          '',
          html,
          '--b1--',
        ];
  return Buffer.from(parts.join('\r\n') + '\r\n', 'utf8');
}

for (const dialect of testedDialects()) {
  describe(`ingest of HTML replies on ${dialect}`, () => {
    let rt: TestRuntime;
    let replyTo: string;
    let caseNumber: number;
    before(async () => {
      rt = await testRuntime(dialect);
      await addUser(rt.ctx, { role: 'customer', email: 'kim@example.org', name: 'Kim', lang: 'de' });
      await addUser(rt.ctx, { role: 'agent', email: 'agent@vendor.example', name: 'Agent' });
      caseNumber = (await openCase(rt.ctx, { customer: 'kim@example.org', subject: 'Ihre Anfrage', body: 'x' })).number;
      replyTo = (await addAgentReply(rt.ctx, { caseNumber, agent: 'agent@vendor.example', body: 'Bitte installieren Sie die neue Version.' })).messageId;
    });
    after(async () => {
      await closeParseWorkers();
      await rt.dispose();
    });

    async function ingest(raw: Buffer) {
      const received = await receiveMail(rt.ctx, { raw, channel: 'pipe', envelopeFrom: 'kim@example.org', envelopeTo: ['support@support.example.com'] });
      const outcome = await processInboundMail(rt.ctx, createIngestDeps(rt.config), received.mailId, null);
      assert.equal(outcome.status, 'accepted', outcome.detail ?? '');
      assert.equal(outcome.caseNumber, caseNumber);
      const message = await rt.ctx.store.messages.findById(outcome.accepted!.messageId);
      assert.ok(message);
      return message;
    }

    for (const [name, alternative] of [
      ['HTML only', null],
      // The text part as Outlook writes it, with the header block in plain lines.
      ['text and HTML', 'Danke, mit der neuen Version geht es.\r\n\r\nVon: Support <support@support.example.com>\r\nGesendet: Dienstag, 12. März 2024 10:15\r\nAn: Kim <kim@example.org>\r\nBetreff: Ihre Anfrage\r\n\r\nBitte installieren Sie die neue Version.'],
    ] as const) {
      test(`Outlook (${name}): the message shows the reply, the header block and history are quoted`, async () => {
        const message = await ingest(outlookHtmlReply(replyTo, alternative));
        assert.equal(message.bodyText, 'Danke, mit der neuen Version geht es.');
        assert.ok(message.bodyHtml?.includes('Danke, mit der neuen Version geht es.'), message.bodyHtml ?? '');
        assert.ok(!message.bodyHtml?.includes('Bitte installieren'), message.bodyHtml ?? '');
        assert.ok(!message.bodyHtml?.includes('Gesendet'), message.bodyHtml ?? '');
        assert.match(message.quotedText ?? '', /^Von: Support/);
        assert.ok(message.quotedText?.includes('Bitte installieren Sie die neue Version.'));
      });
    }
  });
}
