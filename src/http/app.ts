import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import type { Logger } from 'pino';
import type { AppContext } from '../app/context.js';
import type { WebStore } from '../app/web-context.js';
import { AppError, ERRORS } from '../app/errors.js';
import { readerLanguage } from './reader-language.js';
import { createRouter, type RouteDeps, type Router } from './route-registry.js';
import { authenticate, checkAccess, checkCsrf } from './request-guard.js';
import { securityHeaders } from './security-headers.js';
import { metaRoutes } from './routes/meta.js';
import { authRoutes } from './routes/auth.js';
import { caseRoutes } from './routes/cases.js';
import { mailRoutes } from './routes/mails.js';
import { adminRoutes } from './routes/admin.js';
import { adminCatalogRoutes } from './routes/admin-catalog.js';
import { deskRoutes } from './routes/desk.js';
import { quarantineRoutes } from './routes/quarantine.js';
import { liveRoutes } from './routes/live.js';
import { serveWebUi, webUiRoutes } from './routes/web-ui.js';
import { privacyRoutes } from './routes/privacy.js';
import { rejectedMailRoutes } from './routes/rejected-mail.js';
import { mailboxRoutes } from './routes/mailboxes.js';
import { relayRoutes } from './routes/relay.js';
import type { RelayStateStore } from '../app/ports.js';
import type { MailboxContext } from '../app/mailboxes/mailboxes.js';
import type { PrivacyContext } from '../app/privacy/ports.js';
import { createLiveStreams, type LiveStreams } from './live-stream.js';
import { accessLogLine } from './access-log.js';
import { createAfterResponse, type AfterResponse } from './after-response.js';
import { metricsRoute } from './routes/metrics.js';
import { createPortalEventBus } from '../app/live/event-bus.js';
import type { PortalContext } from '../app/web-context.js';
import type { PortalEventBus } from '../app/live/ports.js';
import type { MailReader } from '../app/desk/ports.js';
import type { UploadGate } from '../app/portal/ports.js';
import type { InstallationSettings } from '../app/settings/installation-settings.js';
import { createZipListing } from '../app/portal/zip-listing.js';
import { MAX_FIELD_BYTES, MAX_FILES_PER_REQUEST } from './multipart-body.js';
import { outboxRoutes } from './routes/outbox.js';
import type { OutboxTools } from '../app/outbox-viewer/ports.js';

/** The built web UI of this checkout (`vite build` writes web/dist). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface HttpDeps {
  ctx: AppContext;
  log: Logger;
  web: WebStore;
  /**
   * The reverse proxies (addresses, CIDRs) whose X-Forwarded-For and X-Forwarded-Proto count
   * (SUPPORTAL_TRUST_PROXY); anyone else's are ignored. `true` trusts every peer (tests only).
   */
  trustProxy?: boolean | readonly string[];
  /** One info line per request with the client IP, method, path, status and time (SUPPORTAL_ACCESS_LOG). */
  accessLog?: boolean;
  /** GET /metrics on this port behind a bearer token (SUPPORTAL_METRICS_TOKEN); absent = /metrics answers 404. */
  metrics?: { token: string; render(): Promise<{ contentType: string; body: string }> } | null;
  /**
   * How uploads are judged: the inbound pipeline's inspector, scanner and policy (server.ts passes
   * them). Without it, uploads that carry files are refused with 503 `unavailable`.
   */
  uploads?: UploadGate | null;
  /**
   * The admin-edited settings (attachment policy, size limit, template wording), the same instance
   * the inbound pipeline and the composer read, so that a change is in effect at once.
   */
  installation: InstallationSettings;
  /** The in-process bus the inbound worker publishes to; a new one when not given (the streams still poll). */
  events?: PortalEventBus;
  /** The folder with the built web UI (index.html, assets/); default `<repo>/web/dist`. */
  webRoot?: string;
  /** How often each live-update stream polls the database; 2 s unless a test wants it faster. */
  livePollMs?: number;
  /** How long one live-update stream may stay open (LIVE_STREAM_MAX_MS unless a test wants it shorter). */
  liveMaxLifetimeMs?: number;
  /** Export, erase and retention (the admin's data-protection page); without it those routes answer 503. */
  privacy?: PrivacyContext | null;
  /** The outbox viewer's mail reader and the demo's "reply as the customer" (composer, loopback SMTP); without it those routes answer 503. */
  outbox?: OutboxTools | null;
  /** Reads stored mails for the desk (a rejected mail's text and files); without it those routes answer 422 mail_unreadable. */
  mailReader?: MailReader | null;
  /** The admin's inbound mailboxes (OAuth2 presets, connect flow); without it those routes answer 503. */
  mailboxes?: MailboxContext | null;
  /** The outgoing relay's state as the sending nodes recorded it; without it GET /api/admin/relay answers 503. */
  relayStates?: Pick<RelayStateStore, 'read'> | null;
}

function trustProxyOption(t: HttpDeps['trustProxy']): boolean | string[] {
  if (t === undefined || typeof t === 'boolean') return t ?? false;
  return t.length ? [...t] : false;
}

function errorBody(code: string, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}

/**
 * Builds the HTTP application without listening, so that tests drive it with inject().
 * Errors leave through one mapper as { error: { code, message, details } }, `message` in the
 * reader's language (readerLanguage: the user's, else Accept-Language, else English) with a
 * Content-Language header naming it, so that the web UI can tell whether it matches its own.
 * Every request passes the guard (who is it, CSRF, access level) before its body is even parsed.
 *
 * Usage:
 *   const app = await buildApp({ ctx, log, web: createWebStore(db), installation });
 *   const res = await app.inject({ method: 'GET', url: '/api/auth/me' });
 */
export async function buildApp(deps: HttpDeps): Promise<FastifyInstance & { routeRegistry: Router; events: PortalEventBus; liveStreams: LiveStreams; installation: InstallationSettings; afterResponse: AfterResponse }> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger,
    // 1 MiB of JSON is far more than a reply text; uploads will get their own route and limit.
    bodyLimit: 1024 * 1024,
    // Our own request log is the audit trail and the mail log; Fastify's per-request lines (two
    // per request, the full URL with its query) are noise. SUPPORTAL_ACCESS_LOG adds one line per
    // request of our own instead (accessLogLine below).
    logController: new LogController({ disableRequestLogging: true }),
    // Fastify hands a list to proxy-addr: only a peer in it may name the client and the scheme.
    trustProxy: trustProxyOption(deps.trustProxy),
  });
  app.decorate('httpsPublicUrl', deps.ctx.mail.publicUrl.startsWith('https:'));
  const events = deps.events ?? createPortalEventBus();
  const uploads = deps.uploads ?? null;
  const ctx: PortalContext = {
    ...deps.ctx, web: deps.web, uploads, events, installation: deps.installation,
    zipListing: createZipListing(uploads, (id) => deps.ctx.store.attachments.content(id)),
    mailReader: deps.mailReader ?? null,
  };
  const webRoot = deps.webRoot ?? DEFAULT_WEB_ROOT;

  app.setErrorHandler((err, req, reply) => {
    const lang = readerLanguage(req);
    reply.header('content-language', lang);
    if (err instanceof AppError) {
      const retry = err.details?.retryAfterSeconds;
      if (typeof retry === 'number') reply.header('retry-after', String(retry));
      return reply.status(err.status).send(errorBody(err.code, err.text[lang], err.details ?? {}));
    }
    const e = err as { validation?: Array<{ instancePath?: string; params?: { missingProperty?: string; additionalProperty?: string } }>; statusCode?: number; message: string };
    if (e.validation) {
      // The field as the use cases name it (`templates.receipt.en.text`), so that a form marks the right input.
      const v = e.validation[0];
      const path = [...(v?.instancePath ?? '').split('/').filter(Boolean), v?.params?.missingProperty ?? v?.params?.additionalProperty].filter(Boolean).join('.');
      // Ajv words its messages in English; the German reader gets the registry's sentence and the field.
      const message = lang === 'en' ? e.message : `${ERRORS.invalid_input.message.de}${path ? ` (${path})` : ''}`;
      return reply.status(400).send(errorBody('invalid_input', message, path ? { field: path } : {}));
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      // Malformed JSON, an empty JSON body, a wrong content type: the parser's 4xx (C6).
      const code = e.statusCode === 413 ? 'too_large' : 'invalid_input';
      return reply.status(e.statusCode).send(errorBody(code, lang === 'en' ? e.message : ERRORS[code].message[lang]));
    }
    deps.log.error({ err, ip: req.ip, method: req.method, path: req.url.split('?')[0] }, 'request failed');
    return reply.status(500).send(errorBody('internal', ERRORS.internal.message[lang]));
  });
  app.setNotFoundHandler(async (req, reply) => {
    if (await serveWebUi(req, reply, webRoot)) return reply;
    const lang = readerLanguage(req);
    return reply.header('content-language', lang).status(404).send(errorBody('not_found', ERRORS.not_found.message[lang]));
  });

  // Files are read into memory up to the mail size limit: an upload is judged like a mail of that size.
  await app.register(fastifyMultipart, { limits: { fileSize: ctx.mail.maxMessageBytes, files: MAX_FILES_PER_REQUEST, fieldSize: MAX_FIELD_BYTES, fields: 20, parts: 60 } });
  // serve: false: every route goes through the registry (with its access level); the plugin only lends sendFile.
  await app.register(fastifyStatic, { root: webRoot, serve: false });
  const liveStreams = createLiveStreams(ctx, app.log, { pollMs: deps.livePollMs, maxLifetimeMs: deps.liveMaxLifetimeMs });
  app.addHook('preClose', async () => liveStreams.closeAll());
  const afterResponse = createAfterResponse(app.log);
  app.addHook('onClose', async () => afterResponse.idle());

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config.access;
    if (!access) return; // no such route: the not-found handler answers
    req.principal = await authenticate(ctx, req);
    checkCsrf(req, req.principal, ctx.mail.publicUrl);
    checkAccess(access, req.principal, req.method);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    securityHeaders(req, reply);
    return payload;
  });
  if (deps.accessLog) {
    const accessLog = deps.log.child({ component: 'access' });
    app.addHook('onResponse', async (req, reply) => {
      accessLog.info(accessLogLine(req, reply.statusCode, reply.elapsedTime), 'request');
    });
  }

  const router = createRouter(app);
  const r: RouteDeps = { ctx, router, afterResponse };
  metaRoutes(r, app);
  authRoutes(r);
  caseRoutes(r);
  mailRoutes(r);
  quarantineRoutes(r);
  rejectedMailRoutes(r);
  deskRoutes(r);
  liveRoutes(r, liveStreams);
  adminRoutes(r);
  adminCatalogRoutes(r);
  privacyRoutes(router, deps.privacy ?? null);
  outboxRoutes(r, deps.outbox ?? null);
  mailboxRoutes(router, deps.mailboxes ?? null);
  relayRoutes(r, deps.relayStates ?? null);
  metricsRoute(router, deps.metrics ?? null);
  webUiRoutes(router, webRoot);
  await app.ready();
  return Object.assign(app, { routeRegistry: router, events, liveStreams, installation: deps.installation, afterResponse });
}
