import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { testedDialects } from '../support/databases.js';
import { manualClock } from '../support/runtime.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { Client, httpHarness, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';
import { addUser } from '../../src/app/users.js';
import { runOutboxOnce } from '../../src/app/outbound/outbox-relay.js';
import { SECRET_PLACEHOLDER } from '../../src/app/outbound/queue-mail.js';
import { createSmtpTransport } from '../../src/outbound/smtp-transport.js';
import { LOGIN_DELAYS } from '../../src/app/auth/throttle.js';

/** The newest sign-up or reset link to `to`, from the outbox bytes (quoted-printable undone). */
async function linkFromOutbox(h: Harness, to: string, path: string): Promise<{ token: string; outboundId: string }> {
  await h.app.afterResponse.idle();
  const mails = await h.ctx.store.outbound.list({ limit: 100 });
  const m = mails.find((x) => x.recipients.includes(to) && (x.kind === 'signup' || x.kind === 'password_reset'));
  assert.ok(m, `a mail to ${to} was queued`);
  const raw = (await h.ctx.store.outbound.raw(m.id))!.toString('latin1').replace(/=\r?\n/g, '');
  const match = new RegExp(`${path}\\?token=(?:3D)?([A-Za-z0-9_-]{43})`).exec(raw);
  assert.ok(match, `the mail to ${to} carries a ${path} link`);
  return { token: match[1]!, outboundId: m.id };
}

/** Opens GET /api/events as an event stream with the given headers; resolves when the answer starts. */
function openStream(base: string, headers: Record<string, string>): Promise<{ res: IncomingMessage; ended: Promise<void>; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/events`, { headers: { ...headers, accept: 'text/event-stream' } }, (res) => {
      res.resume();
      resolve({ res, ended: new Promise<void>((r) => res.on('end', () => r())), close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Counts the real password checks (argon2 verify) the app makes while `fn` runs. */
async function countPasswordChecks(h: Harness, fn: () => Promise<void>): Promise<number> {
  const hasher = h.ctx.hasher as { verify: (hash: string, password: string) => Promise<boolean> };
  const original = hasher.verify;
  let n = 0;
  hasher.verify = async (hash, password) => {
    n++;
    return original(hash, password);
  };
  try {
    await fn();
  } finally {
    hasher.verify = original;
  }
  return n;
}

for (const dialect of testedDialects()) {
  describe(`account security (issue 10, items 6–11) on ${dialect}`, () => {
    const clock = manualClock(new Date());
    let h: Harness;
    let w: World;
    let sink: SmtpSink;
    before(async () => {
      sink = await startSmtpSink();
      h = await httpHarness(dialect, clock, { env: { SUPPORTAL_PUBLIC_URL: 'http://portal.example.com', SUPPORTAL_RELAY_URL: sink.url } });
      w = await seedWorld(h);
    });
    after(async () => {
      await h.dispose();
      await sink.stop();
    });

    test('RELIABILITY W13: whoever signs up an address first sets no password its owner later verifies', async () => {
      const mallory = new Client(h.app, { remoteAddress: '192.0.2.71' });
      const owner = new Client(h.app, { remoteAddress: '192.0.2.72' });
      const victim = 'victim@example.org';
      assert.equal((await mallory.request('POST', '/api/auth/signup', { email: victim, name: 'Victim', password: 'mallory-knows-this' })).statusCode, 202);
      await h.app.afterResponse.idle();
      const before = await h.ctx.store.users.findByEmail(victim);
      assert.equal(before?.passwordHash, null, 'an unverified sign-up holds no password');
      clock.advance(1000);
      // The owner signs up later and uses the link of their own sign-up (the newest mail).
      assert.equal((await owner.request('POST', '/api/auth/signup', { email: victim, name: 'Victim', password: 'owner-password' })).statusCode, 202);
      const { token } = await linkFromOutbox(h, victim, '/verify');
      assert.equal((await owner.request('POST', '/api/auth/verify', { token })).statusCode, 200);
      assert.equal((await new Client(h.app, { remoteAddress: '192.0.2.73' }).login(victim, 'owner-password')).statusCode, 200, 'the owner\'s password is the one verified');
      assert.equal((await new Client(h.app, { remoteAddress: '192.0.2.74' }).login(victim, 'mallory-knows-this')).statusCode, 401, 'the first sign-up\'s password is void');
    });

    test('RELIABILITY W14: token scopes: read only reads, write changes but reaches no admin route, admin only for admins on request', async () => {
      const alice = new Client(h.app);
      await alice.login(w.alice.email, PASSWORD);
      const admin = new Client(h.app);
      await admin.login(w.admin.email, PASSWORD);
      const mint = async (c: Client, scope?: string) => {
        const res = await c.request('POST', '/api/auth/tokens', scope ? { name: `t-${scope}`, scope } : { name: 't-default' });
        assert.equal(res.statusCode, 201, res.body);
        const api = new Client(h.app);
        api.bearer = res.json().token as string;
        return { api, info: res.json().info as { id: string; scope: string } };
      };
      const read = await mint(alice, 'read');
      assert.equal((await read.api.request('GET', `/api/cases/${w.aliceCase.number}`)).statusCode, 200);
      const denied = await read.api.request('POST', `/api/cases/${w.aliceCase.number}/replies`, { body: 'by a read token' });
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.json().error.code, 'forbidden');

      const byDefault = await mint(admin);
      assert.equal(byDefault.info.scope, 'write', 'an admin\'s token is not full access unless asked');
      assert.equal((await byDefault.api.request('GET', '/api/admin/users')).statusCode, 403);
      assert.equal((await byDefault.api.request('GET', '/api/overview')).statusCode < 400, true, 'staff routes stay open to a write token');
      const full = await mint(admin, 'admin');
      assert.equal((await full.api.request('GET', '/api/admin/users')).statusCode, 200);
      assert.equal((await alice.request('POST', '/api/auth/tokens', { name: 'x', scope: 'admin' })).statusCode, 403, 'a customer gets no admin token');
    });

    test('RELIABILITY W15: a token cannot create tokens or change the password', async () => {
      const alice = new Client(h.app);
      await alice.login(w.alice.email, PASSWORD);
      const api = new Client(h.app);
      api.bearer = (await alice.request('POST', '/api/auth/tokens', { name: 'ci', scope: 'write' })).json().token as string;
      const minted = await api.request('POST', '/api/auth/tokens', { name: 'successor' });
      assert.equal(minted.statusCode, 403, minted.body);
      const pw = await api.request('PATCH', '/api/auth/profile', { password: { current: PASSWORD, new: 'taken over 1' } });
      assert.equal(pw.statusCode, 403, pw.body);
      assert.equal((await api.request('GET', '/api/auth/me')).statusCode, 200, 'the token itself still works');
    });

    test('RELIABILITY W16: a password reset revokes every token; a password change does when asked', async () => {
      const carol = await addUser(h.ctx, { role: 'customer', email: 'carol@acme.example', name: 'Carol', org: 'Acme', password: PASSWORD });
      const c = new Client(h.app);
      await c.login(carol.email, PASSWORD);
      const bearer = async () => {
        const api = new Client(h.app);
        api.bearer = (await c.request('POST', '/api/auth/tokens', { name: 'ci' })).json().token as string;
        return api;
      };
      const kept = await bearer();
      assert.equal((await c.request('PATCH', '/api/auth/profile', { password: { current: PASSWORD, new: 'carol password 2' } })).statusCode, 200);
      assert.equal((await kept.request('GET', '/api/auth/me')).statusCode, 200, 'a plain change keeps the tokens');
      assert.equal((await c.request('PATCH', '/api/auth/profile', { password: { current: 'carol password 2', new: 'carol password 3', revokeTokens: true } })).statusCode, 200);
      assert.equal((await kept.request('GET', '/api/auth/me')).statusCode, 401, 'revoked on request');

      const afterReset = await bearer();
      assert.equal((await new Client(h.app).request('POST', '/api/auth/password-reset', { email: carol.email })).statusCode, 202);
      const { token } = await linkFromOutbox(h, carol.email, '/reset-password');
      assert.equal((await new Client(h.app).request('POST', '/api/auth/password-reset/confirm', { token, password: 'carol password 4' })).statusCode, 200);
      assert.equal((await afterReset.request('GET', '/api/auth/me')).statusCode, 401, 'a reset revokes the tokens');
    });

    // A stream that never ends, or an answer that waits for the held lookup, fails by the timeout instead of hanging the run.
    test('RELIABILITY W17: the live stream ends when its token is revoked and when its user is disabled', { timeout: 60_000 }, async () => {
      const base = await h.app.listen({ host: '127.0.0.1', port: 0 });
      const erin = await addUser(h.ctx, { role: 'customer', email: 'erin@acme.example', name: 'Erin', org: 'Acme', password: PASSWORD });
      const c = new Client(h.app);
      await c.login(erin.email, PASSWORD);
      const created = (await c.request('POST', '/api/auth/tokens', { name: 'stream' })).json() as { token: string; info: { id: string } };
      const byToken = await openStream(base, { authorization: `Bearer ${created.token}` });
      assert.equal(byToken.res.statusCode, 200);
      assert.equal((await c.request('DELETE', `/api/auth/tokens/${created.info.id}`)).statusCode, 204);
      await byToken.ended;

      const bySession = await openStream(base, { cookie: c.cookie! });
      assert.equal(bySession.res.statusCode, 200);
      await h.ctx.store.users.update(erin.id, { disabled: true });
      await bySession.ended;
    });

    test('RELIABILITY W17: a live stream ends after its longest life, and the session lives on', { timeout: 60_000 }, async () => {
      const hs = await httpHarness(dialect, undefined, { livePollMs: 50, liveMaxLifetimeMs: 1500 });
      try {
        const ws = await seedWorld(hs);
        const base = await hs.app.listen({ host: '127.0.0.1', port: 0 });
        const alice = new Client(hs.app);
        await alice.login(ws.alice.email, PASSWORD);
        const stream = await openStream(base, { cookie: alice.cookie! });
        assert.equal(stream.res.statusCode, 200);
        await stream.ended;
        assert.equal((await alice.request('GET', '/api/auth/me')).statusCode, 200, 'the browser reconnects with the same session');
      } finally {
        await hs.dispose();
      }
    });

    test('RELIABILITY W18: 60 parallel guesses at one account get at most 6 password checks', async () => {
      const dave = await addUser(h.ctx, { role: 'customer', email: 'dave@acme.example', name: 'Dave', org: 'Acme', password: PASSWORD });
      const codes: number[] = [];
      const checks = await countPasswordChecks(h, async () => {
        const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => new Client(h.app, { remoteAddress: `198.51.100.${100 + (i % 50)}` }).login(dave.email, `guess ${i}`)));
        codes.push(...answers.map((a) => a.statusCode));
      });
      assert.ok(checks <= LOGIN_DELAYS.account.free + 1, `${checks} password checks`);
      assert.equal(codes.filter((c) => c === 401).length, checks);
      assert.equal(codes.filter((c) => c === 429).length, 60 - checks);
      clock.advance(LOGIN_DELAYS.account.maxMs);
    });

    test('RELIABILITY W18: parallel guesses from one IP are counted before the check too, and slow that IP only after 50 real failures', async () => {
      const ip = '203.0.113.77';
      // 11 real accounts × 5 free failures each: 55 failures from one IP, none of them an account's wait.
      const users = [];
      for (let i = 0; i < 11; i++) users.push(await addUser(h.ctx, { role: 'customer', email: `nat${i}@acme.example`, name: `Nat ${i}`, org: 'Acme', password: PASSWORD }));
      const answers = await Promise.all(users.flatMap((u) => Array.from({ length: 5 }, (_, k) => new Client(h.app, { remoteAddress: ip }).login(u.email, `wrong ${k}`))));
      const refused = answers.filter((a) => a.statusCode === 429).length;
      assert.equal(answers.length - refused, LOGIN_DELAYS.ip.free + 1, 'the IP passed its free failures and one more');
      const waiting = await new Client(h.app, { remoteAddress: ip }).login(w.agent.email, PASSWORD);
      assert.equal(waiting.statusCode, 429, 'the IP waits');
      assert.ok(Number(waiting.headers['retry-after']) <= LOGIN_DELAYS.ip.maxMs / 1000, 'a minute at most, never a lock-out');
      assert.equal((await new Client(h.app, { remoteAddress: '203.0.113.78' }).login(w.agent.email, PASSWORD)).statusCode, 200, 'other IPs are untouched');
      clock.advance(LOGIN_DELAYS.ip.maxMs);
      assert.equal((await new Client(h.app, { remoteAddress: ip }).login(w.agent.email, PASSWORD)).statusCode, 200, 'after the wait the right password passes');
    });

    test('RELIABILITY W19: sign-up and reset answer before any work that depends on the address', { timeout: 60_000 }, async () => {
      // Hold every lookup of an address: an answer that waited for one would never come.
      const users = h.ctx.store.users as { findByEmail: (email: string) => Promise<unknown> };
      const original = users.findByEmail;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let held = 0;
      users.findByEmail = async (email) => {
        held++;
        await gate;
        return original.call(users, email);
      };
      try {
        const anon = new Client(h.app, { remoteAddress: '192.0.2.90' });
        const answers = await Promise.all([
          anon.request('POST', '/api/auth/signup', { email: w.bob.email, name: 'Known', password: 'some password' }),
          anon.request('POST', '/api/auth/signup', { email: 'fresh@example.org', name: 'Fresh', password: 'some password' }),
          anon.request('POST', '/api/auth/password-reset', { email: w.bob.email }),
          anon.request('POST', '/api/auth/password-reset', { email: 'ghost@example.org' }),
        ]);
        assert.deepEqual(answers.map((a) => a.statusCode), [202, 202, 202, 202]);
        assert.deepEqual(answers.map((a) => a.body), [answers[0]!.body, answers[0]!.body, answers[2]!.body, answers[2]!.body], 'the same answer for known and unknown');
        release();
        await h.app.afterResponse.idle();
      } finally {
        release();
        users.findByEmail = original;
      }
      assert.equal(held, 4, 'the address-dependent work ran after the answers');
      assert.ok(await h.ctx.store.users.findByEmail('fresh@example.org'), 'and finished');
    });

    test('RELIABILITY W20: a verification or reset link stays in the outbox only until the mail is sent', async () => {
      sink.reset();
      const anon = new Client(h.app, { remoteAddress: '192.0.2.95' });
      assert.equal((await anon.request('POST', '/api/auth/password-reset', { email: w.alice.email })).statusCode, 202);
      const { token, outboundId } = await linkFromOutbox(h, w.alice.email, '/reset-password');
      const tokenRows = await h.rt.db.db.selectFrom('one_time_tokens').select('token_hash').execute();
      assert.ok(!tokenRows.some((r) => r.token_hash === token), 'the database holds only the token\'s hash');
      const transport = createSmtpTransport(sink.url);
      try {
        const tick = await runOutboxOnce(h.ctx, transport);
        assert.ok(tick.items.some((i) => i.id === outboundId && i.outcome === 'sent'), JSON.stringify(tick));
      } finally {
        transport.close();
      }
      await sink.waitFor(1);
      const delivered = sink.accepted.map((m) => m.raw.toString('latin1').replace(/=\r?\n/g, '')).join('\n');
      assert.ok(delivered.includes(token), 'the recipient got the working link');
      const kept = (await h.ctx.store.outbound.raw(outboundId))!.toString('utf8').replace(/=\r?\n/g, '');
      assert.ok(!kept.includes(token), 'the stored copy has no link');
      const lang = w.alice.language;
      assert.ok(kept.includes(SECRET_PLACEHOLDER[lang]) || kept.includes(SECRET_PLACEHOLDER[lang].replace(/ /g, '=20')), 'a placeholder in its place');
      assert.equal((await anon.request('POST', '/api/auth/password-reset/confirm', { token, password: 'alice new pw' })).statusCode, 200, 'the link itself still works');
      await h.ctx.store.users.update(w.alice.id, { passwordHash: await h.ctx.hasher.hash(PASSWORD) });
    });

    test('RELIABILITY W21: every answer carries COOP, CORP and Permissions-Policy; the HTML mail view keeps no-referrer', async () => {
      const alice = new Client(h.app);
      await alice.login(w.alice.email, PASSWORD);
      const view = await alice.request('GET', `/api/messages/${w.htmlMessageId}/html`);
      assert.equal(view.statusCode, 200);
      assert.equal(view.headers['referrer-policy'], 'no-referrer');
      for (const r of [view, await alice.request('GET', '/api/auth/me'), await alice.request('GET', '/api/nowhere'), await new Client(h.app).request('GET', '/healthz')]) {
        assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
        assert.equal(r.headers['cross-origin-resource-policy'], 'same-origin');
        assert.match(String(r.headers['permissions-policy']), /camera=\(\).*geolocation=\(\).*microphone=\(\)/);
      }
    });
  });
}
