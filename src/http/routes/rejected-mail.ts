import { principalOf, type RouteDeps } from '../route-registry.js';
import { ACCEPT_ACTIONS, acceptRejectedMail, rejectedMailAttachment, rejectedMailView, type AcceptAction } from '../../app/desk/rejected-mail.js';
import { contentDisposition } from './mails.js';
import { arrayOf, idParams, mailLogSchema, obj, str } from './schemas.js';

const mailParams = idParams('mailId', 'The inbound mail id.');

const attachmentSchema = obj({
  part: { type: 'integer', description: 'Position among the mail\'s attachments: GET /api/mails/{mailId}/parts/{part} downloads it.' },
  name: { type: 'string' }, declaredType: { type: 'string' }, detectedType: { type: ['string', 'null'], description: 'What the bytes are (magic numbers).' },
  size: { type: 'integer' }, verdict: { enum: ['allowed', 'refused'] }, why: { type: ['string', 'null'] },
});

const contentSchema = {
  type: ['object', 'null'],
  properties: {
    subject: { type: 'string' }, from: { type: ['string', 'null'] }, date: { type: ['string', 'null'] },
    replyText: { type: 'string' }, quotedText: { type: 'string' }, signature: { type: 'string' },
    replyHtml: { type: ['string', 'null'], description: 'Sanitized; remote images are still to be blocked by the viewer.' },
    attachments: arrayOf(attachmentSchema), encrypted: { enum: ['smime', 'pgp', null] },
  },
};

export function rejectedMailRoutes({ ctx, router }: RouteDeps): void {
  router.route<{ Params: { mailId: string } }>({
    method: 'GET', url: '/api/mails/:mailId/content', access: 'staff', tag: 'mails',
    summary: 'A mail of the log as an agent reads it: its text cut like a reply, its attachments with type and verdict (download only), the reason, and the accept action that fits a rejected mail.',
    params: mailParams,
    response: {
      status: 200, description: 'The mail and its content (content null with `unreadable` content_deleted, malformed or loop).',
      schema: obj({ mail: mailLogSchema, content: contentSchema, unreadable: { type: ['string', 'null'] }, actions: arrayOf({ enum: [...ACCEPT_ACTIONS] }), organisation: { type: ['object', 'null'] } }),
    },
    async handler(req) {
      return rejectedMailView(ctx, principalOf(req).user, req.params.mailId);
    },
  });

  router.route<{ Params: { mailId: string; part: number } }>({
    method: 'GET', url: '/api/mails/:mailId/parts/:part', access: 'staff', tag: 'mails',
    summary: 'Download one attachment of a stored mail (also a refused one). Always as a download, never rendered in our origin (W12).',
    params: obj({ mailId: str(100, { minLength: 1, description: 'The inbound mail id.' }), part: { type: 'integer', minimum: 0, maximum: 999, description: 'The attachment\'s position (`part` in the content).' } }, ['mailId', 'part']),
    response: { status: 200, description: 'The file.', contentType: 'application/octet-stream', schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
    async handler(req, reply) {
      const file = await rejectedMailAttachment(ctx, principalOf(req).user, req.params.mailId, req.params.part);
      // Opaque bytes whatever the type: a refused file above all must not be sniffed or run by the browser.
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', contentDisposition(file.name))
        .header('content-security-policy', 'sandbox')
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(file.content);
    },
  });

  router.route<{ Params: { mailId: string }; Body: { action: AcceptAction } }>({
    method: 'POST', url: '/api/mails/:mailId/accept', access: 'staff', tag: 'mails',
    summary: 'Accept a rejected mail with the action that fits its reason: add_contact (unknown_sender: the sender becomes a contact of the case\'s organisation), reopen_case (case_closed), without_attachments (attachment_type, too_many_archives, bad_archive). Recorded in the audit log and the case history; the mail goes through the pipeline again and the sender gets a receipt once it is accepted. 409 mail_not_acceptable when the action does not fit.',
    params: mailParams,
    body: obj({ action: { enum: [...ACCEPT_ACTIONS] } }, ['action']),
    response: { status: 202, description: 'Queued; the outcome follows as a live `mail` event.', schema: obj({ mail: mailLogSchema }) },
    async handler(req, reply) {
      return reply.status(202).send({ mail: await acceptRejectedMail(ctx, principalOf(req).user, req.params.mailId, req.body.action) });
    },
  });
}
