import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { dialectLeftOut, testedDialects } from '../support/databases.js';
import { Client, httpHarness, realUploadGate, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';
import type { VirusScanner } from '../../src/app/ingest/ports.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>');
const HTML_AS_PNG = Buffer.from('<html><script>alert(document.cookie)</script></html>');
const MAX = 64 * 1024;

/** A multipart/form-data body as a browser sends it. */
export function multipart(fields: Record<string, string>, files: Array<{ name: string; content: Buffer; type?: string }>): { body: Buffer; headers: Record<string, string> } {
  const b = `----supportal${randomUUID().replace(/-/g, '')}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'image/png'}\r\n\r\n`), f.content, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${b}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

for (const dialect of testedDialects()) {
  describe(`HTTP uploads, e-mail HTML view and the web UI on ${dialect}`, () => {
    let h: Harness;
    let w: World;
    let webRoot: string;
    const as: Record<'alice' | 'bob' | 'agent', Client> = {} as never;
    before(async () => {
      webRoot = mkdtempSync(join(tmpdir(), 'supportal-web-'));
      mkdirSync(join(webRoot, 'assets'));
      writeFileSync(join(webRoot, 'index.html'), '<!DOCTYPE html><title>Supportal UI</title><div id="root"></div>');
      writeFileSync(join(webRoot, 'assets', 'app-1234.js'), 'console.log("app")');
      writeFileSync(join(webRoot, 'favicon.ico'), 'ICON');
      h = await httpHarness(dialect, undefined, { webRoot, env: { SUPPORTAL_MAX_MESSAGE_BYTES: String(MAX) } });
      w = await seedWorld(h);
      for (const name of ['alice', 'bob', 'agent'] as const) {
        as[name] = new Client(h.app);
        assert.equal((await as[name].login(w[name].email, PASSWORD)).statusCode, 200);
      }
    });
    after(async () => {
      await h.dispose();
      rmSync(webRoot, { recursive: true, force: true });
    });

    test('a customer opens a case with an image: stored with the type its bytes have', async () => {
      const m = multipart({ payload: JSON.stringify({ subject: 'Screen is blank', body: 'See the screenshot.' }) }, [{ name: 'screen.png', content: PNG }]);
      const res = await as.alice.request('POST', '/api/cases', m.body, m.headers);
      assert.equal(res.statusCode, 201, res.body);
      const n = res.json().case.number as number;
      const detail = (await as.alice.request('GET', `/api/cases/${n}`)).json();
      assert.deepEqual(detail.attachments.map((a: { filename: string; detectedType: string; size: number }) => [a.filename, a.detectedType, a.size]), [['screen.png', 'image/png', PNG.length]]);
      const first = detail.messages[0];
      assert.equal(detail.attachments[0].messageId, first.id, 'the file belongs to the opening message');
      const dl = await as.alice.request('GET', detail.attachments[0].url);
      assert.deepEqual(dl.rawPayload, PNG);
    });

    test('the text fields may come one by one instead of a payload field (what the web form sends)', async () => {
      const m = multipart({ subject: 'Fields one by one', body: 'No payload field.' }, [{ name: 'a.png', content: PNG }]);
      const res = await as.alice.request('POST', '/api/cases', m.body, m.headers);
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().case.subject, 'Fields one by one');
    });

    test('A1, A2, A7: an SVG and an HTML page named .png are refused, each named with its reason; nothing is stored', async () => {
      const before = (await as.alice.request('GET', '/api/cases')).json().cases.length;
      const m = multipart({ payload: JSON.stringify({ subject: 'Bad files', body: 'x' }) }, [
        { name: 'ok.png', content: PNG },
        { name: 'drawing.svg', content: SVG, type: 'image/svg+xml' },
        { name: 'photo.png', content: HTML_AS_PNG },
      ]);
      const res = await as.alice.request('POST', '/api/cases', m.body, m.headers);
      assert.equal(res.statusCode, 422, res.body);
      const e = res.json().error;
      assert.equal(e.code, 'attachment_rejected');
      assert.deepEqual(e.details.files.map((f: { name: string; reason: string }) => [f.name, f.reason]), [['drawing.svg', 'attachment_type'], ['photo.png', 'attachment_type']]);
      assert.equal((await as.alice.request('GET', '/api/cases')).json().cases.length, before, 'no case was opened');
    });

    test('413 too_large: a file over the size limit, and files together over it', async () => {
      const big = multipart({ payload: JSON.stringify({ subject: 'Big', body: 'x' }) }, [{ name: 'big.png', content: Buffer.concat([PNG, Buffer.alloc(MAX + 10)]) }]);
      const r1 = await as.alice.request('POST', '/api/cases', big.body, big.headers);
      assert.equal(r1.statusCode, 413, r1.body);
      assert.equal(r1.json().error.code, 'too_large');
      const half = Buffer.concat([PNG, Buffer.alloc(MAX / 2)]);
      const two = multipart({ payload: JSON.stringify({ subject: 'Two halves', body: 'x' }) }, [{ name: 'a.png', content: half }, { name: 'b.png', content: half }]);
      const r2 = await as.alice.request('POST', '/api/cases', two.body, two.headers);
      assert.equal(r2.statusCode, 413, r2.body);
      assert.equal(r2.json().error.code, 'too_large');
    });

    test('replies take files: the customer\'s are stored with the message, the agent\'s are mailed', async () => {
      const n = w.bobCase.number;
      const m = multipart({ payload: JSON.stringify({ body: 'Here is the log.' }) }, [{ name: 'shot.png', content: PNG }]);
      const res = await as.bob.request('POST', `/api/cases/${n}/replies`, m.body, m.headers);
      assert.equal(res.statusCode, 201, res.body);
      const msgId = res.json().message.id;
      const files = (await as.bob.request('GET', `/api/cases/${n}`)).json().attachments.filter((a: { messageId: string }) => a.messageId === msgId);
      assert.equal(files.length, 1);
      const outBefore = (await h.ctx.store.outbound.list({ caseId: w.bobCase.id })).length;
      const a = multipart({ payload: JSON.stringify({ body: 'Fixed, see picture.' }) }, [{ name: 'fix.png', content: PNG }]);
      assert.equal((await as.agent.request('POST', `/api/cases/${n}/replies`, a.body, a.headers)).statusCode, 201);
      const out = await h.ctx.store.outbound.list({ caseId: w.bobCase.id });
      assert.equal(out.length, outBefore + 1);
      const raw = (await h.ctx.store.outbound.raw(out.find((o) => o.kind === 'agent_reply' && o.subject.includes('Globex'))!.id))!.toString();
      assert.match(raw, /filename="?fix\.png/);
    });

    test('W1: files to someone else\'s case are refused with 404 before they are judged', async () => {
      const m = multipart({ payload: JSON.stringify({ body: 'hi' }) }, [{ name: 'x.svg', content: SVG }]);
      const res = await as.bob.request('POST', `/api/cases/${w.aliceCase.number}/replies`, m.body, m.headers);
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'case_not_found');
    });

    test('a broken payload field is invalid_input, JSON bodies still work as before', async () => {
      const m = multipart({ payload: '{not json' }, []);
      const res = await as.alice.request('POST', '/api/cases', m.body, m.headers);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error.details.field, 'payload');
      assert.equal((await as.alice.request('POST', '/api/cases', { subject: 'Plain JSON', body: 'no files' })).statusCode, 201);
      assert.equal((await as.alice.request('POST', '/api/cases', { subject: 'no body' })).statusCode, 400, 'the JSON schema still applies');
    });

    test('W3, W5: the e-mail HTML view is a sandboxed document; remote images stay blocked unless an agent asks', async () => {
      const res = await as.alice.request('GET', `/api/messages/${w.htmlMessageId}/html`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-security-policy'], "default-src 'none'; img-src cid: data:; style-src 'unsafe-inline'; sandbox");
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /^<!DOCTYPE html>/);
      assert.match(res.body, /MARKER-A-HTML/);
      assert.match(res.body, /data-remote-src="http:\/\/169\.254\.169\.254\/latest"/);
      assert.doesNotMatch(res.body, /\ssrc="http/);
      assert.equal((await as.alice.request('GET', `/api/messages/${w.htmlMessageId}/html?images=1`)).statusCode, 403, 'customers do not load remote images');
      const staff = await as.agent.request('GET', `/api/messages/${w.htmlMessageId}/html?images=1`);
      assert.equal(staff.statusCode, 200);
      assert.match(staff.body, /<img src="http:\/\/169\.254\.169\.254\/latest"/);
      assert.match(String(staff.headers['content-security-policy']), /img-src cid: data: https: http:; .*sandbox$/);
      assert.equal((await as.bob.request('GET', `/api/messages/${w.htmlMessageId}/html`)).statusCode, 404);
      const plain = (await as.alice.request('GET', `/api/cases/${w.aliceCase.number}`)).json().messages.find((m: { bodyHtml: string | null }) => m.bodyHtml === null);
      assert.equal((await as.alice.request('GET', `/api/messages/${plain.id}/html`)).statusCode, 404, 'no HTML, no document');
    });

    test('the web UI: index.html for app paths with the app CSP, files from the build, JSON 404 for the API', async () => {
      const anon = new Client(h.app);
      for (const path of ['/', '/cases/10042', '/desk/overview?x=1']) {
        const res = await anon.request('GET', path);
        assert.equal(res.statusCode, 200, path);
        assert.match(res.body, /Supportal UI/);
        assert.equal(res.headers['content-security-policy'], "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'");
        assert.equal(res.headers['x-frame-options'], 'DENY');
      }
      const js = await anon.request('GET', '/assets/app-1234.js');
      assert.equal(js.statusCode, 200);
      assert.equal(js.body, 'console.log("app")');
      assert.match(String(js.headers['cache-control']), /immutable/);
      assert.equal((await anon.request('GET', '/favicon.ico')).body, 'ICON');
      for (const path of ['/api/nothing', '/assets/missing.js', '/healthz/x']) {
        const res = await anon.request('GET', path);
        assert.equal(res.statusCode, 404, path);
        assert.equal(res.json().error.code, 'not_found');
      }
      const traversal = await anon.request('GET', '/assets/..%2f..%2fpackage.json');
      assert.ok(!traversal.body.includes('"dependencies"'), 'no file outside the build');
      assert.ok(!(await anon.request('GET', '/%2e%2e/%2e%2e/package.json')).body.includes('"dependencies"'));
      assert.equal((await anon.request('POST', '/cases/1')).statusCode, 404, 'only GET falls back to the app');
    });
  });
}

describe('HTTP uploads without inspection, with a scanner, and an unbuilt UI', { skip: dialectLeftOut('sqlite') }, () => {
  const fake = (result: Awaited<ReturnType<VirusScanner['scan']>>): VirusScanner => ({ scan: async () => result });

  for (const [label, uploads, status, code] of [
    ['no upload inspection configured', null, 503, 'unavailable'],
    ['A9: the scanner finds a virus', realUploadGate(fake({ status: 'infected', signature: 'Eicar-Test-Signature' })), 422, 'attachment_rejected'],
    ['A10: the scanner is down', realUploadGate(fake({ status: 'error', detail: 'ECONNREFUSED' })), 503, 'unavailable'],
  ] as const) {
    test(`${label}: a case with a file is refused (${status} ${code})`, async () => {
      const h = await httpHarness('sqlite', undefined, { uploads, webRoot: join(tmpdir(), `no-such-build-${randomUUID()}`) });
      try {
        const w = await seedWorld(h);
        const alice = new Client(h.app);
        await alice.login(w.alice.email, PASSWORD);
        const m = multipart({ payload: JSON.stringify({ subject: 'With file', body: 'x' }) }, [{ name: 'eicar.png', content: PNG }]);
        const res = await alice.request('POST', '/api/cases', m.body, m.headers);
        assert.equal(res.statusCode, status, res.body);
        assert.equal(res.json().error.code, code);
        if (code === 'attachment_rejected') assert.deepEqual(res.json().error.details.files, [{ name: 'eicar.png', reason: 'virus', detail: 'Eicar-Test-Signature' }]);
        assert.equal((await alice.request('GET', '/api/cases')).json().cases.length, 1, 'nothing was opened');
        const page = await new Client(h.app).request('GET', '/');
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /not built/);
        assert.match(page.body, /vite build --config web\/vite\.config\.ts/);
      } finally {
        await h.dispose();
      }
    });
  }

  test('a clean scan marks the stored file clean', async () => {
    const h = await httpHarness('sqlite', undefined, { uploads: realUploadGate(fake({ status: 'clean' })) });
    try {
      const w = await seedWorld(h);
      const alice = new Client(h.app);
      await alice.login(w.alice.email, PASSWORD);
      const m = multipart({ payload: JSON.stringify({ subject: 'Scanned', body: 'x' }) }, [{ name: 'a.png', content: PNG }]);
      const res = await alice.request('POST', '/api/cases', m.body, m.headers);
      assert.equal(res.statusCode, 201, res.body);
      const detail = (await alice.request('GET', `/api/cases/${res.json().case.number}`)).json();
      assert.equal(detail.attachments[0].scan, 'clean');
      // An agent's file, scanned on upload like the customer's, is not recorded as unscanned.
      const agent = new Client(h.app);
      await agent.login(w.agent.email, PASSWORD);
      const a = multipart({ payload: JSON.stringify({ body: 'Fixed, see picture.' }) }, [{ name: 'fix.png', content: PNG }]);
      const reply = await agent.request('POST', `/api/cases/${res.json().case.number}/replies`, a.body, a.headers);
      assert.equal(reply.statusCode, 201, reply.body);
      const after = (await agent.request('GET', `/api/cases/${res.json().case.number}`)).json();
      const mine = after.attachments.filter((f: { messageId: string }) => f.messageId === reply.json().message.id);
      assert.deepEqual(mine.map((f: { scan: string }) => f.scan), ['clean']);
    } finally {
      await h.dispose();
    }
  });
});
