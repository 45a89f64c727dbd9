import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects } from '../support/databases.js';
import { manualClock } from '../support/runtime.js';
import { Client, httpHarness, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';

/** The link in the newest queued mail to `to`, read from the raw bytes in the outbox. */
async function linkFromMail(h: Harness, to: string, path: string): Promise<string> {
  // Sign-up and reset queue their mail after the answer.
  await h.app.afterResponse.idle();
  const mails = await h.ctx.store.outbound.list({ limit: 50 });
  const m = mails.find((x) => x.recipients.includes(to) && (x.kind === 'signup' || x.kind === 'password_reset'));
  assert.ok(m, `a mail to ${to} was queued`);
  const raw = (await h.ctx.store.outbound.raw(m.id))!.toString('latin1').replace(/=\r?\n/g, '');
  const match = new RegExp(`${path}\\?token=3D([A-Za-z0-9_-]{43})|${path}\\?token=([A-Za-z0-9_-]{43})`).exec(raw);
  assert.ok(match, `the mail to ${to} carries a ${path} link`);
  return (match[1] ?? match[2])!;
}

for (const dialect of testedDialects()) {
  describe(`HTTP auth on ${dialect}`, () => {
    const clock = manualClock(new Date());
    let h: Harness;
    let w: World;
    before(async () => {
      // A local trial over plain HTTP: an https public URL alone makes the cookie Secure.
      h = await httpHarness(dialect, clock, { env: { SUPPORTAL_PUBLIC_URL: 'http://portal.example.com' } });
      w = await seedWorld(h);
    });
    after(async () => h.dispose());

    test('login sets an HttpOnly SameSite=Lax cookie, me answers with the CSRF token, every response has the security headers', async () => {
      const c = new Client(h.app);
      const res = await c.login(w.alice.email, PASSWORD);
      assert.equal(res.statusCode, 200);
      const cookie = String(res.headers['set-cookie']);
      assert.match(cookie, /^supportal_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
      assert.doesNotMatch(cookie, /Secure/, 'no Secure flag over plain HTTP');
      const me = await c.request('GET', '/api/auth/me');
      assert.equal(me.statusCode, 200);
      assert.equal(me.json().user.email, w.alice.email);
      assert.equal(me.json().csrfToken, c.csrf);
      assert.equal(me.json().user.passwordHash, undefined);
      for (const r of [me, res, await c.request('GET', '/api/nowhere')]) {
        assert.match(String(r.headers['content-security-policy']), /default-src 'self'/);
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
        assert.equal(r.headers['referrer-policy'], 'same-origin');
        assert.equal(r.headers['x-frame-options'], 'DENY');
      }
    });

    test('the session id is stored hashed and rotates at login', async () => {
      const c = new Client(h.app);
      await c.login(w.alice.email, PASSWORD);
      const first = c.cookie!.split('=')[1]!;
      const rows = await h.rt.db.db.selectFrom('sessions').select('id_hash').execute();
      assert.ok(!rows.some((r) => r.id_hash === first), 'the raw id is not in the database');
      await c.login(w.alice.email, PASSWORD);
      const second = c.cookie!.split('=')[1]!;
      assert.notEqual(first, second);
      const old = new Client(h.app);
      old.cookie = `supportal_session=${first}`;
      assert.equal((await old.request('GET', '/api/auth/me')).statusCode, 401, 'the previous session ended');
    });

    test('over HTTPS the cookie is __Host- and Secure', async () => {
      // The public URL is http here, so only the trusted X-Forwarded-Proto can make it HTTPS.
      const hs = await httpHarness(dialect, undefined, { trustProxy: true, env: { SUPPORTAL_PUBLIC_URL: 'http://portal.example.com' } });
      try {
        await seedWorld(hs);
        const c = new Client(hs.app, { headers: { 'x-forwarded-proto': 'https' } });
        const res = await c.login('alice@acme.example', PASSWORD);
        assert.match(String(res.headers['set-cookie']), /^__Host-supportal_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
        assert.equal((await c.request('GET', '/api/auth/me')).statusCode, 200);
        assert.match(String(res.headers['strict-transport-security']), /max-age=/);
      } finally {
        await hs.dispose();
      }
    });

    test('W6: a state change with the session cookie needs the CSRF token; a cross-site Origin is refused', async () => {
      const c = new Client(h.app);
      await c.login(w.alice.email, PASSWORD);
      const noToken = await c.request('POST', `/api/cases/${w.aliceCase.number}/replies`, { body: 'hi' }, { 'x-csrf-token': '' });
      assert.equal(noToken.statusCode, 403);
      assert.equal(noToken.json().error.code, 'csrf_failed');
      const wrong = await c.request('POST', `/api/cases/${w.aliceCase.number}/replies`, { body: 'hi' }, { 'x-csrf-token': 'A'.repeat(43) });
      assert.equal(wrong.statusCode, 403);
      const crossSite = await c.request('POST', `/api/cases/${w.aliceCase.number}/replies`, { body: 'hi' }, { origin: 'https://evil.example' });
      assert.equal(crossSite.statusCode, 403);
      assert.equal(crossSite.json().error.code, 'csrf_failed');
      const fetchMeta = await c.request('POST', `/api/cases/${w.aliceCase.number}/replies`, { body: 'hi' }, { 'sec-fetch-site': 'cross-site' });
      assert.equal(fetchMeta.statusCode, 403);
      const ok = await c.request('POST', `/api/cases/${w.aliceCase.number}/replies`, { body: 'hi' }, { origin: 'http://portal.example.com' });
      assert.equal(ok.statusCode, 201, ok.body);
      const msgs = await h.ctx.store.messages.listByCase(w.aliceCase.id);
      assert.equal(msgs.filter((m) => m.bodyText === 'hi').length, 1, 'only the request with the token got through');
    });

    test('W7: no CORS headers, whatever Origin asks', async () => {
      const c = new Client(h.app);
      await c.login(w.alice.email, PASSWORD);
      for (const r of [await c.request('GET', '/api/auth/me', undefined, { origin: 'https://evil.example' }), await c.request('OPTIONS', '/api/cases', undefined, { origin: 'https://evil.example', 'access-control-request-method': 'POST' })]) {
        assert.deepEqual(Object.keys(r.headers).filter((k) => k.startsWith('access-control-')), []);
      }
    });

    test('API tokens: bearer works without CSRF, is stored hashed, and stops working when revoked', async () => {
      const c = new Client(h.app);
      await c.login(w.alice.email, PASSWORD);
      const created = await c.request('POST', '/api/auth/tokens', { name: 'ci' });
      assert.equal(created.statusCode, 201);
      const token = created.json().token as string;
      assert.match(token, /^spt_[A-Za-z0-9_-]{43}$/);
      const rows = await h.rt.db.db.selectFrom('api_tokens').select('token_hash').execute();
      assert.ok(!rows.some((r) => r.token_hash === token));
      const api = new Client(h.app);
      api.bearer = token;
      assert.equal((await api.request('GET', '/api/auth/me')).json().user.email, w.alice.email);
      assert.equal((await api.request('POST', `/api/cases/${w.aliceCase.number}/replies`, { body: 'from CI' })).statusCode, 201);
      assert.equal((await c.request('DELETE', `/api/auth/tokens/${created.json().info.id}`)).statusCode, 204);
      assert.equal((await api.request('GET', '/api/auth/me')).statusCode, 401);
    });

    test('W10: wrong password and unknown user give the same answer; after 5 failures the account waits 1 s, 2 s, … and the right password passes once the wait is over', async () => {
      const c = new Client(h.app, { remoteAddress: '198.51.100.7' });
      const wrong = await c.login(w.anna.email, 'not the password');
      const unknown = await c.login('nobody@acme.example', 'not the password');
      assert.equal(wrong.statusCode, 401);
      assert.deepEqual(wrong.json(), unknown.json());
      // Failures 2–6 are checked (the 6th starts the first wait).
      for (let i = 2; i <= 6; i++) assert.equal((await c.login(w.anna.email, `wrong ${i}`)).statusCode, 401, `failure ${i}`);
      const limited = await c.login(w.anna.email, PASSWORD);
      assert.equal(limited.statusCode, 429, 'even the right password waits');
      assert.equal(limited.json().error.code, 'rate_limited');
      assert.equal(limited.headers['retry-after'], '1');
      clock.advance(1000);
      assert.equal((await c.login(w.anna.email, 'wrong 7')).statusCode, 401);
      assert.equal((await c.login(w.anna.email, PASSWORD)).headers['retry-after'], '2', 'the wait doubles');
      // 1 000 more attempts cost no password checks and stay refused.
      for (let i = 0; i < 1000; i++) assert.equal((await c.login(w.anna.email, 'x')).statusCode, 429);
      clock.advance(2000);
      assert.equal((await c.login(w.anna.email, PASSWORD)).statusCode, 200);
      assert.equal((await c.login(w.anna.email, 'wrong again')).statusCode, 401, 'a success clears the account');
    });

    test('W10: 100 failures for addresses nobody has lock nobody behind that IP', async () => {
      const c = new Client(h.app, { remoteAddress: '203.0.113.9' });
      for (let i = 0; i < 100; i++) assert.equal((await c.login(`user${i}@nowhere.example`, 'x')).statusCode, 401);
      assert.equal((await c.login(w.bob.email, PASSWORD)).statusCode, 200);
    });

    test('a disabled user cannot log in and their sessions end', async () => {
      const admin = new Client(h.app);
      await admin.login(w.admin.email, PASSWORD);
      const u = await admin.request('POST', '/api/admin/users', { role: 'customer', email: 'carl@acme.example', name: 'Carl', org: 'Acme', password: PASSWORD });
      assert.equal(u.statusCode, 201, u.body);
      const carl = new Client(h.app);
      assert.equal((await carl.login('carl@acme.example', PASSWORD)).statusCode, 200);
      assert.equal((await admin.request('POST', `/api/admin/users/${u.json().user.id}/disable`)).statusCode, 200);
      assert.equal((await carl.request('GET', '/api/auth/me')).statusCode, 401);
      const again = await new Client(h.app).login('carl@acme.example', PASSWORD);
      assert.equal(again.statusCode, 401);
      assert.equal(again.json().error.code, 'login_failed');
    });

    test('W2: sign-up mails a single-use link that expires after 24 hours; the account logs in only after it', async () => {
      const anon = new Client(h.app, { remoteAddress: '192.0.2.50' });
      const res = await anon.request('POST', '/api/auth/signup', { email: 'Dora@Example.org', name: 'Dora', password: 'dora-password', language: 'en' });
      assert.equal(res.statusCode, 202);
      await h.app.afterResponse.idle();
      assert.equal((await anon.login('dora@example.org', 'dora-password')).json().error.code, 'email_unverified');
      const token = await linkFromMail(h, 'dora@example.org', '/verify');
      assert.ok(Buffer.from(token, 'base64url').length >= 16, '≥ 128 bit');
      assert.equal((await anon.request('POST', '/api/auth/verify', { token })).statusCode, 200);
      const reused = await anon.request('POST', '/api/auth/verify', { token });
      assert.equal(reused.statusCode, 400);
      assert.equal(reused.json().error.code, 'token_invalid');
      assert.equal((await anon.login('dora@example.org', 'dora-password')).statusCode, 200);

      // A known address gets the same answer and no second account.
      assert.equal((await anon.request('POST', '/api/auth/signup', { email: 'dora@example.org', name: 'Mallory', password: 'other-password' })).statusCode, 202);
      assert.equal((await h.ctx.store.users.list({ role: 'customer' })).filter((u) => u.email === 'dora@example.org').length, 1);

      await anon.request('POST', '/api/auth/signup', { email: 'eve@example.org', name: 'Eve', password: 'eve-password' });
      const late = await linkFromMail(h, 'eve@example.org', '/verify');
      clock.advance(24 * 60 * 60 * 1000 + 1000);
      assert.equal((await anon.request('POST', '/api/auth/verify', { token: late })).statusCode, 400, 'expired');
    });

    test('password reset: same answer for unknown addresses, 1 h single-use link, old sessions end', async () => {
      const anon = new Client(h.app, { remoteAddress: '192.0.2.60' });
      const before = (await h.ctx.store.outbound.list({ limit: 500 })).length;
      assert.equal((await anon.request('POST', '/api/auth/password-reset', { email: 'ghost@example.org' })).statusCode, 202);
      assert.equal((await h.ctx.store.outbound.list({ limit: 500 })).length, before, 'no mail for an unknown address');
      const bobSession = new Client(h.app);
      await bobSession.login(w.bob.email, PASSWORD);
      assert.equal((await anon.request('POST', '/api/auth/password-reset', { email: w.bob.email })).statusCode, 202);
      const token = await linkFromMail(h, w.bob.email, '/reset-password');
      const set = await anon.request('POST', '/api/auth/password-reset/confirm', { token, password: 'new bob password' });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal((await bobSession.request('GET', '/api/auth/me')).statusCode, 401);
      assert.equal((await anon.request('POST', '/api/auth/password-reset/confirm', { token, password: 'third password' })).statusCode, 400);
      assert.equal((await new Client(h.app).login(w.bob.email, 'new bob password')).statusCode, 200);

      await anon.request('POST', '/api/auth/password-reset', { email: w.bob.email });
      const late = await linkFromMail(h, w.bob.email, '/reset-password');
      clock.advance(60 * 60 * 1000 + 1000);
      assert.equal((await anon.request('POST', '/api/auth/password-reset/confirm', { token: late, password: 'fourth password' })).statusCode, 400);
    });

    test('W11: the profile changes name, language and password, never the e-mail address', async () => {
      const c = new Client(h.app);
      await c.login(w.alice.email, PASSWORD);
      const res = await c.request('PATCH', '/api/auth/profile', { name: 'Alice B.', language: 'de', email: 'attacker@evil.example' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().user.name, 'Alice B.');
      assert.equal(res.json().user.language, 'de');
      assert.equal(res.json().user.email, w.alice.email);
      assert.equal((await c.request('PATCH', '/api/auth/profile', { password: { current: 'wrong one', new: 'new password 1' } })).json().error.code, 'password_wrong');
      const other = new Client(h.app);
      await other.login(w.alice.email, PASSWORD);
      assert.equal((await c.request('PATCH', '/api/auth/profile', { password: { current: PASSWORD, new: 'alice password 2' } })).statusCode, 200);
      assert.equal((await other.request('GET', '/api/auth/me')).statusCode, 401, 'other sessions end');
      assert.equal((await c.request('GET', '/api/auth/me')).statusCode, 200, 'this one stays');
      await c.request('PATCH', '/api/auth/profile', { password: { current: 'alice password 2', new: PASSWORD } });
    });

    test('sessions end after 8 idle hours and after 7 days however active', async () => {
      const c = new Client(h.app);
      await c.login(w.agent.email, PASSWORD);
      clock.advance(8 * 60 * 60 * 1000 + 1000);
      assert.equal((await c.request('GET', '/api/auth/me')).statusCode, 401);
      await c.login(w.agent.email, PASSWORD);
      for (let d = 0; d < 7 * 4; d++) {
        clock.advance(6 * 60 * 60 * 1000);
        const s = (await c.request('GET', '/api/auth/me')).statusCode;
        if (d < 7 * 4 - 1) assert.equal(s, 200, `after ${(d + 1) * 6} h`);
        else assert.equal(s, 401, 'after 7 days');
      }
    });

    test('logout ends the session and clears the cookie', async () => {
      const c = new Client(h.app);
      await c.login(w.alice.email, PASSWORD);
      const cookie = c.cookie;
      const res = await c.request('POST', '/api/auth/logout');
      assert.equal(res.statusCode, 204);
      assert.match(String(res.headers['set-cookie']), /Max-Age=0/);
      const replay = new Client(h.app);
      replay.cookie = cookie;
      assert.equal((await replay.request('GET', '/api/auth/me')).statusCode, 401);
    });

    test('C6: malformed JSON is a 400 invalid_input and the app keeps answering', async () => {
      const res = await h.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email": "a@b", "password": ' });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error.code, 'invalid_input');
      assert.equal((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    });
  });
}
