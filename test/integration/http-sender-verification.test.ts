import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects } from '../support/databases.js';
import { Client, httpHarness, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';
import { plainMail } from '../support/mail-builders.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { processInboundMail } from '../../src/app/ingest/run-pipeline.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';
import type { IngestDeps, SenderAuthResult } from '../../src/app/ingest/ports.js';

const SUPPORT = 'support@support.example.com';

/** What the sender check finds for a forged From sent straight to the SMTP port: nothing at all. */
const NOTHING: SenderAuthResult = { spf: 'none', dkim: 'none', dmarc: 'none', dmarcFailed: false, authenticated: false, spfAligned: false, dkimAligned: false };
const ALIGNED: SenderAuthResult = { spf: 'pass', dkim: 'none', dmarc: 'none', dmarcFailed: false, authenticated: true, spfAligned: true, dkimAligned: false };

type Msg = { inboundMailId?: string; bodyText: string; senderUnverified?: boolean };
type LogEntry = { id: string; senderVerification?: string | null };

for (const dialect of testedDialects()) {
  describe(`"sender not verified" in the API and the admin setting (RELIABILITY E4) on ${dialect}`, () => {
    let h: Harness;
    let w: World;
    const as: Record<'admin' | 'agent' | 'alice', Client> = {} as never;

    /** A reply of Alice's over SMTP, whose sender check found `auth`. */
    async function smtpReply(body: string, auth: SenderAuthResult) {
      const deps: IngestDeps = createIngestDeps(h.rt.config, { settings: h.app.installation, authenticator: { check: async () => auth } });
      const raw = plainMail({ from: w.alice.email, to: SUPPORT, subject: `Re: [Case #${w.aliceCase.number}] printer`, body });
      const received = await receiveMail(h.ctx, { raw, channel: 'smtp', envelopeFrom: w.alice.email, envelopeTo: [SUPPORT], remoteIp: '127.0.0.1' });
      return processInboundMail(h.ctx, deps, received.mailId, null);
    }

    before(async () => {
      h = await httpHarness(dialect);
      w = await seedWorld(h);
      for (const name of ['admin', 'agent', 'alice'] as const) {
        as[name] = new Client(h.app);
        assert.equal((await as[name].login(w[name].email, PASSWORD)).statusCode, 200);
      }
    });
    after(async () => {
      await closeParseWorkers();
      await h.dispose();
    });

    test('staff see the mark on the case message and in the mail log; the customer gets neither field', async () => {
      const forged = await smtpReply('MARKER-UNVERIFIED please send the keys elsewhere', NOTHING);
      assert.equal(forged.status, 'accepted', forged.detail ?? '');
      const genuine = await smtpReply('MARKER-VERIFIED thanks', ALIGNED);
      assert.equal(genuine.status, 'accepted');

      const staff = (await as.agent.request('GET', `/api/cases/${w.aliceCase.number}`)).json() as { messages: Msg[] };
      const byText = (t: string) => staff.messages.find((m) => m.bodyText.includes(t))!;
      assert.equal(byText('MARKER-UNVERIFIED').senderUnverified, true);
      assert.equal(byText('MARKER-VERIFIED').senderUnverified, false);
      const mine = (await as.alice.request('GET', `/api/cases/${w.aliceCase.number}`)).json() as { messages: Msg[] };
      assert.ok(mine.messages.every((m) => !('senderUnverified' in m)), 'customers do not see the staff mark');

      const log = (await as.agent.request('GET', '/api/mails?limit=50')).json() as { mails: LogEntry[] };
      assert.equal(log.mails.find((m) => m.id === forged.mailId)?.senderVerification, 'unverified');
      assert.equal(log.mails.find((m) => m.id === genuine.mailId)?.senderVerification, 'verified');
      const one = (await as.agent.request('GET', `/api/mails/${forged.mailId}`)).json() as { mail: LogEntry };
      assert.equal(one.mail.senderVerification, 'unverified');
      const own = (await as.alice.request('GET', '/api/mails?limit=50')).json() as { mails: LogEntry[] };
      assert.ok(own.mails.length > 0 && own.mails.every((m) => !('senderVerification' in m)));
    });

    test('the admin setting over HTTP: default mark, hold quarantines, a bad value is a 400 naming the field', async () => {
      const get = async () => (await as.admin.request('GET', '/api/admin/settings')).json().settings as { unverifiedSender: string; limits: { unverifiedSender: string[] } };
      assert.equal((await get()).unverifiedSender, 'mark');
      assert.deepEqual((await get()).limits.unverifiedSender, ['accept', 'mark', 'hold']);
      assert.equal((await as.agent.request('PATCH', '/api/admin/settings', { unverifiedSender: 'accept' })).statusCode, 403, 'admins only');
      const bad = await as.admin.request('PATCH', '/api/admin/settings', { unverifiedSender: 'drop' });
      assert.deepEqual([bad.statusCode, bad.json().error.code, bad.json().error.details.field], [400, 'invalid_input', 'unverifiedSender']);
      assert.equal((await as.admin.request('PATCH', '/api/admin/settings', { unverifiedSender: 'hold' })).statusCode, 200);
      assert.equal((await get()).unverifiedSender, 'hold');
      const held = await smtpReply('MARKER-HELD', NOTHING);
      assert.deepEqual([held.status, held.reason], ['quarantined', 'auth_failed']);
      assert.equal((await as.admin.request('PATCH', '/api/admin/settings', { unverifiedSender: null })).statusCode, 200);
      assert.equal((await get()).unverifiedSender, 'mark');
    });
  });
}
