import { createHash, randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { createWebStore } from '../../src/db/stores/web.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { addInternalNote } from '../../src/app/portal/case-actions.js';
import type { WebContext } from '../../src/app/web-context.js';
import type { Clock } from '../../src/app/ports.js';
import type { Case, User } from '../../src/domain/entities.js';
import { testRuntime, type TestRuntime } from '../support/runtime.js';
import type { DialectName } from '../support/databases.js';
import type { UploadGate } from '../../src/app/portal/ports.js';
import { inspectAttachments } from '../../src/inbound/attachments/inspect-attachments.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../src/domain/attachment-policy.js';
import { installationSettingsFor } from '../../src/composition.js';
import type { PortalContext } from '../../src/app/web-context.js';
import type { OutboxTools } from '../../src/app/outbox-viewer/ports.js';
import { outboxMailReader } from '../../src/inbound/parse/outbox-mail-reader.js';
import { customerReplyComposer } from '../../src/outbound/customer-reply-composer.js';
import { zipMaker } from '../../src/archive/zip-maker.js';
import { mailReaderFrom } from '../../src/app/desk/rejected-mail.js';
import { createIngestDeps } from '../../src/ingest-deps.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';

/** The real upload inspection of the composition root, without a virus scanner. */
export function realUploadGate(scanner: UploadGate['scanner'] = null): UploadGate {
  return { inspector: { inspect: (files, policy) => inspectAttachments(files, policy) }, scanner, policy: DEFAULT_ATTACHMENT_POLICY };
}

export type App = Awaited<ReturnType<typeof buildApp>>;

export interface Harness {
  rt: TestRuntime;
  app: App;
  /** What the use cases get: the composer renders with the admin's template wording. */
  ctx: WebContext & Pick<PortalContext, 'installation'>;
  dispose(): Promise<void>;
}

/** A migrated runtime, the web store and the HTTP app over it. */
export async function httpHarness(
  dialect: DialectName,
  clock?: Clock,
  opts: { trustProxy?: boolean | string[]; accessLog?: boolean; uploads?: UploadGate | null; webRoot?: string; livePollMs?: number; liveMaxLifetimeMs?: number; env?: Record<string, string>; outbox?: OutboxTools } = {},
): Promise<Harness> {
  const rt = await testRuntime(dialect, opts.env ?? {}, clock);
  const web = createWebStore(rt.db);
  const uploads = opts.uploads === undefined ? realUploadGate() : opts.uploads;
  // As serve wires it: one settings instance for the app, the composer and (in tests) the pipeline.
  const { installation, ctx } = installationSettingsFor(rt);
  await installation.refresh();
  // The desk reads stored mails with the pipeline's parser, as serve wires it.
  const mailReader = mailReaderFrom(createIngestDeps(rt.config, { settings: installation }));
  const app = await buildApp({ ctx, log: rt.log, web, trustProxy: opts.trustProxy, accessLog: opts.accessLog, uploads, webRoot: opts.webRoot, livePollMs: opts.livePollMs, liveMaxLifetimeMs: opts.liveMaxLifetimeMs, installation, mailReader,
    // The outbox viewer as serve wires it, without an SMTP listener to reply through.
    outbox: opts.outbox ?? { reader: outboxMailReader, composer: customerReplyComposer, smtp: null, zip: zipMaker } });
  return {
    rt,
    app,
    ctx: { ...ctx, web, uploads, events: app.events, installation },
    async dispose() {
      await app.close();
      // The desk's mail reader may have started parse workers; a later harness starts them again.
      await closeParseWorkers();
      await rt.dispose();
    },
  };
}

/** A browser (cookie + CSRF token) or an integration (bearer token) talking to the app. */
export class Client {
  cookie: string | null = null;
  csrf: string | null = null;
  bearer: string | null = null;
  constructor(
    private readonly app: App,
    private readonly opts: { remoteAddress?: string; headers?: Record<string, string> } = {},
  ) {}

  async request(method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const h: Record<string, string> = { ...this.opts.headers, ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] ??= this.csrf;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const res = await this.app.inject({ method, url, headers: h, ...(body !== undefined ? { payload: body as object } : {}), remoteAddress: this.opts.remoteAddress ?? '127.0.0.1' });
    const set = res.headers['set-cookie'];
    const first = Array.isArray(set) ? set[0] : set;
    if (first) {
      const pair = first.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? null : pair;
    }
    return res;
  }

  async login(email: string, password: string): Promise<LightMyRequestResponse> {
    const res = await this.request('POST', '/api/auth/login', { email, password });
    if (res.statusCode === 200) this.csrf = (res.json() as { csrfToken: string }).csrfToken;
    return res;
  }
}

export const PASSWORD = 'correct horse battery';

/**
 * Two organisations. Acme: Alice (customer), Anna (organisation admin) and Alice's case with a
 * message, an agent reply with an attachment, an internal note and an inbound mail, each carrying
 * a marker string. Globex: Bob. Plus an agent and an admin.
 */
export interface World {
  alice: User; anna: User; bob: User; agent: User; admin: User;
  aliceCase: Case; bobCase: Case;
  attachmentId: string; noteAttachmentId: string; aliceMailId: string; bobMailId: string;
  /** A customer reply that came by e-mail with HTML (a remote image kept as data-remote-src). */
  htmlMessageId: string;
  /** The agent's reply to Alice (with its file), held in the outbox. */
  aliceReplyOutboxId: string;
  productId: string; versionId: string;
  markers: string[];
}

export async function seedWorld(h: Harness): Promise<World> {
  const ctx = h.ctx;
  const alice = await addUser(ctx, { role: 'customer', email: 'alice@acme.example', name: 'Alice', org: 'Acme', password: PASSWORD });
  const anna = await addUser(ctx, { role: 'customer', email: 'anna@acme.example', name: 'Anna', org: 'Acme', orgAdmin: true, password: PASSWORD });
  const bob = await addUser(ctx, { role: 'customer', email: 'bob@globex.example', name: 'Bob', org: 'Globex', password: PASSWORD });
  const agent = await addUser(ctx, { role: 'agent', email: 'agent@support.example', name: 'Agnes Agent', password: PASSWORD });
  const admin = await addUser(ctx, { role: 'admin', email: 'admin@support.example', name: 'Adam Admin', password: PASSWORD });
  const aliceCase = await openCase(ctx, { customer: alice.email, subject: 'MARKER-A-SUBJECT printer', body: 'MARKER-A-BODY it smokes' });
  const bobCase = await openCase(ctx, { customer: bob.email, subject: 'Globex question', body: 'How do I?' });
  const aliceReplyOutboxId = (await addAgentReply(ctx, { caseNumber: aliceCase.number, agent: agent.email, body: 'Try this.', attachments: [{ filename: 'MARKER-A-FILE.txt', content: Buffer.from('MARKER-A-CONTENT') }] })).outboundId;
  const note = await addInternalNote(ctx, agent, aliceCase.number, { body: 'MARKER-A-NOTE customer is grumpy' });
  const noteAttachmentId = randomUUID();
  const noteContent = Buffer.from('MARKER-A-NOTEFILE');
  await ctx.store.attachments.insert(
    { id: noteAttachmentId, caseId: aliceCase.id, messageId: note.id, filename: 'MARKER-A-NOTEFILE.txt', detectedType: 'text/plain', size: noteContent.length, sha256: createHash('sha256').update(noteContent).digest('hex'), scan: 'clean', createdAt: new Date().toISOString() },
    noteContent,
  );
  const attachmentId = (await ctx.store.attachments.listByCase(aliceCase.id)).find((a) => a.filename === 'MARKER-A-FILE.txt')!.id;
  const aliceMailId = await inboundMail(h, alice.email, 'MARKER-A-MAIL subject', aliceCase.id, 'accepted');
  const bobMailId = await inboundMail(h, bob.email, 'Globex mail', bobCase.id, 'rejected');
  const htmlMessageId = randomUUID();
  await ctx.store.messages.insert({
    id: htmlMessageId, caseId: aliceCase.id, authorId: alice.id, authorEmail: alice.email, kind: 'customer_reply', source: 'email',
    bodyText: 'MARKER-A-HTMLTEXT see picture',
    bodyHtml: '<p>MARKER-A-HTML <b>see</b> picture</p><img data-remote-src="http://169.254.169.254/latest" alt="[image]"><img src="cid:logo@x" alt="logo">',
    quotedText: null, inboundMailId: aliceMailId, outboundMailId: null, createdAt: new Date().toISOString(),
  });
  const productId = randomUUID();
  await ctx.store.products.insert({ id: productId, name: 'Widget' });
  await ctx.store.products.addVersion(productId, '1.0');
  await ctx.store.products.addVersion(productId, '2.0');
  const versionId = (await ctx.web.catalog.products(true)).find((p) => p.id === productId)!.versions.find((v) => v.name === '1.0')!.id;
  return {
    alice, anna, bob, agent, admin, aliceCase, bobCase, attachmentId, noteAttachmentId, aliceMailId, bobMailId, htmlMessageId, aliceReplyOutboxId, productId, versionId,
    markers: ['MARKER-A-SUBJECT', 'MARKER-A-BODY', 'MARKER-A-FILE', 'MARKER-A-NOTE', 'MARKER-A-MAIL', 'MARKER-A-CONTENT', 'MARKER-A-HTML', 'alice@acme.example', aliceCase.id],
  };
}

export async function inboundMail(h: Harness, from: string, subject: string, caseId: string | null, status: 'accepted' | 'rejected'): Promise<string> {
  const id = randomUUID();
  // With one attached file, so that the desk's download of a mail's attachment has something to serve.
  const raw = Buffer.from(
    `From: ${from}\r\nSubject: ${subject}\r\nMessage-ID: <${id}@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b-${id}"\r\n\r\n` +
      `--b-${id}\r\nContent-Type: text/plain\r\n\r\nhello ${id}\r\n--b-${id}\r\nContent-Type: text/plain; name="log.txt"\r\nContent-Disposition: attachment; filename="log.txt"\r\n\r\nall fine\r\n--b-${id}--\r\n`,
  );
  const now = new Date().toISOString();
  await h.ctx.store.inbound.insert({ id, receivedAt: now, channel: 'smtp', envelopeFrom: from, envelopeTo: ['support@support.example.com'], remoteIp: '192.0.2.1', messageId: `<${id}@x>`, sha256: createHash('sha256').update(raw).digest('hex'), raw });
  await h.ctx.store.inbound.setOutcome(id, {
    status, reason: status === 'rejected' ? 'case_closed' : null, detail: null, caseId, fromAddress: from, subject, scan: null, auth: null,
    decisions: [{ step: '010-store', verdict: 'continue' }], processedAt: now, processingMs: 3,
  });
  return id;
}
