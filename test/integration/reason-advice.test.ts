import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { dialectLeftOut } from '../support/databases.js';
import { Client, httpHarness, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';
import { buildZip } from '../support/zip-writer.js';
import { REASON_TEXTS, reasonText } from '../../src/app/ingest/reason-texts.js';
import { REASON_CODES, type ReasonCode } from '../../src/domain/reason-codes.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const MAX = 256 * 1024;

function multipart(fields: Record<string, string>, files: Array<{ name: string; content: Buffer; type?: string }>): { body: Buffer; headers: Record<string, string> } {
  const b = `----supportal${randomUUID().replace(/-/g, '')}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`), f.content, Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${b}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

type Ctx = { h: Harness; w: World; alice: Client; caseNumber: number };

/** A reply with files on Alice's case in the portal: the status code, and the refused files' reasons. */
async function portalReply(c: Ctx, files: Array<{ name: string; content: Buffer }>): Promise<{ status: number; refused: string[] }> {
  const m = multipart({ payload: JSON.stringify({ body: 'As the notice advised.' }) }, files);
  const r = await c.alice.request('POST', `/api/cases/${c.caseNumber}/replies`, m.body, m.headers);
  return { status: r.statusCode, refused: r.statusCode === 422 ? r.json().error.details.files.map((f: { reason: string }) => f.reason) : [] };
}

/**
 * Each reason's "what to do", and the product behaviour that proves it works. A claim is what the
 * advice says in both languages (so the proof tests what the customer reads); `proof` does it
 * against the running product. "Nothing" advice and advice outside the product (IT, Outlook,
 * the customer's own computer) have no proof to run, but their words are pinned.
 */
const ADVICE: Record<ReasonCode, { claim: { de: RegExp; en: RegExp }; proof?: (c: Ctx) => Promise<void> }> = {
  duplicate: { claim: { de: /^Nichts/, en: /^Nothing/ } },
  auto_reply: { claim: { de: /^Nichts/, en: /^Nothing/ } },
  bounce: { claim: { de: /^Nichts/, en: /^Nothing/ } },
  scan_unavailable: { claim: { de: /^Nichts/, en: /^Nothing/ } },
  processing_failed: { claim: { de: /^Nichts/, en: /^Nothing/ } },
  loop: { claim: { de: /IT/, en: /IT/ } },
  rich_text: { claim: { de: /HTML oder Nur-Text/, en: /HTML or Plain Text/ } },
  virus: { claim: { de: /Prüfen Sie Ihren Rechner/, en: /check your computer/ } },
  attachment_type: {
    claim: { de: /ZIP-Archiv.*laden Sie das ZIP-Archiv im Portal beim Fall hoch/, en: /ZIP archive.*upload the ZIP archive to the case in the portal/ },
    async proof(c) {
      assert.deepEqual(await portalReply(c, [{ name: 'report.pdf', content: PDF }]), { status: 422, refused: ['attachment_type'] }, 'the portal refuses the PDF itself: the advice must not send the customer there with it');
      assert.equal((await portalReply(c, [{ name: 'report.zip', content: buildZip([{ name: 'report.pdf', data: PDF }]) }])).status, 201, 'the PDF in a ZIP archive is taken');
    },
  },
  too_many_archives: {
    claim: { de: /ein einziges ZIP-Archiv.*im Portal beim Fall hoch/, en: /a single ZIP archive.*upload it to the case in the portal/ },
    async proof(c) {
      const two = await portalReply(c, [{ name: 'a.zip', content: buildZip([{ name: 'a.png', data: PNG }]) }, { name: 'b.zip', content: buildZip([{ name: 'b.png', data: PNG }]) }]);
      assert.equal(two.status, 422);
      assert.equal((await portalReply(c, [{ name: 'ab.zip', content: buildZip([{ name: 'a.png', data: PNG }, { name: 'b.png', data: PNG }]) }])).status, 201);
    },
  },
  bad_archive: {
    claim: { de: /ohne Passwort und ohne Archive darin neu/, en: /without a password and without archives inside/ },
    async proof(c) {
      const nested = buildZip([{ name: 'inner.zip', data: buildZip([{ name: 'a.png', data: PNG }]) }]);
      assert.deepEqual(await portalReply(c, [{ name: 'nested.zip', content: nested }]), { status: 422, refused: ['bad_archive'] });
      assert.equal((await portalReply(c, [{ name: 'flat.zip', content: buildZip([{ name: 'a.png', data: PNG }]) }])).status, 201);
    },
  },
  too_large: {
    claim: { de: /auf mehrere E-Mails verteilt/, en: /spread over several e-mails/ },
    async proof(c) {
      // The portal has the same limit: "upload it in the portal" would fail the same way.
      assert.equal((await portalReply(c, [{ name: 'big.png', content: Buffer.concat([PNG, Buffer.alloc(MAX + 10)]) }])).status, 413);
      for (const lang of ['de', 'en'] as const) assert.doesNotMatch(REASON_TEXTS.too_large[lang].advice, /hochladen|hoch:|upload/i);
      const half = Buffer.concat([PNG, Buffer.alloc(MAX / 3)]);
      assert.equal((await portalReply(c, [{ name: 'part1.png', content: half }])).status, 201, 'a part below the limit is taken');
    },
  },
  case_closed: {
    claim: { de: /Öffnen Sie den Fall im Portal wieder/, en: /Reopen the case in the portal/ },
    async proof(c) {
      assert.equal((await c.alice.request('POST', `/api/cases/${c.caseNumber}/close`)).statusCode, 200);
      assert.equal((await c.alice.request('POST', `/api/cases/${c.caseNumber}/replies`, { body: 'x' })).statusCode, 409);
      assert.equal((await c.alice.request('POST', `/api/cases/${c.caseNumber}/reopen`)).statusCode, 200, 'the customer can reopen it');
      assert.equal((await c.alice.request('POST', `/api/cases/${c.caseNumber}/replies`, { body: 'Reopened as advised.' })).statusCode, 201, 'and reply there');
    },
  },
  no_case_reference: {
    claim: { de: /Eröffnen Sie einen Fall im Portal/, en: /Open a case in the portal/ },
    async proof(c) {
      assert.equal((await c.alice.request('POST', '/api/cases', { subject: 'Opened as advised', body: 'x' })).statusCode, 201);
    },
  },
  unknown_sender: { claim: { de: /nutzen Sie das Portal/, en: /use the portal/ }, proof: writeInPortal },
  auth_failed: { claim: { de: /schreiben Sie im Portal/, en: /write in the portal/ }, proof: writeInPortal },
  malformed: { claim: { de: /schreiben Sie im Portal/, en: /write in the portal/ }, proof: writeInPortal },
  encrypted: { claim: { de: /schreiben Sie im Portal beim Fall/, en: /write to the case in the portal/ }, proof: writeInPortal },
};

async function writeInPortal(c: Ctx): Promise<void> {
  assert.equal((await c.alice.request('POST', `/api/cases/${c.caseNumber}/replies`, { body: 'Written in the portal as advised.' })).statusCode, 201);
}

describe('every notice\'s "what to do" works in the product', { skip: dialectLeftOut('sqlite') }, () => {
  let c: Ctx;
  before(async () => {
    const h = await httpHarness('sqlite', undefined, { env: { SUPPORTAL_MAX_MESSAGE_BYTES: String(MAX) } });
    const w = await seedWorld(h);
    const alice = new Client(h.app);
    assert.equal((await alice.login(w.alice.email, PASSWORD)).statusCode, 200);
    c = { h, w, alice, caseNumber: w.aliceCase.number };
  });
  after(async () => c.h.dispose());

  test('each reason code has its advice checked here', () => {
    assert.deepEqual(Object.keys(ADVICE).sort(), [...REASON_CODES].sort());
  });

  test('advice that names the portal gives its address, and the case\'s own page where the case is known', () => {
    for (const code of REASON_CODES) {
      for (const lang of ['de', 'en'] as const) {
        const withCase = reasonText(code, lang, 'https://portal.example.com', 'https://portal.example.com/cases/10042').advice;
        if (/Portal|portal/.test(withCase)) assert.match(withCase, /https:\/\/portal\.example\.com/, `${code} ${lang}: ${withCase}`);
        if (/beim Fall|to the case|Öffnen Sie den Fall|Reopen the case/.test(withCase)) assert.ok(withCase.includes('/cases/10042'), `${code} ${lang} links the case: ${withCase}`);
      }
    }
  });

  for (const code of REASON_CODES) {
    test(`${code}: the advice says what the proof does`, async () => {
      const a = ADVICE[code];
      assert.match(REASON_TEXTS[code].de.advice, a.claim.de);
      assert.match(REASON_TEXTS[code].en.advice, a.claim.en);
      if (a.proof) await a.proof(c);
    });
  }
});
