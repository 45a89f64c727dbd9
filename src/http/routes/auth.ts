import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOf, type RouteDeps } from '../route-registry.js';
import { clearedSessionCookie, sessionCookie } from '../cookies.js';
import { isSecure } from '../request-guard.js';
import { login } from '../../app/auth/login.js';
import { endSession, SESSION_ABSOLUTE_MS } from '../../app/auth/sessions.js';
import { acceptSignup, completeSignup, verifyEmail } from '../../app/auth/signup.js';
import { acceptPasswordReset, completePasswordReset, confirmPasswordReset } from '../../app/auth/password-reset.js';
import { updateProfile } from '../../app/auth/profile.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../../app/auth/api-tokens.js';
import { userView } from '../../app/portal/views.js';
import { arrayOf, emailField, idParams, languageField, obj, passwordField, str, userSchema } from './schemas.js';

const preferencesSchema = obj({ notifyByEmail: { type: 'boolean', description: 'Staff: a mail for every new customer reply they are notified of.' } });
const meSchema = obj({ user: userSchema, csrfToken: { type: ['string', 'null'], description: 'Send it as X-CSRF-Token on every POST/PUT/PATCH/DELETE.' }, preferences: preferencesSchema });
const tokenScopeField = { enum: ['read', 'write', 'admin'], description: 'read: GET only; write: also changes (not on admin routes); admin: everything the role allows (admins only). Default write.' };
const tokenSchema = obj({ id: str(100), name: str(100), scope: tokenScopeField, prefix: str(10), createdAt: str(40), lastUsedAt: { type: ['string', 'null'] }, revokedAt: { type: ['string', 'null'] } });

function clientMeta(req: FastifyRequest) {
  return { ip: req.ip ?? null, userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null };
}

export function authRoutes({ ctx, router, afterResponse }: RouteDeps): void {
  /** Runs `work` once the answer has left when the app has a runner for it; in line otherwise. */
  const afterAnswer = async (what: string, reply: FastifyReply, work: () => Promise<void>) => (afterResponse ? afterResponse.run(what, reply.raw, work) : work());

  router.route<{ Body: { email: string; password: string } }>({
    method: 'POST', url: '/api/auth/login', access: 'public', tag: 'auth',
    summary: 'Log in with e-mail and password; sets the session cookie (a new id every time) and returns the CSRF token.',
    body: obj({ email: str(320, { minLength: 1 }), password: str(1000, { minLength: 1 }) }, ['email', 'password']),
    response: { status: 200, description: 'Logged in.', schema: meSchema },
    async handler(req, reply) {
      const previous = req.principal?.via === 'session' ? req.principal.sessionIdHash : null;
      const { user, session } = await login(ctx, req.body, { ...clientMeta(req), previousSessionIdHash: previous });
      reply.header('set-cookie', sessionCookie(session.id, { secure: isSecure(req), maxAgeSeconds: Math.floor(SESSION_ABSOLUTE_MS / 1000) }));
      return { user: userView(user), csrfToken: session.csrfToken };
    },
  });

  router.route({
    method: 'POST', url: '/api/auth/logout', access: 'customer', tag: 'auth',
    summary: 'End the current session and clear its cookie.',
    response: { status: 204, description: 'Logged out.' },
    async handler(req, reply) {
      const p = principalOf(req);
      if (p.via === 'session') await endSession(ctx, p.sessionIdHash);
      return reply.header('set-cookie', clearedSessionCookie(isSecure(req))).status(204).send();
    },
  });

  router.route({
    method: 'GET', url: '/api/auth/me', access: 'customer', tag: 'auth',
    summary: 'The signed-in user and the CSRF token of the session (null for API tokens).',
    response: { status: 200, description: 'The user.', schema: meSchema },
    async handler(req) {
      const p = principalOf(req);
      const { notifyByEmail } = await ctx.web.settings.get(p.user.id);
      return { user: userView(p.user), csrfToken: p.via === 'session' ? p.csrfToken : null, preferences: { notifyByEmail } };
    },
  });

  router.route<{ Body: { email: string; name: string; password: string; language?: 'de' | 'en' } }>({
    method: 'POST', url: '/api/auth/signup', access: 'public', tag: 'auth',
    summary: 'Customer self-registration: a verification link is mailed. The answer is the same for new and known addresses.',
    body: obj({ email: emailField, name: str(200, { minLength: 1 }), password: passwordField, language: languageField }, ['email', 'name', 'password']),
    response: { status: 202, description: 'If the address can sign up, a link is on its way.', schema: obj({ status: { const: 'verification_sent' } }) },
    async handler(req, reply) {
      // Validation and the throttle answer at once; the rest (which differs for known addresses) after the answer.
      const accepted = await acceptSignup(ctx, req.body, clientMeta(req));
      await afterAnswer('sign-up', reply, () => completeSignup(ctx, accepted));
      return reply.status(202).send({ status: 'verification_sent' });
    },
  });

  router.route<{ Body: { token: string } }>({
    method: 'POST', url: '/api/auth/verify', access: 'public', tag: 'auth',
    summary: 'Confirm the e-mail address with the token from the sign-up mail (24 h, single use).',
    body: obj({ token: str(200, { minLength: 1 }) }, ['token']),
    response: { status: 200, description: 'Verified; the user can log in.', schema: obj({ status: { const: 'verified' } }) },
    async handler(req) {
      await verifyEmail(ctx, req.body);
      return { status: 'verified' };
    },
  });

  router.route<{ Body: { email: string } }>({
    method: 'POST', url: '/api/auth/password-reset', access: 'public', tag: 'auth',
    summary: 'Mail a password-reset link (1 h). The answer is the same for unknown addresses.',
    body: obj({ email: str(320, { minLength: 1 }) }, ['email']),
    response: { status: 202, description: 'If the address has an account, a link is on its way.', schema: obj({ status: { const: 'reset_sent' } }) },
    async handler(req, reply) {
      const email = await acceptPasswordReset(ctx, req.body, clientMeta(req));
      await afterAnswer('password reset', reply, () => completePasswordReset(ctx, email));
      return reply.status(202).send({ status: 'reset_sent' });
    },
  });

  router.route<{ Body: { token: string; password: string } }>({
    method: 'POST', url: '/api/auth/password-reset/confirm', access: 'public', tag: 'auth',
    summary: 'Set a new password with the token from the reset mail; ends every session of the account.',
    body: obj({ token: str(200, { minLength: 1 }), password: passwordField }, ['token', 'password']),
    response: { status: 200, description: 'Password set.', schema: obj({ status: { const: 'password_set' } }) },
    async handler(req) {
      await confirmPasswordReset(ctx, req.body);
      return { status: 'password_set' };
    },
  });

  router.route<{ Body: { name?: string; language?: 'de' | 'en'; password?: { current: string; new: string; revokeTokens?: boolean }; notifyByEmail?: boolean } }>({
    method: 'PATCH', url: '/api/auth/profile', access: 'customer', tag: 'auth',
    summary: 'Change name, language or password (the current password is needed); staff also notifyByEmail. The e-mail address cannot be changed (W11).',
    body: obj({
      name: str(200, { minLength: 1 }), language: languageField,
      password: obj({ current: str(1000, { minLength: 1 }), new: passwordField, revokeTokens: { type: 'boolean', description: 'Also revoke all my API tokens.' } }, ['current', 'new']),
      notifyByEmail: { type: 'boolean', description: 'Staff only: mail me about new customer replies.' },
    }),
    response: { status: 200, description: 'The updated user.', schema: obj({ user: userSchema, preferences: preferencesSchema }) },
    async handler(req) {
      const p = principalOf(req);
      const user = userView(await updateProfile(ctx, p, req.body));
      const { notifyByEmail } = await ctx.web.settings.get(p.user.id);
      return { user, preferences: { notifyByEmail } };
    },
  });

  router.route({
    method: 'GET', url: '/api/auth/tokens', access: 'customer', tag: 'auth',
    summary: 'My personal API tokens (without their secrets).',
    response: { status: 200, description: 'The tokens.', schema: obj({ tokens: arrayOf(tokenSchema) }) },
    async handler(req) {
      return { tokens: await listApiTokens(ctx, principalOf(req)) };
    },
  });

  router.route<{ Body: { name: string; scope?: 'read' | 'write' | 'admin' } }>({
    method: 'POST', url: '/api/auth/tokens', access: 'customer', tag: 'auth',
    summary: 'Create a personal API token for an integration; the secret is shown only in this answer. Needs a login: a token cannot create tokens.',
    body: obj({ name: str(100, { minLength: 1 }), scope: tokenScopeField }, ['name']),
    response: { status: 201, description: 'The token.', schema: obj({ token: str(60), info: tokenSchema }) },
    async handler(req, reply: FastifyReply) {
      return reply.status(201).send(await createApiToken(ctx, principalOf(req), req.body));
    },
  });

  router.route<{ Params: { tokenId: string } }>({
    method: 'DELETE', url: '/api/auth/tokens/:tokenId', access: 'customer', tag: 'auth',
    summary: 'Revoke one of my API tokens.',
    params: idParams('tokenId', 'The token id.'),
    response: { status: 204, description: 'Revoked.' },
    async handler(req, reply) {
      await revokeApiToken(ctx, principalOf(req), req.params.tokenId);
      return reply.status(204).send();
    },
  });
}
