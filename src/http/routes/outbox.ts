import { principalOf, type Router } from '../route-registry.js';
import type { PortalContext } from '../../app/web-context.js';
import { AppError } from '../../app/errors.js';
import type { OutboxTools } from '../../app/outbox-viewer/ports.js';
import { OUTBOUND_KINDS_SHOWN, OUTBOUND_STATUSES_SHOWN } from '../../app/outbox-viewer/outbox-lists.js';
import { BAD_VARIANTS, listOutbox, openOutboxMail, outboxAttachment, outboxHtml, outboxRaw, replyAsCustomer } from '../../app/outbox-viewer/outbox-viewer.js';
import { CLIENT_STYLES } from '../../app/outbox-viewer/client-styles.js';
import { findDemoCase } from '../../app/demo.js';
import { isStaff } from '../../domain/case.js';
import { readBodyWithFiles } from '../multipart-body.js';
import { MAIL_HTML_CSP } from '../security-headers.js';
import { contentDisposition } from './mails.js';
import { arrayOf, idParams, obj, str } from './schemas.js';

const outboxIdParams = idParams('outboxId', 'The outgoing mail id.');
const entrySchema = obj({
  id: str(100), kind: { enum: [...OUTBOUND_KINDS_SHOWN] }, status: { enum: [...OUTBOUND_STATUSES_SHOWN] }, subject: str(1000), recipients: arrayOf(str(320)),
  caseNumber: { type: ['integer', 'null'] }, createdAt: str(40), sentAt: { type: ['string', 'null'] }, attempts: { type: 'integer' },
  lastError: { type: ['string', 'null'] }, bounceDiagnostic: { type: ['string', 'null'] },
});

/**
 * The outbox as a mail viewer (staff): every mail Supportal sent or holds, opened as a client
 * shows it, and — demo only, while no relay is configured — "reply as the customer" on a held
 * agent reply. Without the tools (a bare test app) the routes answer 503 after the access check.
 */
export function outboxRoutes({ ctx, router }: { ctx: PortalContext; router: Router }, tools: OutboxTools | null): void {
  const need = (): OutboxTools => {
    if (!tools) throw new AppError('unavailable', { de: 'die Ansicht des Postausgangs ist in diesen Server nicht eingebunden', en: 'the outbox viewer is not wired into this server' });
    return tools;
  };

  router.route<{ Querystring: { kind?: (typeof OUTBOUND_KINDS_SHOWN)[number]; status?: (typeof OUTBOUND_STATUSES_SHOWN)[number]; caseNumber?: number; limit?: number } }>({
    method: 'GET', url: '/api/outbox', access: 'staff', tag: 'mails',
    summary: 'The outbox: every mail Supportal sent or holds (to, subject, kind, time, delivery state), newest first, by kind, state or case.',
    querystring: obj({ kind: { enum: [...OUTBOUND_KINDS_SHOWN] }, status: { enum: [...OUTBOUND_STATUSES_SHOWN] }, caseNumber: { type: 'integer', minimum: 1 }, limit: { type: 'integer', minimum: 1, maximum: 500 } }),
    response: { status: 200, description: 'The mails, and whether a relay is configured (without one every mail is held).', schema: obj({ mails: arrayOf(entrySchema), relayConfigured: { type: 'boolean' } }) },
    async handler(req) {
      return listOutbox(ctx, principalOf(req).user, req.query);
    },
  });

  router.route<{ Params: { outboxId: string } }>({
    method: 'GET', url: '/api/outbox/:outboxId', access: 'staff', tag: 'mails',
    summary: 'One outgoing mail as a mail client shows it: header lines, text, attachments (the HTML from …/html), and whether "reply as the customer" is offered.',
    params: outboxIdParams,
    response: { status: 200, description: 'The mail.', schema: { type: 'object' } },
    async handler(req) {
      return openOutboxMail(ctx, need(), principalOf(req).user, req.params.outboxId);
    },
  });

  router.route<{ Params: { outboxId: string } }>({
    method: 'GET', url: '/api/outbox/:outboxId/html', access: 'staff', tag: 'mails',
    summary: 'The HTML part of an outgoing mail, inline images included, as a document for `<iframe sandbox>` (the mail CSP: no scripts, nothing loads).',
    params: outboxIdParams,
    response: { status: 200, description: 'The HTML document.', contentType: 'text/html', schema: { type: 'string', contentMediaType: 'text/html' } },
    async handler(req, reply) {
      const html = await outboxHtml(ctx, need(), principalOf(req).user, req.params.outboxId);
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', MAIL_HTML_CSP)
        .header('x-frame-options', 'SAMEORIGIN')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'private, no-store')
        .send(html);
    },
  });

  router.route<{ Params: { outboxId: string } }>({
    method: 'GET', url: '/api/outbox/:outboxId/raw', access: 'staff', tag: 'mails',
    summary: 'The stored bytes of an outgoing mail as a `.eml` download (what the relay gets or got).',
    params: outboxIdParams,
    response: { status: 200, description: 'The mail.', contentType: 'message/rfc822', schema: { type: 'string', contentMediaType: 'message/rfc822' } },
    async handler(req, reply) {
      const { filename, raw } = await outboxRaw(ctx, principalOf(req).user, req.params.outboxId);
      return reply
        .header('content-type', 'message/rfc822')
        .header('content-disposition', contentDisposition(filename))
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'private, no-store')
        .send(raw);
    },
  });

  router.route<{ Params: { outboxId: string }; Querystring: { n?: number } }>({
    method: 'GET', url: '/api/outbox/:outboxId/attachment', access: 'staff', tag: 'mails',
    summary: 'The n-th attachment of an outgoing mail (0-based, as listed), always as a download.',
    params: outboxIdParams,
    querystring: obj({ n: { type: 'integer', minimum: 0, maximum: 1000 } }),
    response: { status: 200, description: 'The file.', contentType: 'application/octet-stream', schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
    async handler(req, reply) {
      const a = await outboxAttachment(ctx, need(), principalOf(req).user, req.params.outboxId, req.query.n ?? 0);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', contentDisposition(a.filename))
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'private, no-store')
        .send(a.content);
    },
  });

  router.route<{ Params: { outboxId: string }; Body: { text: string; style?: string; variant?: string } }>({
    method: 'POST', url: '/api/outbox/:outboxId/reply-as-customer', access: 'staff', tag: 'mails',
    summary:
      'Demo only, while no relay is configured: answer a held agent reply as the customer\'s mail client would (style plain, outlook or gmail; files as multipart) and deliver it through our own SMTP listener. `variant` makes a reply that is refused: pdf, two_zips, closed_case, changed_subject.',
    params: outboxIdParams,
    body: obj({ text: str(100_000, { minLength: 1 }), style: { enum: [...CLIENT_STYLES] }, variant: { enum: [...BAD_VARIANTS] } }, ['text']),
    multipart: true,
    response: { status: 201, description: 'Delivered to the listener: the stored mail id (see /api/mails/{id}) and the bytes sent.', schema: obj({ inboundMailId: str(100), sha256: str(64), size: { type: 'integer' }, to: str(320), subject: str(1000), smtpAnswer: str(1000) }) },
    async handler(req, reply) {
      const t = need();
      const { body, files } = await readBodyWithFiles(req, ctx.mail.maxMessageBytes);
      const r = await replyAsCustomer(ctx, t, principalOf(req).user, req.params.outboxId, {
        ...(body as { text: string; style?: 'plain'; variant?: 'pdf' }),
        files: files.map((f) => ({ filename: f.filename, contentType: f.contentType ?? 'application/octet-stream', content: f.content })),
      });
      ctx.events?.publish({ kind: 'mail', mailId: r.inboundMailId });
      return reply.status(201).send({ inboundMailId: r.inboundMailId, sha256: r.sha256, size: r.raw.length, to: r.to, subject: r.subject, smtpAnswer: r.smtpAnswer });
    },
  });

  router.route({
    method: 'GET', url: '/api/demo-case', access: 'staff', tag: 'desk',
    summary: 'The demo case (`supportal demo`), if the demo data exists: what the first-run guide links to.',
    response: { status: 200, description: 'The demo case or null.', schema: obj({ demoCase: { type: ['object', 'null'], properties: { number: { type: 'integer' }, subject: str(300), customerEmail: str(320) } } }) },
    async handler(req) {
      if (!isStaff(principalOf(req).user.role)) throw new AppError('forbidden');
      return { demoCase: await findDemoCase(ctx) };
    },
  });
}
