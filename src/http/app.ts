import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext } from '../app/context.js';
import { AppError } from '../app/errors.js';

export interface HttpDeps {
  ctx: AppContext;
  log: Logger;
}

/**
 * Builds the HTTP application without listening, so that tests drive it with inject().
 * Errors leave through one mapper as { error: { code, message, details } }.
 */
export async function buildApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({ loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger, bodyLimit: 1024 * 1024, disableRequestLogging: true });

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof AppError) {
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, details: err.details ?? {} } });
    }
    const e = err as { validation?: unknown; statusCode?: number; message: string };
    if (e.validation) return reply.status(400).send({ error: { code: 'invalid_input', message: e.message, details: {} } });
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.status(e.statusCode).send({ error: { code: e.statusCode === 413 ? 'too_large' : 'invalid_input', message: e.message, details: {} } });
    }
    deps.log.error({ err }, 'request failed');
    return reply.status(500).send({ error: { code: 'internal', message: 'Something went wrong on our side.', details: {} } });
  });
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ error: { code: 'not_found', message: 'Not found.', details: {} } }));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await deps.ctx.store.ping();
      return { status: 'ready' };
    } catch (e) {
      return reply.status(503).send({ error: { code: 'unavailable', message: `database unreachable: ${(e as Error).message}`, details: {} } });
    }
  });
  return app;
}
