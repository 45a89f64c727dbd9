import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../route-registry.js';
import { buildOpenApi } from '../openapi.js';
import { listProducts } from '../../app/admin/catalog.js';
import { arrayOf, obj } from './schemas.js';

export function metaRoutes({ ctx, router }: RouteDeps, _app: FastifyInstance): void {
  router.route({
    method: 'GET', url: '/healthz', access: 'public', tag: 'meta',
    summary: 'Liveness: the process answers.',
    response: { status: 200, description: 'Alive.', schema: obj({ status: { const: 'ok' } }) },
    async handler() {
      return { status: 'ok' };
    },
  });

  router.route({
    method: 'GET', url: '/readyz', access: 'public', tag: 'meta',
    summary: 'Readiness: the database answers.',
    response: { status: 200, description: 'Ready.', schema: obj({ status: { const: 'ready' } }) },
    async handler(_req, reply) {
      try {
        await ctx.store.ping();
        return { status: 'ready' };
      } catch (e) {
        return reply.status(503).send({ error: { code: 'unavailable', message: `database unreachable: ${(e as Error).message}`, details: {} } });
      }
    },
  });

  router.route({
    method: 'GET', url: '/api/openapi.json', access: 'public', tag: 'meta',
    summary: 'This API described as OpenAPI 3.1, generated from the route registry.',
    response: { status: 200, description: 'The document.', schema: { type: 'object' } },
    async handler() {
      return buildOpenApi(router.routes, { title: 'Supportal API', version: '1' });
    },
  });

  router.route({
    method: 'GET', url: '/api/products', access: 'customer', tag: 'cases',
    summary: 'The products and their versions, for opening a case.',
    response: { status: 200, description: 'The products.', schema: obj({ products: arrayOf({ type: 'object' }) }) },
    async handler() {
      return { products: await listProducts(ctx) };
    },
  });
}
