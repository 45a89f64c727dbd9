import { principalOf, type RouteDeps } from '../route-registry.js';
import { LANGUAGES, type Language } from '../../domain/case.js';
import { overviewFor } from '../../app/desk/overview.js';
import { listNotifications, markNotificationsRead } from '../../app/desk/agent-notifications.js';
import { createCustomer, findCustomers } from '../../app/desk/customers.js';
import { listAgents } from '../../app/desk/agents.js';
import { arrayOf, emailField, obj, str } from './schemas.js';

const customerSchema = obj({
  id: str(100), name: str(200), email: str(320), language: { enum: [...LANGUAGES] }, disabled: { type: 'boolean' },
  organisation: { type: ['object', 'null'], properties: { id: str(100), name: str(200), customerNo: { type: ['string', 'null'] } } },
});

export function deskRoutes({ ctx, router }: RouteDeps): void {
  router.route({
    method: 'GET', url: '/api/overview', access: 'staff', tag: 'desk',
    summary: 'Open cases per status and age; mails received per day by outcome, median and p99 of receipt-to-outcome time, top rejection reasons (14 days).',
    response: { status: 200, description: 'The overview.', schema: { type: 'object' } },
    async handler(req) {
      return overviewFor(ctx, principalOf(req).user);
    },
  });

  router.route({
    method: 'GET', url: '/api/notifications', access: 'staff', tag: 'desk',
    summary: 'Unread customer replies on cases assigned to me or to nobody, newest first (the last 7 days before the first "read").',
    response: { status: 200, description: 'The notifications.', schema: obj({ notifications: arrayOf({ type: 'object' }), unread: { type: 'integer' }, readUntil: { type: ['string', 'null'] } }) },
    async handler(req) {
      return listNotifications(ctx, principalOf(req).user);
    },
  });

  router.route({
    method: 'POST', url: '/api/notifications/read', access: 'staff', tag: 'desk',
    summary: 'Mark every notification up to now as read.',
    response: { status: 200, description: 'Read up to this time.', schema: obj({ readUntil: str(40) }) },
    async handler(req) {
      return markNotificationsRead(ctx, principalOf(req).user);
    },
  });

  router.route({
    method: 'GET', url: '/api/agents', access: 'staff', tag: 'desk',
    summary: 'The enabled agents and admins, by name: whom a case can be assigned to.',
    response: { status: 200, description: 'The agents.', schema: obj({ agents: arrayOf(obj({ id: str(100), name: str(200), email: str(320), role: { enum: ['agent', 'admin'] } })) }) },
    async handler(req) {
      return { agents: await listAgents(ctx, principalOf(req).user) };
    },
  });

  router.route<{ Querystring: { q: string; limit?: number } }>({
    method: 'GET', url: '/api/customers', access: 'staff', tag: 'desk',
    summary: 'Find customers by name, e-mail address, organisation or customer number (for a phone case).',
    querystring: obj({ q: str(200, { minLength: 1 }), limit: { type: 'integer', minimum: 1, maximum: 100 } }, ['q']),
    response: { status: 200, description: 'The customers.', schema: obj({ customers: arrayOf(customerSchema) }) },
    async handler(req) {
      return { customers: await findCustomers(ctx, principalOf(req).user, req.query) };
    },
  });

  router.route<{ Body: { email: string; name: string; organisation?: string; customerNo?: string; language?: Language } }>({
    method: 'POST', url: '/api/customers', access: 'staff', tag: 'desk',
    summary: 'Create a customer contact on the spot (and the organisation when it is new); the address counts as verified, no password is set.',
    body: obj(
      { email: emailField, name: str(200, { minLength: 1 }), organisation: str(200, { minLength: 1 }), customerNo: str(50, { minLength: 1 }), language: { enum: [...LANGUAGES] } },
      ['email', 'name'],
    ),
    response: { status: 201, description: 'The customer.', schema: obj({ customer: customerSchema }) },
    async handler(req, reply) {
      return reply.status(201).send({ customer: await createCustomer(ctx, principalOf(req).user, req.body) });
    },
  });
}
