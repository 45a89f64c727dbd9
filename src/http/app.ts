import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext } from '../app/context.js';
import type { WebContext, WebStore } from '../app/auth/ports.js';
import { AppError } from '../app/errors.js';
import { createRouter, type Router } from './route-registry.js';
import { authenticate, checkAccess, checkCsrf } from './request-guard.js';
import { securityHeaders } from './security-headers.js';
import { metaRoutes } from './routes/meta.js';
import { authRoutes } from './routes/auth.js';
import { caseRoutes } from './routes/cases.js';
import { mailRoutes } from './routes/mails.js';
import { adminRoutes } from './routes/admin.js';

export interface HttpDeps {
  ctx: AppContext;
  log: Logger;
  web: WebStore;
  /** Trust X-Forwarded-* from a reverse proxy (TLS terminated in front of us); off by default. */
  trustProxy?: boolean;
}

/** What route files receive. */
export interface RouteDeps {
  ctx: WebContext;
  router: Router;
}

function errorBody(code: string, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}

/**
 * Builds the HTTP application without listening, so that tests drive it with inject().
 * Errors leave through one mapper as { error: { code, message, details } }. Every request passes
 * the guard (who is it, CSRF, access level) before its body is even parsed.
 *
 * Usage:
 *   const app = await buildApp({ ctx, log, web: createWebStore(db) });
 *   const res = await app.inject({ method: 'GET', url: '/api/auth/me' });
 */
export async function buildApp(deps: HttpDeps): Promise<FastifyInstance & { routeRegistry: Router }> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger,
    // 1 MiB of JSON is far more than a reply text; uploads will get their own route and limit.
    bodyLimit: 1024 * 1024,
    disableRequestLogging: true,
    trustProxy: deps.trustProxy ?? false,
  });
  const ctx: WebContext = { ...deps.ctx, web: deps.web };

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof AppError) {
      const retry = err.details?.retryAfterSeconds;
      if (typeof retry === 'number') reply.header('retry-after', String(retry));
      return reply.status(err.status).send(errorBody(err.code, err.message, err.details ?? {}));
    }
    const e = err as { validation?: unknown; statusCode?: number; message: string };
    if (e.validation) return reply.status(400).send(errorBody('invalid_input', e.message));
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      // Malformed JSON, an empty JSON body, a wrong content type: the parser's 4xx (C6).
      return reply.status(e.statusCode).send(errorBody(e.statusCode === 413 ? 'too_large' : 'invalid_input', e.message));
    }
    deps.log.error({ err }, 'request failed');
    return reply.status(500).send(errorBody('internal', 'Something went wrong on our side.'));
  });
  app.setNotFoundHandler((_req, reply) => reply.status(404).send(errorBody('not_found', 'Not found.')));

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config.access;
    if (!access) return; // no such route: the not-found handler answers
    req.principal = await authenticate(ctx, req);
    checkCsrf(req, req.principal, ctx.mail.publicUrl);
    checkAccess(access, req.principal);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    securityHeaders(req, reply);
    return payload;
  });

  const router = createRouter(app);
  const r: RouteDeps = { ctx, router };
  metaRoutes(r, app);
  authRoutes(r);
  caseRoutes(r);
  mailRoutes(r);
  adminRoutes(r);
  await app.ready();
  return Object.assign(app, { routeRegistry: router });
}
