import type { FastifyRequest } from 'fastify';
import type { WebContext } from '../app/web-context.js';
import type { Principal } from '../app/auth/principal.js';
import { resolveSession } from '../app/auth/sessions.js';
import { resolveApiToken, tokenAllows } from '../app/auth/api-tokens.js';
import { sameSecret } from '../app/auth/secrets.js';
import { AppError } from '../app/errors.js';
import { isStaff } from '../domain/case.js';
import type { Access } from './route-registry.js';
import { readCookie, sessionCookieName } from './cookies.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyInstance {
    /** SUPPORTAL_PUBLIC_URL is https: browsers reach us over TLS, whatever the last hop was. */
    httpsPublicUrl: boolean;
  }
}

/**
 * Whether the browser talks to us over HTTPS: the connection itself, a trusted proxy's
 * X-Forwarded-Proto (Fastify ignores it from anyone else), or an https public URL, so that a
 * proxy that forwards no scheme still gets the `__Host-` Secure cookie and HSTS.
 */
export function isSecure(req: FastifyRequest): boolean {
  return req.protocol === 'https' || req.server.httpsPublicUrl === true;
}

/** A bearer API token wins over a cookie: integrations send no cookies, browsers no tokens. */
export async function authenticate(ctx: WebContext, req: FastifyRequest): Promise<Principal | null> {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m ? resolveApiToken(ctx, m[1]!) : null;
  }
  const sid = readCookie(req.headers.cookie, sessionCookieName(isSecure(req)));
  return sid ? resolveSession(ctx, sid) : null;
}

/**
 * CSRF defence for state-changing requests (W6). Two independent checks: a browser that names a
 * foreign Origin (or says Sec-Fetch-Site: cross-site) is refused whatever it carries; and a
 * request authenticated by the session cookie must repeat the session's CSRF token in
 * X-CSRF-Token, which another site cannot read. Bearer tokens are not sent by browsers on their
 * own, so they need no CSRF token.
 */
export function checkCsrf(req: FastifyRequest, principal: Principal | null, publicUrl: string): void {
  if (!STATE_CHANGING.has(req.method)) return;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const allowed = new Set([`${req.protocol}://${req.host}`, new URL(publicUrl).origin]);
    if (!allowed.has(origin)) throw new AppError('csrf_failed', { de: 'Die Anfrage kam von einer anderen Website.', en: 'The request came from another site.' });
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') throw new AppError('csrf_failed', { de: 'Die Anfrage kam von einer anderen Website.', en: 'The request came from another site.' });
  if (principal?.via === 'session') {
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !sameSecret(sent, principal.csrfToken)) throw new AppError('csrf_failed');
  }
}

/**
 * 401 when a signed-in user is needed and there is none; 403 when the role is too low, or when an
 * API token's scope does not cover the request (a `read` token changes nothing, only an `admin`
 * token reaches admin routes, issue 10, item 7).
 */
export function checkAccess(access: Access, principal: Principal | null, method = 'GET'): void {
  if (access === 'public') return;
  if (!principal) throw new AppError('unauthenticated');
  if (access === 'staff' && !isStaff(principal.user.role)) throw new AppError('forbidden');
  if (access === 'admin' && principal.user.role !== 'admin') throw new AppError('forbidden');
  if (principal.via === 'token' && !tokenAllows(principal.scope, { write: STATE_CHANGING.has(method), adminRoute: access === 'admin' })) {
    throw new AppError('forbidden', { de: `Der Geltungsbereich dieses API-Tokens (${principal.scope}) erlaubt diese Anfrage nicht.`, en: `This API token's scope (${principal.scope}) does not allow this request.` });
  }
}
