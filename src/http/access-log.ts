import type { FastifyRequest } from 'fastify';

/**
 * One access-log line. The path without its query: links in mails carry tokens in the query
 * (e-mail verification, password reset), and a log is read by more people than should hold them.
 * `ip` is the client as the trusted proxy reported it (SUPPORTAL_TRUST_PROXY), else the peer.
 */
export function accessLogLine(req: FastifyRequest, status: number, elapsedMs: number): Record<string, unknown> {
  return {
    ip: req.ip,
    method: req.method,
    path: req.url.split('?')[0],
    status,
    ms: Math.round(elapsedMs * 10) / 10,
    user: req.principal?.user.id ?? null,
    userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 200) : null,
  };
}
