import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { testedDialects } from '../support/databases.js';
import { Client, httpHarness, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';
import { pythonReply } from '../support/mail-builders.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { processInboundMail } from '../../src/app/ingest/run-pipeline.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';
import { addUser } from '../../src/app/users.js';
import { assignCase } from '../../src/app/portal/case-actions.js';

const SUPPORT = 'support@support.example.com';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

type Row = { number: number; status: string; assigneeId: string | null; customerName: string | null; organisationName: string | null; assigneeName: string | null; productName: string | null };

for (const dialect of testedDialects()) {
  describe(`the desk a newcomer meets on ${dialect}`, () => {
    let h: Harness;
    let w: World;
    const as: Record<'alice' | 'agent' | 'admin', Client> = {} as never;
    before(async () => {
      h = await httpHarness(dialect);
      w = await seedWorld(h);
      for (const name of ['alice', 'agent', 'admin'] as const) {
        as[name] = new Client(h.app);
        assert.equal((await as[name].login(w[name].email, PASSWORD)).statusCode, 200);
      }
    });
    after(async () => {
      await h.dispose();
      await closeParseWorkers();
    });

    test('the "to do" queue holds new and open cases plus my waiting ones, the tabs count each queue, and the rows carry names', async () => {
      const other = await addUser(h.ctx, { role: 'agent', email: 'otto@support.example', name: 'Otto Other', password: PASSWORD });
      // aliceCase waits for the customer after the agent's reply; assigned to the agent it is "mine".
      await assignCase(h.ctx, w.agent, w.aliceCase.number, { assigneeId: w.agent.id });
      const waitingOfOther = (await as.alice.request('POST', '/api/cases', { subject: 'Waits for Alice, Otto has it', body: 'x' })).json().case;
      await assignCase(h.ctx, w.admin, waitingOfOther.number, { assigneeId: other.id });
      await h.ctx.store.cases.update(waitingOfOther.id, { status: 'waiting_for_customer' });
      const r = await as.agent.request('GET', '/api/cases?queue=todo&counts=true');
      assert.equal(r.statusCode, 200, r.body);
      const { cases, counts } = r.json() as { cases: Row[]; counts: Record<string, number> };
      const numbers = cases.map((c) => c.number);
      assert.ok(numbers.includes(w.bobCase.number), 'a new case is to do');
      assert.ok(numbers.includes(w.aliceCase.number), 'my case waiting for the customer is to do');
      assert.ok(!numbers.includes(waitingOfOther.number), "someone else's waiting case is not");
      for (const queue of ['todo', 'new', 'open', 'waiting', 'mine', 'unassigned', 'all']) {
        const listed = (await as.agent.request('GET', `/api/cases?queue=${queue}&limit=500`)).json().cases.length;
        assert.equal(counts[queue], listed, `the ${queue} tab counts what its list shows`);
      }
      assert.ok(counts.new! > 0 && counts.open === 0, 'three new cases and none open: the desk must not open on "open"');
      const alice = cases.find((c) => c.number === w.aliceCase.number)!;
      assert.deepEqual([alice.customerName, alice.organisationName, alice.assigneeName], ['Alice', 'Acme', 'Agnes Agent']);
      assert.equal((await as.alice.request('GET', '/api/cases?counts=true')).json().counts, undefined, 'customers get no queue counts');
    });

    test('a phone case: assigned to the agent who took the call, its first message is their note, quoted as such in the reply', async () => {
      const opened = await as.agent.request('POST', '/api/cases', { customerEmail: w.alice.email, subject: 'Called about the printer', body: 'Customer says the printer smokes.' });
      assert.equal(opened.statusCode, 201, opened.body);
      const c = opened.json().case;
      assert.equal(c.assigneeId, w.agent.id);
      const d = (await as.agent.request('GET', `/api/cases/${c.number}`)).json();
      assert.equal(d.messages[0].source, 'phone');
      assert.equal(d.messages[0].authorName, 'Agnes Agent', 'noted on the phone by the agent, not written by the customer');
      const assigned = d.events.find((e: { kind: string }) => e.kind === 'assigned');
      assert.deepEqual([assigned.actorName, assigned.assigneeName], ['Agnes Agent', 'Agnes Agent']);
      assert.equal((await as.agent.request('POST', `/api/cases/${c.number}/replies`, { body: 'We send a new one.' })).statusCode, 201);
      const out = (await h.ctx.store.outbound.list({ caseId: c.id })).find((o) => o.kind === 'agent_reply')!;
      const mail = await simpleParser((await h.ctx.store.outbound.raw(out.id))!);
      assert.match(mail.text ?? '', /(noted on the phone by|am Telefon notiert von) Agnes Agent:\n> Customer says the printer smokes\./);
      assert.doesNotMatch(mail.text ?? '', /alice@acme\.example wrote:\n> Customer says/);
    });

    test('names everywhere: agent replies, notes and assignments name the person; a new portal case is announced as a new case', async () => {
      const d = (await as.agent.request('GET', `/api/cases/${w.aliceCase.number}`)).json();
      const reply = d.messages.find((m: { kind: string }) => m.kind === 'agent_reply');
      const note = d.messages.find((m: { kind: string }) => m.kind === 'internal_note');
      assert.equal(reply.authorName, 'Agnes Agent');
      assert.equal(note.authorName, 'Agnes Agent');
      const assigned = d.events.find((e: { kind: string }) => e.kind === 'assigned');
      assert.deepEqual([assigned.actorName, assigned.assigneeName], ['Agnes Agent', 'Agnes Agent']);
      const opened = (await as.alice.request('POST', '/api/cases', { subject: 'A brand-new question', body: 'Hello?' })).json().case;
      assert.equal((await as.alice.request('POST', `/api/cases/${opened.number}/replies`, { body: 'One more thing.' })).statusCode, 201);
      const n = (await as.agent.request('GET', '/api/notifications')).json().notifications as Array<{ kind: string; caseNumber: number; text: string; fromName: string }>;
      const mine = n.filter((x) => x.caseNumber === opened.number);
      assert.deepEqual(mine.map((x) => [x.kind, x.text]).sort(), [['case_opened', 'Hello?'], ['customer_reply', 'One more thing.']]);
      assert.ok(mine.every((x) => x.fromName === 'Alice'));
    });

    test('disabling yourself is refused with its own code', async () => {
      const r = await as.admin.request('POST', `/api/admin/users/${w.admin.id}/disable`, {});
      assert.equal(r.statusCode, 409);
      assert.equal(r.json().error.code ?? r.json().code, 'cannot_disable_self');
    });

    test('a refused PDF: the notice names the file and links the case, the portal names the file too; the preview equals the real notice', async () => {
      const deps = createIngestDeps(h.rt.config, {});
      const sent = (await h.ctx.store.outbound.list({ caseId: w.aliceCase.id })).find((o) => o.kind === 'agent_reply')!;
      const raw = pythonReply((await h.ctx.store.outbound.raw(sent.id))!, { from: w.alice.email, body: 'The log.', attachments: [{ filename: 'report.pdf', content: PDF, maintype: 'application', subtype: 'pdf' }] });
      const received = await receiveMail(h.ctx, { raw, channel: 'pipe', envelopeFrom: w.alice.email, envelopeTo: [SUPPORT] });
      const outcome = await processInboundMail(h.ctx, deps, received.mailId, null);
      assert.equal(outcome.reason, 'attachment_type');
      const notice = (await h.ctx.store.outbound.list({})).find((o) => o.kind === 'notice' && o.recipients.includes(w.alice.email))!;
      const real = await simpleParser((await h.ctx.store.outbound.raw(notice.id))!);
      const caseUrl = `https://portal.example.com/cases/${w.aliceCase.number}`;
      assert.match(real.text ?? '', /report\.pdf/);
      assert.ok((real.text ?? '').includes(caseUrl), 'the advice links the case itself');
      assert.match(real.html || '', new RegExp(`<a href="${caseUrl}"`), 'clickable in the HTML part');
      // The portal's e-mail replies page names the refused file and the case.
      const log = (await as.alice.request('GET', '/api/mails')).json();
      const entry = (log.mails ?? log).find((m: { id: string }) => m.id === received.mailId);
      assert.deepEqual(entry.refusedFiles, ['report.pdf']);
      assert.ok(entry.explanation.de.advice.includes(caseUrl));
      assert.equal(entry.detailParts, undefined, 'the processing notes are for staff');
      // The desk's mail log: the processing notes as codes with values, in German too.
      const staffLog = (await as.agent.request('GET', '/api/mails?limit=200')).json();
      const staffEntry = (staffLog.mails ?? staffLog).find((m: { id: string }) => m.id === received.mailId);
      const part = staffEntry.detailParts.find((p: { code: string }) => p.code === 'file_type');
      assert.deepEqual(part.params, { file: 'report.pdf', type: 'application/pdf' });
      assert.equal(part.text.de, 'report.pdf: Dateityp application/pdf ist nicht erlaubt');
      // The preview with its sample values, against the real notice with the same values put in.
      const lang = (real.subject ?? '').includes('Nicht verarbeitet') ? 'de' : 'en';
      const preview = (await as.admin.request('GET', `/api/admin/templates/notice/preview?lang=${lang}`)).json();
      const date = /(?:vom|of) (.+?) (?:mit dem Betreff|with the subject)/.exec(real.text ?? '')![1]!;
      const subject = /(?:Nicht verarbeitet|Not processed): (.*)$/.exec(real.subject ?? '')![1]!;
      const sample = /(?:Nicht verarbeitet|Not processed): (.*)$/.exec(preview.subject)![1]!;
      const sampleDate = /(?:vom|of) (.+?) (?:mit dem Betreff|with the subject)/.exec(preview.text)![1]!;
      const asSample = (s: string) => s.split(subject).join(sample).split(date).join(sampleDate).split('report.pdf').join('setup.exe').split(String(w.aliceCase.number)).join('10042');
      assert.equal(preview.subject, asSample(real.subject ?? ''), 'subject: [Case #…] prefix included');
      assert.equal(preview.text.trimEnd(), asSample(real.text ?? '').trimEnd(), 'text: the file line included');
    });
  });
}
