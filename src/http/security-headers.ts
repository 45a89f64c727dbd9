import type { FastifyReply, FastifyRequest } from 'fastify';

/** The app's own pages and API answers load nothing from elsewhere and are never framed. */
export const APP_CSP = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/**
 * Headers every response carries. A route may set its own CSP first (downloads set `sandbox`);
 * the rest are fixed. No Access-Control-* header is ever sent: the API serves its own origin
 * only, and reflecting an Origin with credentials would hand sessions to any site (W7).
 */
export function securityHeaders(req: FastifyRequest, reply: FastifyReply): void {
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', APP_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  // One year, the common preload minimum; only sent over HTTPS as the RFC 6797 says.
  if (req.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000');
  for (const h of Object.keys(reply.getHeaders())) if (h.toLowerCase().startsWith('access-control-')) reply.removeHeader(h);
}
