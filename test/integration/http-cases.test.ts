import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects } from '../support/databases.js';
import { Client, httpHarness, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';

for (const dialect of testedDialects()) {
  describe(`HTTP cases, mails and admin on ${dialect}`, () => {
    let h: Harness;
    let w: World;
    const as: Record<'alice' | 'anna' | 'bob' | 'agent' | 'admin', Client> = {} as never;
    before(async () => {
      h = await httpHarness(dialect);
      w = await seedWorld(h);
      for (const name of ['alice', 'anna', 'bob', 'agent', 'admin'] as const) {
        as[name] = new Client(h.app);
        assert.equal((await as[name].login(w[name].email, PASSWORD)).statusCode, 200);
      }
    });
    after(async () => h.dispose());

    const numbers = (res: { json(): unknown }) => (res.json() as { cases: Array<{ number: number }> }).cases.map((c) => c.number).sort();

    test('case lists: a customer sees their own, an organisation admin the organisation\'s, staff all', async () => {
      assert.deepEqual(numbers(await as.alice.request('GET', '/api/cases')), [w.aliceCase.number]);
      assert.deepEqual(numbers(await as.bob.request('GET', '/api/cases')), [w.bobCase.number]);
      assert.deepEqual(numbers(await as.anna.request('GET', '/api/cases')), [w.aliceCase.number]);
      assert.deepEqual(numbers(await as.agent.request('GET', '/api/cases')), [w.aliceCase.number, w.bobCase.number].sort());
    });

    test('staff queues and the search over subjects and messages; customers never find internal notes', async () => {
      assert.deepEqual(numbers(await as.agent.request('GET', '/api/cases?queue=new')), [w.bobCase.number]);
      assert.deepEqual(numbers(await as.agent.request('GET', '/api/cases?queue=waiting')), [w.aliceCase.number]);
      assert.deepEqual(numbers(await as.agent.request('GET', '/api/cases?queue=unassigned')), [w.aliceCase.number, w.bobCase.number].sort());
      assert.deepEqual(numbers(await as.agent.request('GET', '/api/cases?queue=mine')), []);
      assert.deepEqual(numbers(await as.agent.request('GET', '/api/cases?q=it%20SMOKES')), [w.aliceCase.number], 'message text, any case');
      assert.deepEqual(numbers(await as.agent.request('GET', '/api/cases?q=globex')), [w.bobCase.number], 'subject');
      assert.deepEqual(numbers(await as.agent.request('GET', '/api/cases?q=grumpy')), [w.aliceCase.number], 'staff find notes');
      assert.deepEqual(numbers(await as.alice.request('GET', '/api/cases?q=grumpy')), [], 'customers do not');
      assert.deepEqual(numbers(await as.agent.request('GET', '/api/cases?q=%25')), [], '% is literal');
      assert.equal((await as.agent.request('GET', '/api/cases?queue=bogus')).statusCode, 400);
    });

    test('case detail: customers see no internal notes and none of their files', async () => {
      const mine = (await as.alice.request('GET', `/api/cases/${w.aliceCase.number}`)).json();
      assert.equal(mine.case.number, w.aliceCase.number);
      assert.ok(mine.messages.some((m: { bodyText: string }) => m.bodyText.includes('MARKER-A-BODY')));
      assert.ok(!JSON.stringify(mine).includes('MARKER-A-NOTE'));
      assert.deepEqual(mine.attachments.map((a: { filename: string }) => a.filename), ['MARKER-A-FILE.txt']);
      assert.equal((await as.alice.request('GET', `/api/attachments/${w.noteAttachmentId}`)).statusCode, 404);
      const staff = (await as.agent.request('GET', `/api/cases/${w.aliceCase.number}`)).json();
      assert.ok(staff.messages.some((m: { kind: string }) => m.kind === 'internal_note'));
      assert.equal(staff.attachments.length, 2);
    });

    test('W12: attachments download with attachment disposition, nosniff and a sandbox CSP', async () => {
      const res = await as.alice.request('GET', `/api/attachments/${w.attachmentId}`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.body, 'MARKER-A-CONTENT');
      assert.equal(res.headers['content-disposition'], `attachment; filename="MARKER-A-FILE.txt"; filename*=UTF-8''MARKER-A-FILE.txt`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['content-security-policy'], 'sandbox');
      assert.equal(res.headers['content-type'], 'application/octet-stream');
    });

    test('a customer reply reopens a waiting case; a closed case takes no reply until reopened', async () => {
      const n = w.aliceCase.number;
      assert.equal((await h.ctx.store.cases.findByNumber(n))!.status, 'waiting_for_customer');
      assert.equal((await as.alice.request('POST', `/api/cases/${n}/replies`, { body: 'Still smoking.' })).statusCode, 201);
      assert.equal((await h.ctx.store.cases.findByNumber(n))!.status, 'open');
      assert.equal((await as.alice.request('POST', `/api/cases/${n}/close`)).json().case.status, 'closed');
      const refused = await as.alice.request('POST', `/api/cases/${n}/replies`, { body: 'one more' });
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.json().error.code, 'case_closed');
      assert.equal((await as.alice.request('POST', `/api/cases/${n}/reopen`)).json().case.status, 'open');
      assert.equal((await as.alice.request('POST', `/api/cases/${n}/reopen`)).json().error.code, 'case_not_closed');
    });

    test('staff: agent reply queues the mail, notes are not mailed, assign, outbound list', async () => {
      const n = w.bobCase.number;
      const before = (await h.ctx.store.outbound.list({ caseId: w.bobCase.id })).length;
      assert.equal((await as.agent.request('POST', `/api/cases/${n}/replies`, { body: 'Here is how.' })).statusCode, 201);
      assert.equal((await as.agent.request('POST', `/api/cases/${n}/notes`, { body: 'internal only' })).statusCode, 201);
      const out = (await as.agent.request('GET', `/api/cases/${n}/outbound`)).json().mails as Array<{ kind: string; recipients: string[] }>;
      assert.equal(out.length, before + 1);
      assert.equal(out[0]!.kind, 'agent_reply');
      assert.deepEqual(out[0]!.recipients, [w.bob.email]);
      assert.equal((await h.ctx.store.cases.findByNumber(n))!.status, 'waiting_for_customer');
      const assigned = await as.agent.request('POST', `/api/cases/${n}/assign`, { assigneeId: w.agent.id });
      assert.equal(assigned.json().case.assigneeId, w.agent.id);
      assert.deepEqual(numbers(await as.agent.request('GET', '/api/cases?queue=mine')), [n]);
      assert.equal((await as.agent.request('POST', `/api/cases/${n}/assign`, { assigneeId: w.bob.id })).statusCode, 400, 'only agents take cases');
      assert.equal((await as.bob.request('POST', `/api/cases/${n}/notes`, { body: 'x' })).statusCode, 403);
    });

    test('opening cases: customers for themselves, staff a phone case by address', async () => {
      const mine = await as.bob.request('POST', '/api/cases', { subject: 'New thing', body: 'Details' });
      assert.equal(mine.statusCode, 201);
      assert.equal(mine.json().case.channel, 'portal');
      assert.equal(mine.json().case.customerId, w.bob.id);
      assert.equal((await as.bob.request('POST', '/api/cases', { subject: 'x', body: 'y', customerEmail: w.alice.email })).statusCode, 403);
      assert.equal((await as.bob.request('POST', '/api/cases', { subject: 'no body' })).statusCode, 400);
      const phone = await as.agent.request('POST', '/api/cases', { subject: 'Phoned in', body: 'Called at 10', customerEmail: w.alice.email });
      assert.equal(phone.statusCode, 201, phone.body);
      assert.equal(phone.json().case.channel, 'phone');
      assert.equal(phone.json().case.customerId, w.alice.id);
      assert.equal((await as.agent.request('POST', '/api/cases', { subject: 'x', body: 'y' })).statusCode, 400, 'staff name the customer');
    });

    test('L3: staff see at the case that the customer address bounces; the customer does not', async () => {
      await h.rt.ctx.store.users.update(w.alice.id, { mailFailing: { since: new Date().toISOString(), reason: '5.1.1 user unknown' } });
      try {
        const staffView = (await as.agent.request('GET', `/api/cases/${w.aliceCase.number}`)).json();
        assert.deepEqual(staffView.customer.mailFailing?.reason, '5.1.1 user unknown');
        const ownView = (await as.alice.request('GET', `/api/cases/${w.aliceCase.number}`)).json();
        assert.equal(ownView.customer.mailFailing, undefined);
      } finally {
        await h.rt.ctx.store.users.update(w.alice.id, { mailFailing: null });
      }
    });

    test('mail log: a customer sees their own mails; staff filter by status and reason', async () => {
      const alice = (await as.alice.request('GET', '/api/mails')).json().mails as Array<{ id: string; caseNumber: number | null; decisions?: unknown }>;
      assert.deepEqual(alice.map((m) => m.id), [w.aliceMailId]);
      assert.equal(alice[0]!.caseNumber, w.aliceCase.number);
      assert.equal(alice[0]!.decisions, undefined, 'pipeline internals are for staff');
      assert.equal((await as.alice.request('GET', `/api/mails/${w.bobMailId}`)).statusCode, 404);
      const rejected = (await as.agent.request('GET', '/api/mails?status=rejected')).json().mails as Array<{ id: string }>;
      assert.deepEqual(rejected.map((m) => m.id), [w.bobMailId]);
      assert.deepEqual(((await as.agent.request('GET', '/api/mails?reason=case_closed')).json().mails as Array<{ id: string }>).map((m) => m.id), [w.bobMailId]);
      const bobs = (await as.bob.request('GET', `/api/mails/${w.bobMailId}`)).json();
      const bobMail = (bobs.mail ?? bobs) as { explanation: Record<string, { text: string; advice: string }>; detail?: unknown };
      assert.match(bobMail.explanation.de!.text, /Der Fall ist geschlossen/);
      assert.match(bobMail.explanation.en!.advice, /Reopen the case in the portal/);
      assert.equal(bobMail.detail, undefined, 'the pipeline notes are for staff');
      assert.equal(((await as.agent.request('GET', '/api/mails')).json().mails as unknown[]).length, 2);
      assert.deepEqual(((await as.agent.request('GET', `/api/cases/${w.aliceCase.number}/inbound`)).json().mails as Array<{ id: string }>).map((m) => m.id), [w.aliceMailId]);
      assert.equal((await as.agent.request('GET', '/api/mails?reason=no_such_reason')).statusCode, 400);
    });

    test('admin: list and create users; agents are refused', async () => {
      const list = (await as.admin.request('GET', '/api/admin/users?role=agent')).json().users as Array<{ email: string; passwordHash?: string }>;
      assert.deepEqual(list.map((u) => u.email), [w.agent.email]);
      assert.equal(list[0]!.passwordHash, undefined);
      assert.equal((await as.agent.request('GET', '/api/admin/users')).statusCode, 403);
      const dup = await as.admin.request('POST', '/api/admin/users', { role: 'agent', email: w.agent.email, name: 'Dup' });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json().error.code, 'email_taken');
      assert.equal((await as.admin.request('POST', `/api/admin/users/${w.admin.id}/disable`)).statusCode, 409, 'no self lock-out');
    });

    test('products and the OpenAPI document, which lists every registered route with its access level', async () => {
      assert.deepEqual((await as.alice.request('GET', '/api/products')).json().products.map((p: { name: string; versions: string[] }) => [p.name, p.versions]), [['Widget', ['1.0', '2.0']]]);
      const doc = (await new Client(h.app).request('GET', '/api/openapi.json')).json() as { openapi: string; paths: Record<string, Record<string, { 'x-access': string; parameters: Array<{ name: string; in: string }> }>> };
      assert.equal(doc.openapi, '3.1.0');
      for (const r of h.app.routeRegistry.routes) {
        // Hidden routes are the web UI's files, never part of the API.
        if (r.hidden) {
          assert.ok(!r.url.startsWith('/api/'), `${r.url} is an API route and must be documented`);
          continue;
        }
        const op = doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
        assert.ok(op, `${r.method} ${r.url} is documented`);
        assert.equal(op['x-access'], r.access);
      }
      assert.ok(doc.paths['/api/cases/{number}']!.get!.parameters.some((p) => p.name === 'number' && p.in === 'path'));
    });
  });
}
