import { principalOf, type RouteDeps } from '../route-registry.js';
import { USER_ROLES, type Language, type UserRole } from '../../domain/case.js';
import { createUser, listUsers, setUserDisabled } from '../../app/admin/users.js';
import { arrayOf, emailField, idParams, languageField, obj, passwordField, str, userSchema } from './schemas.js';

export function adminRoutes({ ctx, router }: RouteDeps): void {
  router.route<{ Querystring: { role?: UserRole; organisationId?: string } }>({
    method: 'GET', url: '/api/admin/users', access: 'admin', tag: 'admin',
    summary: 'All users, by role or organisation.',
    querystring: obj({ role: { enum: [...USER_ROLES] }, organisationId: str(100) }),
    response: { status: 200, description: 'The users.', schema: obj({ users: arrayOf(userSchema) }) },
    async handler(req) {
      return { users: await listUsers(ctx, req.query) };
    },
  });

  router.route<{ Body: { role: UserRole; email: string; name: string; org?: string; customerNo?: string; lang?: Language; password?: string; orgAdmin?: boolean } }>({
    method: 'POST', url: '/api/admin/users', access: 'admin', tag: 'admin',
    summary: 'Create a user (agent, admin or customer with organisation); the address counts as verified.',
    body: obj(
      { role: { enum: [...USER_ROLES] }, email: emailField, name: str(200, { minLength: 1 }), org: str(200, { minLength: 1 }), customerNo: str(50, { minLength: 1 }), lang: languageField, password: passwordField, orgAdmin: { type: 'boolean' } },
      ['role', 'email', 'name'],
    ),
    response: { status: 201, description: 'The user.', schema: obj({ user: userSchema }) },
    async handler(req, reply) {
      return reply.status(201).send({ user: await createUser(ctx, principalOf(req).user, req.body) });
    },
  });

  for (const disabled of [true, false]) {
    router.route<{ Params: { userId: string } }>({
      method: 'POST', url: `/api/admin/users/:userId/${disabled ? 'disable' : 'enable'}`, access: 'admin', tag: 'admin',
      summary: disabled ? 'Disable a user: their sessions end at once and they cannot log in.' : 'Enable a disabled user again.',
      params: idParams('userId', 'The user id.'),
      response: { status: 200, description: 'The user.', schema: obj({ user: userSchema }) },
      async handler(req) {
        return { user: await setUserDisabled(ctx, principalOf(req).user, req.params.userId, disabled) };
      },
    });
  }
}
