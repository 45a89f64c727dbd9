import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { sql } from 'kysely';
import { testedDialects } from '../support/databases.js';
import { manualClock } from '../support/runtime.js';
import { plainMail } from '../support/mail-builders.js';
import { cli } from '../support/cli.js';
import { Client, PASSWORD, httpHarness, type Harness } from './http-harness.js';
import { buildApp } from '../../src/http/app.js';
import { createWebStore } from '../../src/db/stores/web.js';
import { privacyContextFor } from '../../src/composition.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { processInboundMail } from '../../src/app/ingest/run-pipeline.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';
import { createApiToken } from '../../src/app/auth/api-tokens.js';
import { AppError } from '../../src/app/errors.js';
import { erasePerson, exportPerson, ERASED_PLACEHOLDER } from '../../src/app/privacy/person.js';
import { runRetentionSweep, saveRetention } from '../../src/app/privacy/retention.js';
import { startRetentionSweep } from '../../src/workers/retention-sweep.js';
import type { PrivacyContext } from '../../src/app/privacy/ports.js';
import type { User } from '../../src/domain/entities.js';

const EVA = 'eva.quokka@kunde.example';
const EVA_NAME = 'Eva Quokkamüller';
/** Words that occur only in what Eva wrote (case subject, texts, her mail, her file). */
const PHRASE = 'Vergaserflansch Zebrafinkling';
const BOB_PHRASE = 'Kolibrischraube';

type App = Awaited<ReturnType<typeof buildApp>>;

async function zipEntries(zip: Buffer): Promise<Map<string, Buffer>> {
  const zf = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.fromBuffer(zip, { lazyEntries: true }, (e, z) => (e ? rej(e) : res(z!))));
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zf.on('entry', (entry: yauzl.Entry) => {
      zf.openReadStream(entry, (err, s) => {
        if (err) return reject(err);
        const parts: Buffer[] = [];
        s!.on('data', (c: Buffer) => parts.push(c));
        s!.on('end', () => {
          out.set(entry.fileName, Buffer.concat(parts));
          zf.readEntry();
        });
        s!.on('error', reject);
      });
    });
    zf.on('end', () => resolve());
    zf.on('error', reject);
    zf.readEntry();
  });
  return out;
}

async function exportToBuffer(p: PrivacyContext, email: string): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (c: Buffer) => parts.push(c));
  await exportPerson(p, 'test', email, out);
  return Buffer.concat(parts);
}

/** Every table of the database, every row, every value, as text (blobs as UTF-8): where do the needles still occur? */
async function scanAllTables(h: Harness, needles: string[]): Promise<string[]> {
  const db = h.rt.db.db;
  const tables =
    h.rt.db.dialect.name === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db)).rows.map((r) => r.name);
  assert.ok(tables.includes('inbound_mail_chunks') && tables.includes('outbound_mails') && tables.includes('blobs'));
  if (h.rt.db.dialect.name === 'sqlite') assert.ok(tables.includes('message_fts_data'), 'the FTS shadow tables are scanned too');
  const hits: string[] = [];
  for (const t of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(db)).rows;
    for (const row of rows) {
      for (const [col, v] of Object.entries(row)) {
        if (v === null || v === undefined) continue;
        const text = (Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v)).toLowerCase();
        for (const n of needles) if (text.includes(n.toLowerCase())) hits.push(`${t}.${col} contains ${n}`);
      }
    }
  }
  return hits;
}

for (const dialect of testedDialects()) {
  describe(`data protection on ${dialect}`, () => {
    const clock = manualClock(new Date('2026-11-26T10:00:00Z'));
    let h: Harness;
    let app: App;
    let p: PrivacyContext;
    let admin: Client;
    let eva: User;
    let evaCase: number;
    let evaClosedCase: number;
    let evaMailId: string;
    let bobCase: number;

    const ingest = async (raw: Buffer, from: string) => {
      const r = await receiveMail(h.ctx, { raw, channel: 'smtp', envelopeFrom: from, envelopeTo: ['support@support.example.com'] });
      await processInboundMail(h.ctx, createIngestDeps(h.rt.config), r.mailId, null);
      return r.mailId;
    };

    before(async () => {
      h = await httpHarness(dialect, clock);
      p = privacyContextFor(h.rt);
      // The app as serve builds it, with the privacy routes wired.
      app = await buildApp({ ctx: h.ctx, log: h.rt.log, web: createWebStore(h.rt.db), installation: h.ctx.installation, privacy: p });
      await addUser(h.ctx, { role: 'admin', email: 'admin@vendor.example', name: 'Ada Admin', password: PASSWORD });
      await addUser(h.ctx, { role: 'agent', email: 'agent@vendor.example', name: 'Agnes Agent', password: PASSWORD });
      eva = await addUser(h.ctx, { role: 'customer', email: EVA, name: EVA_NAME, org: 'Kunde GmbH', password: PASSWORD });
      await addUser(h.ctx, { role: 'customer', email: 'bob@other.example', name: 'Bob Builder', org: 'Other AG', password: PASSWORD });
      evaCase = (await openCase(h.ctx, { customer: EVA, subject: `Drucker ${PHRASE}`, body: `Guten Tag, der ${PHRASE} klemmt. ${EVA_NAME}` })).number;
      await addAgentReply(h.ctx, { caseNumber: evaCase, agent: 'agent@vendor.example', body: `Hallo ${EVA_NAME}, bitte senden Sie ein Foto.`, attachments: [{ filename: 'anleitung.txt', content: Buffer.from(`Anleitung für ${PHRASE}`) }] });
      // Her reply by mail: over 1 MiB, so its bytes are in inbound_mail_chunks rows.
      const filler = Array.from({ length: 16_000 }, (_, i) => `Zeile ${i} des Protokolls ${PHRASE} ${EVA}`).join('\r\n');
      evaMailId = await ingest(plainMail({ from: `${EVA_NAME} <${EVA}>`, to: 'support@support.example.com', subject: `Re: [Case #${evaCase}] Drucker`, body: `Foto anbei, ${PHRASE}.\r\n${filler}` }), EVA);
      evaClosedCase = (await openCase(h.ctx, { customer: EVA, subject: `Alt ${PHRASE}`, body: 'erledigt' })).number;
      await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: EVA, password: PASSWORD } });
      await createApiToken(h.ctx, { via: 'session', user: eva, sessionIdHash: 'seed', csrfToken: 'seed' }, { name: 'Evas Skript' });
      bobCase = (await openCase(h.ctx, { customer: 'bob@other.example', subject: `Bob ${BOB_PHRASE}`, body: `Die ${BOB_PHRASE} ist locker.` })).number;
      admin = new Client(app);
      assert.equal((await admin.login('admin@vendor.example', PASSWORD)).statusCode, 200);
      const closed = await admin.request('POST', `/api/cases/${evaClosedCase}/close`);
      assert.equal(closed.statusCode, 200, closed.body);
    });
    after(async () => {
      await app.close();
      await closeParseWorkers();
      await h.dispose();
    });

    test('the reply was accepted into her case and its bytes are in chunk rows', async () => {
      const m = await h.ctx.store.inbound.findById(evaMailId);
      assert.equal(m?.status, 'accepted', JSON.stringify(m?.decisions));
      const chunks = await h.rt.db.db.selectFrom('inbound_mail_chunks').select('seq').where('mail_id', '=', evaMailId).execute();
      assert.ok(chunks.length >= 2, `${chunks.length} chunks`);
    });

    test('export: a ZIP with person.json, the raw mails and her files; no secrets', async () => {
      const files = await zipEntries(await exportToBuffer(p, EVA));
      const doc = JSON.parse(files.get('person.json')!.toString('utf8'));
      assert.equal(doc.account.email, EVA);
      assert.equal(doc.account.name, EVA_NAME);
      assert.equal(doc.organisation.name, 'Kunde GmbH');
      assert.deepEqual(doc.cases.map((c: { number: number }) => c.number).sort(), [evaCase, evaClosedCase].sort());
      assert.ok(doc.messages.some((m: { bodyText: string; ownMessage: boolean }) => m.ownMessage && m.bodyText.includes(PHRASE)));
      assert.ok(doc.messages.some((m: { kind: string; ownMessage: boolean }) => m.kind === 'agent_reply' && !m.ownMessage), 'the answers in her cases too');
      assert.ok(doc.sessions.length >= 1 && doc.apiTokens.length === 1 && doc.apiTokens[0].name === 'Evas Skript');
      const received = doc.receivedMails.find((m: { id: string }) => m.id === evaMailId);
      const raw = files.get(received.file)!;
      assert.ok(raw.length > 1024 * 1024, 'the whole chunked mail');
      assert.deepEqual(raw, await h.ctx.store.inbound.raw(evaMailId));
      assert.ok(doc.sentMails.length >= 2, 'the agent reply and the receipt');
      for (const s of doc.sentMails) assert.match(files.get(s.file)!.toString('utf8'), new RegExp(EVA.replace('.', '\\.'), 'i'));
      const file = doc.attachments.find((a: { filename: string }) => a.filename === 'anleitung.txt');
      assert.equal(files.get(file.file)!.toString('utf8'), `Anleitung für ${PHRASE}`);
      const all = files.get('person.json')!.toString('utf8');
      assert.ok(!/argon2|password_?hash|token_?hash|id_hash|csrf/i.test(all), 'no hashes or session secrets');
      assert.ok(!all.includes('Bob') && !all.includes(BOB_PHRASE), 'nothing of another person');
    });

    test('export of an unknown address and bad input: clear errors', async () => {
      await assert.rejects(exportToBuffer(p, 'nobody@nowhere.example'), (e: AppError) => e.code === 'person_not_found');
      const r = await admin.request('GET', '/api/admin/privacy/person?email=not-an-address');
      assert.equal(r.statusCode, 400);
      assert.equal(r.json().error.code, 'invalid_input');
      const nf = await admin.request('GET', '/api/admin/privacy/person?email=nobody%40nowhere.example');
      assert.equal(nf.json().error.code, 'person_not_found');
    });

    test('the admin API: look-up and ZIP download; a customer is refused', async () => {
      const look = await admin.request('GET', `/api/admin/privacy/person?email=${encodeURIComponent(EVA)}`);
      assert.equal(look.statusCode, 200, look.body);
      assert.deepEqual(look.json().person.openCases, [evaCase]);
      const zip = await admin.request('GET', `/api/admin/privacy/person/export?email=${encodeURIComponent(EVA)}`);
      assert.equal(zip.statusCode, 200);
      assert.equal(zip.headers['content-type'], 'application/zip');
      assert.ok((await zipEntries(zip.rawPayload)).has('person.json'));
      const bob = new Client(app);
      await bob.login('bob@other.example', PASSWORD);
      assert.equal((await bob.request('GET', `/api/admin/privacy/person/export?email=${encodeURIComponent(EVA)}`)).statusCode, 403);
      for (const r of app.routeRegistry.routes.filter((x) => x.url.startsWith('/api/admin/privacy'))) assert.equal(r.access, 'admin', r.url);
    });

    test('erase is refused while she has an open case (API, use case and CLI)', async () => {
      const r = await admin.request('POST', '/api/admin/privacy/person/erase', { email: EVA });
      assert.equal(r.statusCode, 409);
      assert.equal(r.json().error.code, 'person_has_open_cases');
      assert.deepEqual(r.json().error.details.cases, [evaCase]);
      await assert.rejects(erasePerson(p, { id: null, label: 'test' }, EVA), (e: AppError) => e.code === 'person_has_open_cases');
      const c = cli(['person', 'erase', EVA], h.rt.env);
      assert.equal(c.status, 1, c.stderr);
      assert.equal(c.stderr.trim().split('\n').length, 1);
      assert.match(c.stderr, new RegExp(`open cases \\(#${evaCase}\\)`));
      assert.equal((await h.ctx.store.users.findByEmail(EVA))?.name, EVA_NAME, 'nothing was erased');
      const agent = await admin.request('POST', '/api/admin/privacy/person/erase', { email: 'agent@vendor.example', force: true });
      assert.equal(agent.json().error.code, 'person_is_staff');
    });

    test('before the erase, the searches find her (so that the absence below means something)', async () => {
      for (const q of ['Zebrafinkling', 'Vergaserflansch']) {
        const r = await admin.request('GET', `/api/cases?q=${encodeURIComponent(q)}`);
        assert.ok(r.json().cases.some((c: { number: number }) => c.number === evaCase), q);
      }
      assert.ok((await admin.request('GET', `/api/customers?q=${encodeURIComponent('Quokkamüller')}`)).json().customers.length >= 1);
      assert.ok((await scanAllTables(h, [EVA, 'Zebrafinkling'])).length > 0);
    });

    test('erase with force: her address, name and phrase are found nowhere; numbers and Bob stay', async () => {
      const r = await admin.request('POST', '/api/admin/privacy/person/erase', { email: EVA, force: true });
      assert.equal(r.statusCode, 200, r.body);
      const result = r.json().result;
      assert.equal(result.purged, true);
      assert.equal(result.counts.casesAnonymised, 2);
      assert.equal(result.counts.casesClosed, 1);
      assert.ok(result.counts.rawChunks >= 2 && result.counts.outboundMails >= 2 && result.counts.sessions >= 1 && result.counts.apiTokens === 1);
      assert.deepEqual(result.residual, []);

      // The desk's full-text search and the API.
      for (const q of ['Zebrafinkling', 'Vergaserflansch', 'Quokkamüller', 'quokka', EVA]) {
        const found = await admin.request('GET', `/api/cases?q=${encodeURIComponent(q)}&limit=500`);
        assert.equal(found.statusCode, 200);
        assert.deepEqual(found.json().cases, [], `search ${q}`);
        const customers = await admin.request('GET', `/api/customers?q=${encodeURIComponent(q)}`);
        assert.deepEqual(customers.json().customers, [], `customers ${q}`);
      }
      const mails = await admin.request('GET', '/api/mails?limit=500');
      assert.ok(!mails.body.toLowerCase().includes('quokka') && !mails.body.includes('Zebrafinkling'));
      // Every table, every value, including raw bytes, chunk rows, the outbox, blobs and the FTS index.
      assert.deepEqual(await scanAllTables(h, [EVA, 'quokka', 'Zebrafinkling', 'Vergaserflansch']), []);
      if (dialect === 'sqlite') {
        // And the database file itself: deleted content was zeroed, the WAL checkpointed.
        const file = h.rt.config.databaseUrl.replace(/^sqlite:/, '');
        for (const f of [file, `${file}-wal`].filter(existsSync)) {
          const bytes = readFileSync(f);
          for (const n of [EVA, 'Zebrafinkling']) assert.equal(bytes.indexOf(Buffer.from(n)), -1, `${f} still holds ${n}`);
        }
      }
      // Case numbers stay, closed, with the placeholder.
      const c = await h.ctx.store.cases.findByNumber(evaCase);
      assert.equal(c?.status, 'closed');
      assert.equal(c?.subject, ERASED_PLACEHOLDER);
      assert.ok(await h.ctx.store.cases.findByNumber(evaClosedCase));
      const m = await h.ctx.store.inbound.findById(evaMailId);
      assert.equal(m?.status, 'accepted', 'the mail-log row and its outcome stay for the statistics');
      assert.equal(m?.rawDeleted?.reason, 'erasure');
      // Bob is untouched and still found.
      const bob = await admin.request('GET', `/api/cases?q=${BOB_PHRASE}`);
      assert.deepEqual(bob.json().cases.map((x: { number: number }) => x.number), [bobCase]);
      // She cannot log in any more; the audit log names the admin and the account id, not the address.
      assert.equal((await new Client(app).login(EVA, PASSWORD)).statusCode, 401);
      const audit = (await admin.request('GET', '/api/admin/privacy/audit')).json().entries as Array<{ action: string; actor: string; target: string | null }>;
      const erase = audit.find((e) => e.action === 'privacy.erase')!;
      assert.equal(erase.target, `user:${eva.id}`);
      assert.ok(audit.some((e) => e.action === 'privacy.export'));
      assert.ok(!JSON.stringify(audit).includes(EVA));
    });

    test('a sender without an account: the export holds the rejected mail, the erase leaves nothing of it', async () => {
      const stranger = 'paul.passant@fremd.example';
      const id = await ingest(plainMail({ from: `Paul Passant <${stranger}>`, to: 'support@support.example.com', subject: 'Anfrage Moosgummiwalze', body: 'Haben Sie Moosgummiwalze?' }), stranger);
      assert.equal((await h.ctx.store.inbound.findById(id))?.status, 'rejected');
      const files = await zipEntries(await exportToBuffer(p, stranger));
      const doc = JSON.parse(files.get('person.json')!.toString('utf8'));
      assert.equal(doc.account, null);
      assert.deepEqual(doc.receivedMails.map((m: { id: string }) => m.id), [id]);
      assert.match(files.get(doc.receivedMails[0].file)!.toString('utf8'), /Moosgummiwalze/);
      const r = await erasePerson(p, { id: null, label: 'test' }, stranger);
      assert.equal(r.counts.account, 0);
      assert.equal(r.counts.inboundMails, 1);
      assert.deepEqual(await scanAllTables(h, [stranger, 'Moosgummiwalze', 'Passant']), []);
      assert.equal((await h.ctx.store.inbound.findById(id))?.status, 'rejected', 'the row stays for the statistics');
    });

    test('CLI: person show / export / erase with --force', () => {
      const env = h.rt.env;
      assert.equal(cli(['user', 'add', '--role', 'customer', '--email', 'carl@cli.example', '--name', 'Carl Kommandozeile', '--org', 'CLI GmbH'], env).status, 0);
      const open = cli(['case', 'open', '--customer', 'carl@cli.example', '--subject', 'Terminal Seidenraupe', '--body', 'Die Seidenraupe hängt.', '--json'], env);
      assert.equal(open.status, 0, open.stderr);
      const show = cli(['person', 'show', 'carl@cli.example', '--json'], env);
      assert.equal(show.status, 0, show.stderr);
      assert.equal(JSON.parse(show.stdout).counts.cases, 1);
      const target = join(h.rt.env.SUPPORTAL_DATA_DIR!, 'carl.zip');
      const ex = cli(['person', 'export', 'carl@cli.example', '--output', target], env);
      assert.equal(ex.status, 0, ex.stderr);
      assert.match(readFileSync(target).subarray(0, 2).toString('latin1'), /^PK/);
      assert.equal(cli(['person', 'export', 'carl@cli.example', '--output', target], env).status, 1, 'an existing export is never overwritten');
      assert.equal(cli(['person', 'erase'], env).status, 2);
      assert.equal(cli(['person', 'erase', 'carl@cli.example'], env).status, 1);
      const er = cli(['person', 'erase', 'carl@cli.example', '--force', '--json'], env);
      assert.equal(er.status, 0, er.stderr);
      assert.equal(JSON.parse(er.stdout).counts.casesClosed, 1);
      assert.equal(cli(['person', 'show', 'carl@cli.example'], env).status, 1, 'nothing left to show');
    });
  });

  describe(`retention sweep on ${dialect}`, () => {
    const clock = manualClock(new Date('2026-11-01T10:00:00Z'));
    let h: Harness;
    let p: PrivacyContext;
    let caseNumber: number;
    let adminId: string;
    let old: string;
    const DAY = 24 * 60 * 60 * 1000;
    const ingest = async (raw: Buffer, from: string) => {
      const r = await receiveMail(h.ctx, { raw, channel: 'smtp', envelopeFrom: from, envelopeTo: ['support@support.example.com'] });
      await processInboundMail(h.ctx, createIngestDeps(h.rt.config), r.mailId, null);
      return r.mailId;
    };
    const chunkRows = async (id: string) => (await h.rt.db.db.selectFrom('inbound_mail_chunks').select('seq').where('mail_id', '=', id).execute()).length;

    before(async () => {
      h = await httpHarness(dialect, clock);
      p = privacyContextFor(h.rt);
      adminId = (await addUser(h.ctx, { role: 'admin', email: 'admin@vendor.example', name: 'Ada Admin', password: PASSWORD })).id;
      await addUser(h.ctx, { role: 'customer', email: 'rita@kunde.example', name: 'Rita', org: 'Kunde GmbH' });
      caseNumber = (await openCase(h.ctx, { customer: 'rita@kunde.example', subject: 'Retention', body: 'start' })).number;
    });
    after(async () => {
      await closeParseWorkers();
      await h.dispose();
    });

    test('off by default: nothing is deleted however old', async () => {
      old = await ingest(plainMail({ from: 'rita@kunde.example', to: 'support@support.example.com', subject: `Re: [Case #${caseNumber}] x`, body: 'alt' }), 'rita@kunde.example');
      clock.advance(3650 * DAY);
      const r = await runRetentionSweep(p);
      assert.deepEqual([r.rawMailDays, r.rejectedMailDays, r.items], [null, null, []]);
      assert.ok(await h.ctx.store.inbound.raw(old));
      clock.set(new Date('2026-11-01T10:00:00Z'));
    });

    test('raw sources after N days (chunk rows too, the case message stays), rejected and quarantined mails after M days', async () => {
      const big = 'Protokoll '.repeat(150_000);
      const accepted = await ingest(plainMail({ from: 'rita@kunde.example', to: 'support@support.example.com', subject: `Re: [Case #${caseNumber}] Log`, body: `Das Log: Fernrohrdichtung\r\n${big}` }), 'rita@kunde.example');
      const rejected = await ingest(plainMail({ from: 'stranger@else.example', to: 'support@support.example.com', subject: 'Hallo', body: 'ohne Fall' }), 'stranger@else.example');
      const quarantined = await ingest(plainMail({ from: 'other@else.example', to: 'support@support.example.com', subject: 'q', body: 'quarantäne' }), 'other@else.example');
      await h.ctx.store.inbound.setOutcome(quarantined, { status: 'quarantined', reason: 'virus', detail: null, caseId: null, fromAddress: 'rita@kunde.example', subject: 'q', scan: null, auth: null, decisions: [], processedAt: clock.now().toISOString(), processingMs: 1 });
      // Received later and not yet processed: its bytes are needed whatever its age.
      const waiting = (await receiveMail(h.ctx, { raw: plainMail({ from: 'rita@kunde.example', to: 'support@support.example.com', subject: 'wartet', body: 'w' }), channel: 'smtp', envelopeFrom: 'rita@kunde.example', envelopeTo: ['support@support.example.com'] })).mailId;
      assert.equal((await h.ctx.store.inbound.findById(accepted))?.status, 'accepted');
      assert.equal((await h.ctx.store.inbound.findById(rejected))?.status, 'rejected');
      assert.ok((await chunkRows(accepted)) >= 2);

      const saved = await saveRetention(p, adminId, { rawMailDays: 30, rejectedMailDays: 10 });
      assert.equal(saved.source, 'admin');

      clock.advance(9 * DAY);
      assert.deepEqual((await runRetentionSweep(p)).items, [], 'nothing is 10 days old yet');

      clock.advance(2 * DAY);
      const r11 = await runRetentionSweep(p);
      assert.deepEqual(r11.items.map((i) => [i.mailId, i.action, i.outcome]).sort(), [[rejected, 'mail_deleted', 'done'], [quarantined, 'mail_deleted', 'done']].sort());
      assert.equal(await h.ctx.store.inbound.findById(rejected), null);
      assert.equal(await h.ctx.store.inbound.findById(quarantined), null);
      assert.ok(await h.ctx.store.inbound.raw(accepted), 'the accepted one keeps its bytes for now');

      clock.advance(20 * DAY);
      const r31 = await runRetentionSweep(p);
      assert.deepEqual(r31.items.map((i) => [i.mailId, i.action, i.outcome]).sort(), [[accepted, 'raw_deleted', 'done'], [old, 'raw_deleted', 'done']].sort());
      assert.ok(r31.items.find((i) => i.mailId === accepted)!.chunks >= 2);
      assert.equal(await chunkRows(accepted), 0);
      assert.equal(await h.ctx.store.inbound.raw(accepted), null);
      assert.ok(await h.ctx.store.inbound.raw(waiting), 'a mail still waiting for processing keeps its bytes');
      const messages = await h.ctx.store.messages.listByCase((await h.ctx.store.cases.findByNumber(caseNumber))!.id);
      assert.ok(messages.some((m) => m.inboundMailId === accepted && m.bodyText.includes('Fernrohrdichtung')), 'the case message stays');

      // The mail log says why there is nothing to download (the web UI words it in German and English).
      const admin = new Client(h.app);
      await admin.login('admin@vendor.example', PASSWORD);
      const entry = (await admin.request('GET', `/api/mails/${accepted}`)).json().mail;
      assert.equal(entry.status, 'accepted');
      assert.deepEqual({ reason: entry.rawDeleted.reason, afterDays: entry.rawDeleted.afterDays }, { reason: 'retention', afterDays: 30 });
      assert.equal((await admin.request('GET', `/api/mails/${accepted}/raw`)).statusCode, 404);
    });

    test('one failing row is reported and the rest of the pass goes on; the serve worker runs the sweep', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(await ingest(plainMail({ from: 'rita@kunde.example', to: 'support@support.example.com', subject: `Re: [Case #${caseNumber}] n${i}`, body: `nummer ${i}` }), 'rita@kunde.example'));
      clock.advance(31 * DAY);
      const failing = ids[1]!;
      const broken: PrivacyContext = {
        ...p,
        privacy: { ...p.privacy, retention: { ...p.privacy.retention, dropRawForRetention: (id, ...rest) => (id === failing ? Promise.reject(new Error('disk on fire')) : p.privacy.retention.dropRawForRetention(id, ...rest)) } },
      };
      const r = await runRetentionSweep(broken, { batch: 2 });
      assert.equal(r.items.length, 2, 'batched');
      const r2 = await runRetentionSweep(broken, { batch: 10 });
      const byId = new Map([...r.items, ...r2.items].map((i) => [i.mailId, i]));
      assert.equal(byId.get(failing)?.outcome, 'failed');
      assert.equal(byId.get(failing)?.error, 'disk on fire');
      for (const id of [ids[0]!, ids[2]!]) assert.equal(byId.get(id)?.outcome, 'done', id);
      assert.ok(await h.ctx.store.inbound.raw(failing));

      const loop = startRetentionSweep(p, h.rt.log, { idleMs: 20 });
      try {
        for (let i = 0; i < 200 && (await h.ctx.store.inbound.raw(failing)); i++) await new Promise((res) => setTimeout(res, 25));
      } finally {
        await loop.stop();
      }
      assert.equal(await h.ctx.store.inbound.raw(failing), null);
      // Back to the configuration (off): nothing more is deleted.
      assert.equal((await saveRetention(p, adminId, null)).source, 'config');
    });
  });
}
