import { principalOf, type RouteDeps } from '../route-registry.js';
import { CASE_STATUSES, type CaseStatus } from '../../domain/case.js';
import { listCasesFor, caseDetailFor, queueCountsFor, withNames, QUEUES, type Queue } from '../../app/portal/case-queries.js';
import { isStaff } from '../../domain/case.js';
import { addInternalNote, assignCase, closeCaseFor, openCaseFor, reopenCaseFor, replyToCase, setCaseStatus } from '../../app/portal/case-actions.js';
import { inboundForCase, outboundForCase } from '../../app/portal/mail-log.js';
import { requireVisibleCase } from '../../app/portal/access.js';
import { checkUploads } from '../../app/portal/uploads.js';
import { casesCsv } from '../../app/desk/csv-export.js';
import { messageHtmlFor } from '../../app/portal/message-html.js';
import { readBodyWithFiles } from '../multipart-body.js';
import { MAIL_HTML_CSP, MAIL_HTML_REMOTE_IMAGES_CSP } from '../security-headers.js';
import { arrayOf, caseNumberParams, caseSchema, emailField, idParams, mailLogSchema, messageSchema, obj, str } from './schemas.js';

const attachmentSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, messageId: { type: ['string', 'null'] }, filename: { type: 'string' }, detectedType: { type: ['string', 'null'] }, size: { type: 'integer' }, url: { type: 'string' },
    entries: { type: 'array', description: 'A ZIP\'s files (the first 200): name and uncompressed size.', items: obj({ name: str(1000), size: { type: 'integer' } }) },
    entriesTotal: { type: 'integer', description: 'How many files the ZIP holds.' },
  },
};
type CaseParams = { Params: { number: number } };
const nameOrNull = { type: ['string', 'null'] };
const caseListSchema = { ...caseSchema, properties: { ...(caseSchema.properties as Record<string, unknown>), customerName: nameOrNull, organisationName: nameOrNull, assigneeName: nameOrNull, productName: nameOrNull } };
type ListQuery = { queue?: Queue; status?: CaseStatus[]; q?: string; limit?: number; counts?: boolean };
const bodyText = obj({ body: str(200_000, { minLength: 1 }) }, ['body']);
const listQuery = (maxLimit: number) =>
  obj({
    queue: { enum: [...QUEUES], description: 'Staff only: todo (new and open, plus my cases waiting for the customer), new, open, waiting, mine, unassigned, all (default).' },
    status: { type: 'array', items: { enum: [...CASE_STATUSES] } },
    q: str(200, { description: 'Full-text search: every word must occur in the subject or a message (also as the start of a longer word).' }),
    limit: { type: 'integer', minimum: 1, maximum: maxLimit },
    counts: { type: 'boolean', description: 'Staff only, list only: also how many cases each queue holds with this search.' },
  });

export function caseRoutes({ ctx, router }: RouteDeps): void {
  const changed = (caseId: string) => ctx.events?.publish({ kind: 'case', caseId });

  router.route<{ Querystring: ListQuery }>({
    method: 'GET', url: '/api/cases', access: 'customer', tag: 'cases',
    summary: 'Cases I may see: a customer their own (an organisation admin the organisation\'s); staff all, by queue. `q` searches subject and messages (customers: never internal notes).',
    querystring: listQuery(500),
    response: {
      status: 200,
      description: 'The cases, most recent activity first, with the names of customer, organisation, assignee and product; with `counts`, the queue sizes.',
      schema: obj({ cases: arrayOf(caseListSchema), counts: obj(Object.fromEntries(QUEUES.map((q) => [q, { type: 'integer' }]))) }),
    },
    async handler(req) {
      const user = principalOf(req).user;
      const cases = await withNames(ctx, await listCasesFor(ctx, user, req.query));
      if (!req.query.counts || !isStaff(user.role)) return { cases };
      return { cases, counts: await queueCountsFor(ctx, user, { status: req.query.status, q: req.query.q }) };
    },
  });

  router.route<{ Querystring: ListQuery }>({
    method: 'GET', url: '/api/cases.csv', access: 'staff', tag: 'cases',
    summary: 'The case list as CSV (same filters as /api/cases, up to 5 000 rows); cells that a spreadsheet would run as a formula are prefixed with \' (W8).',
    querystring: listQuery(5000),
    response: { status: 200, description: 'The CSV file.', contentType: 'text/csv', schema: { type: 'string', contentMediaType: 'text/csv' } },
    async handler(req, reply) {
      const csv = await casesCsv(ctx, principalOf(req).user, req.query);
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="cases.csv"').send(csv);
    },
  });

  router.route<{ Body: { subject: string; body: string; product?: string; version?: string; environment?: string; customerEmail?: string; reply?: string } }>({
    method: 'POST', url: '/api/cases', access: 'customer', tag: 'cases',
    summary: 'Open a case: a customer for themselves (portal); staff a phone case for the customer named by customerEmail, optionally with a first reply mailed at once. Files as multipart (the e-mail attachment policy applies).',
    body: obj(
      {
        subject: str(300, { minLength: 1 }), body: str(200_000, { minLength: 1 }), product: str(200, { minLength: 1 }), version: str(100, { minLength: 1 }), environment: str(2000),
        customerEmail: emailField, reply: str(200_000, { minLength: 1, description: 'Staff only: a first answer, mailed to the customer.' }),
      },
      ['subject', 'body'],
    ),
    multipart: true,
    response: { status: 201, description: 'The new case.', schema: obj({ case: caseSchema }) },
    async handler(req, reply) {
      const { policy, maxMessageBytes } = await ctx.installation.current();
      const { body, files } = await readBodyWithFiles(req, maxMessageBytes);
      const checked = await checkUploads(ctx.uploads, files, maxMessageBytes, policy);
      const c = await openCaseFor(ctx, principalOf(req).user, body as never, checked);
      changed(c.id);
      return reply.status(201).send({ case: c });
    },
  });

  router.route<CaseParams>({
    method: 'GET', url: '/api/cases/:number', access: 'customer', tag: 'cases',
    summary: 'One case with its messages (internal notes for staff only), attachments and events.',
    params: caseNumberParams,
    response: {
      status: 200,
      description: 'The case.',
      schema: obj({ case: caseSchema, messages: arrayOf(messageSchema), attachments: arrayOf(attachmentSchema), events: arrayOf({ type: 'object' }), customer: { type: ['object', 'null'] }, assignee: { type: ['object', 'null'] }, product: { type: ['string', 'null'] } }),
    },
    async handler(req) {
      return caseDetailFor(ctx, principalOf(req).user, req.params.number);
    },
  });

  router.route<CaseParams & { Body: { body: string } }>({
    method: 'POST', url: '/api/cases/:number/replies', access: 'customer', tag: 'cases',
    summary: 'Reply: a customer\'s reply is added (a waiting case becomes open); an agent\'s reply is mailed to the customer. Files as multipart (the e-mail attachment policy applies).',
    params: caseNumberParams,
    body: bodyText,
    multipart: true,
    response: { status: 201, description: 'The new message.', schema: obj({ message: messageSchema }) },
    async handler(req, reply) {
      const user = principalOf(req).user;
      // Someone else's case is a 404 before any file is read or judged.
      const c = await requireVisibleCase(ctx.store, user, req.params.number);
      const { policy, maxMessageBytes } = await ctx.installation.current();
      const { body, files } = await readBodyWithFiles(req, maxMessageBytes);
      const checked = await checkUploads(ctx.uploads, files, maxMessageBytes, policy);
      const message = await replyToCase(ctx, user, c.number, body as never, checked);
      changed(c.id);
      return reply.status(201).send({ message });
    },
  });

  router.route<CaseParams & { Body: { status: 'new' | 'open' | 'waiting_for_customer' } }>({
    method: 'POST', url: '/api/cases/:number/status', access: 'staff', tag: 'cases',
    summary: 'Set the working status: new, open or waiting_for_customer (closing and reopening have their own routes).',
    params: caseNumberParams,
    body: obj({ status: { enum: ['new', 'open', 'waiting_for_customer'] } }, ['status']),
    response: { status: 200, description: 'The case.', schema: obj({ case: caseSchema }) },
    async handler(req) {
      const c = await setCaseStatus(ctx, principalOf(req).user, req.params.number, req.body);
      changed(c.id);
      return { case: c };
    },
  });

  router.route<{ Params: { messageId: string }; Querystring: { images?: '0' | '1'; remoteImages?: '0' | '1' } }>({
    method: 'GET', url: '/api/messages/:messageId/html', access: 'customer', tag: 'cases',
    summary:
      'The sanitized HTML of a message that came by e-mail, as a document for `<iframe sandbox>` (CSP `default-src \'none\'; img-src cid: data:; style-src \'unsafe-inline\'; sandbox`). `images=1` (staff only; alias `remoteImages`) lets the browser load the remote images; the server never fetches them (W5).',
    params: idParams('messageId', 'The message id.'),
    querystring: obj({ images: { enum: ['0', '1'] }, remoteImages: { enum: ['0', '1'] } }),
    response: { status: 200, description: 'The HTML document.', contentType: 'text/html', schema: { type: 'string', contentMediaType: 'text/html' } },
    async handler(req, reply) {
      const remoteImages = req.query.images === '1' || req.query.remoteImages === '1';
      const html = await messageHtmlFor(ctx, principalOf(req).user, req.params.messageId, { remoteImages });
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', remoteImages ? MAIL_HTML_REMOTE_IMAGES_CSP : MAIL_HTML_CSP)
        .header('x-frame-options', 'SAMEORIGIN')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'private, no-store')
        .send(html);
    },
  });

  router.route<CaseParams & { Body: { body: string } }>({
    method: 'POST', url: '/api/cases/:number/notes', access: 'staff', tag: 'cases',
    summary: 'Add an internal note: never mailed, never shown to the customer.',
    params: caseNumberParams,
    body: bodyText,
    response: { status: 201, description: 'The note.', schema: obj({ message: messageSchema }) },
    async handler(req, reply) {
      const message = await addInternalNote(ctx, principalOf(req).user, req.params.number, req.body);
      changed(message.caseId);
      return reply.status(201).send({ message });
    },
  });

  router.route<CaseParams>({
    method: 'POST', url: '/api/cases/:number/close', access: 'customer', tag: 'cases',
    summary: 'Close the case.',
    params: caseNumberParams,
    response: { status: 200, description: 'The closed case.', schema: obj({ case: caseSchema }) },
    async handler(req) {
      const c = await closeCaseFor(ctx, principalOf(req).user, req.params.number);
      changed(c.id);
      return { case: c };
    },
  });

  router.route<CaseParams>({
    method: 'POST', url: '/api/cases/:number/reopen', access: 'customer', tag: 'cases',
    summary: 'Reopen a closed case.',
    params: caseNumberParams,
    response: { status: 200, description: 'The reopened case.', schema: obj({ case: caseSchema }) },
    async handler(req) {
      const c = await reopenCaseFor(ctx, principalOf(req).user, req.params.number);
      changed(c.id);
      return { case: c };
    },
  });

  router.route<CaseParams & { Body: { assigneeId: string | null } }>({
    method: 'POST', url: '/api/cases/:number/assign', access: 'staff', tag: 'cases',
    summary: 'Assign the case to an agent, or to nobody with null.',
    params: caseNumberParams,
    body: obj({ assigneeId: { type: ['string', 'null'], maxLength: 100 } }, ['assigneeId']),
    response: { status: 200, description: 'The case.', schema: obj({ case: caseSchema }) },
    async handler(req) {
      const c = await assignCase(ctx, principalOf(req).user, req.params.number, req.body);
      changed(c.id);
      return { case: c };
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
