import type { RouteDeps } from '../app.js';
import { principalOf } from '../route-registry.js';
import { CASE_STATUSES, type CaseStatus } from '../../domain/case.js';
import { listCasesFor, caseDetailFor, QUEUES, type Queue } from '../../app/portal/case-queries.js';
import { addInternalNote, assignCase, closeCaseFor, openCaseFor, reopenCaseFor, replyToCase } from '../../app/portal/case-actions.js';
import { inboundForCase, outboundForCase } from '../../app/portal/mail-log.js';
import { arrayOf, caseNumberParams, caseSchema, emailField, mailLogSchema, messageSchema, obj, str } from './schemas.js';

type CaseParams = { Params: { number: number } };
const bodyText = obj({ body: str(200_000, { minLength: 1 }) }, ['body']);

export function caseRoutes({ ctx, router }: RouteDeps): void {
  router.route<{ Querystring: { queue?: Queue; status?: CaseStatus[]; q?: string; limit?: number } }>({
    method: 'GET', url: '/api/cases', access: 'customer', tag: 'cases',
    summary: 'Cases I may see: a customer their own (an organisation admin the organisation\'s); staff all, by queue. `q` searches subject and messages.',
    querystring: obj({
      queue: { enum: [...QUEUES], description: 'Staff only: new, open, waiting, mine, unassigned, all (default).' },
      status: { type: 'array', items: { enum: [...CASE_STATUSES] } },
      q: str(200),
      limit: { type: 'integer', minimum: 1, maximum: 500 },
    }),
    response: { status: 200, description: 'The cases, most recent activity first.', schema: obj({ cases: arrayOf(caseSchema) }) },
    async handler(req) {
      return { cases: await listCasesFor(ctx, principalOf(req).user, req.query) };
    },
  });

  router.route<{ Body: { subject: string; body: string; product?: string; version?: string; environment?: string; customerEmail?: string } }>({
    method: 'POST', url: '/api/cases', access: 'customer', tag: 'cases',
    summary: 'Open a case: a customer for themselves (portal); staff a phone case for the customer named by customerEmail.',
    body: obj(
      { subject: str(300, { minLength: 1 }), body: str(200_000, { minLength: 1 }), product: str(200, { minLength: 1 }), version: str(100, { minLength: 1 }), environment: str(2000), customerEmail: emailField },
      ['subject', 'body'],
    ),
    response: { status: 201, description: 'The new case.', schema: obj({ case: caseSchema }) },
    async handler(req, reply) {
      return reply.status(201).send({ case: await openCaseFor(ctx, principalOf(req).user, req.body) });
    },
  });

  router.route<CaseParams>({
    method: 'GET', url: '/api/cases/:number', access: 'customer', tag: 'cases',
    summary: 'One case with its messages (internal notes for staff only), attachments and events.',
    params: caseNumberParams,
    response: {
      status: 200,
      description: 'The case.',
      schema: obj({ case: caseSchema, messages: arrayOf(messageSchema), attachments: arrayOf({ type: 'object' }), events: arrayOf({ type: 'object' }), customer: { type: ['object', 'null'] }, assignee: { type: ['object', 'null'] }, product: { type: ['string', 'null'] } }),
    },
    async handler(req) {
      return caseDetailFor(ctx, principalOf(req).user, req.params.number);
    },
  });

  router.route<CaseParams & { Body: { body: string } }>({
    method: 'POST', url: '/api/cases/:number/replies', access: 'customer', tag: 'cases',
    summary: 'Reply: a customer\'s reply is added (a waiting case becomes open); an agent\'s reply is mailed to the customer.',
    params: caseNumberParams,
    body: bodyText,
    response: { status: 201, description: 'The new message.', schema: obj({ message: messageSchema }) },
    async handler(req, reply) {
      return reply.status(201).send({ message: await replyToCase(ctx, principalOf(req).user, req.params.number, req.body) });
    },
  });

  router.route<CaseParams & { Body: { body: string } }>({
    method: 'POST', url: '/api/cases/:number/notes', access: 'staff', tag: 'cases',
    summary: 'Add an internal note: never mailed, never shown to the customer.',
    params: caseNumberParams,
    body: bodyText,
    response: { status: 201, description: 'The note.', schema: obj({ message: messageSchema }) },
    async handler(req, reply) {
      return reply.status(201).send({ message: await addInternalNote(ctx, principalOf(req).user, req.params.number, req.body) });
    },
  });

  router.route<CaseParams>({
    method: 'POST', url: '/api/cases/:number/close', access: 'customer', tag: 'cases',
    summary: 'Close the case.',
    params: caseNumberParams,
    response: { status: 200, description: 'The closed case.', schema: obj({ case: caseSchema }) },
    async handler(req) {
      return { case: await closeCaseFor(ctx, principalOf(req).user, req.params.number) };
    },
  });

  router.route<CaseParams>({
    method: 'POST', url: '/api/cases/:number/reopen', access: 'customer', tag: 'cases',
    summary: 'Reopen a closed case.',
    params: caseNumberParams,
    response: { status: 200, description: 'The reopened case.', schema: obj({ case: caseSchema }) },
    async handler(req) {
      return { case: await reopenCaseFor(ctx, principalOf(req).user, req.params.number) };
    },
  });

  router.route<CaseParams & { Body: { assigneeId: string | null } }>({
    method: 'POST', url: '/api/cases/:number/assign', access: 'staff', tag: 'cases',
    summary: 'Assign the case to an agent, or to nobody with null.',
    params: caseNumberParams,
    body: obj({ assigneeId: { type: ['string', 'null'], maxLength: 100 } }, ['assigneeId']),
    response: { status: 200, description: 'The case.', schema: obj({ case: caseSchema }) },
    async handler(req) {
      return { case: await assignCase(ctx, principalOf(req).user, req.params.number, req.body) };
    },
  });

  router.route<CaseParams>({
    method: 'GET', url: '/api/cases/:number/inbound', access: 'staff', tag: 'mails',
    summary: 'The mails received for the case, with their outcome.',
    params: caseNumberParams,
    response: { status: 200, description: 'The mails.', schema: obj({ mails: arrayOf(mailLogSchema) }) },
    async handler(req) {
      return { mails: await inboundForCase(ctx, principalOf(req).user, req.params.number) };
    },
  });

  router.route<CaseParams>({
    method: 'GET', url: '/api/cases/:number/outbound', access: 'staff', tag: 'mails',
    summary: 'The mails sent about the case, with their delivery status.',
    params: caseNumberParams,
    response: { status: 200, description: 'The mails.', schema: obj({ mails: arrayOf({ type: 'object' }) }) },
    async handler(req) {
      return { mails: await outboundForCase(ctx, principalOf(req).user, req.params.number) };
    },
  });
}
