import { createHash, timingSafeEqual } from 'node:crypto';
import type { Router } from '../route-registry.js';
import { AppError } from '../../app/errors.js';

/** Compared as SHA-256 digests: equal lengths for timingSafeEqual, and no early exit on the first differing byte. */
function sameToken(sent: string, expected: string): boolean {
  const a = createHash('sha256').update(sent).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * GET /metrics on the web port, for a Prometheus server that sends SUPPORTAL_METRICS_TOKEN as a
 * bearer token. Public at the guard (the token is no user's API token) and checked here; left
 * out of the OpenAPI document, which describes the API for integrations. Without a token it is
 * 404 (registered all the same, so that the web UI's fallback never answers /metrics with a page).
 */
export function metricsRoute(router: Router, metrics: { token: string; render(): Promise<{ contentType: string; body: string }> } | null): void {
  router.route({
    method: 'GET', url: '/metrics', access: 'public', tag: 'meta', hidden: true,
    summary: 'Prometheus metrics; needs the metrics token as a bearer token.',
    response: { status: 200, description: 'The metrics in the Prometheus text format.', contentType: 'text/plain' },
    async handler(req, reply) {
      if (!metrics) throw new AppError('not_found');
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!m || !sameToken(m[1]!, metrics.token)) throw new AppError('unauthenticated', { de: 'Das Metrik-Token fehlt oder ist falsch.', en: 'The metrics token is missing or wrong.' });
      const { contentType, body } = await metrics.render();
      return reply.header('content-type', contentType).send(body);
    },
  });
}
