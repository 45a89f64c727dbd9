import { principalOf, type RouteDeps } from '../route-registry.js';
import { INBOUND_STATUSES, REASON_CODES, type InboundStatus, type ReasonCode } from '../../domain/reason-codes.js';
import { listMailsFor, mailDetailFor } from '../../app/portal/mail-log.js';
import { attachmentFor } from '../../app/portal/attachments.js';
import { arrayOf, idParams, mailLogSchema, obj } from './schemas.js';

/** RFC 5987/6266 `filename*`: the name survives any character, and no quote can end the header value early. */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export function mailRoutes({ ctx, router }: RouteDeps): void {
  router.route<{ Querystring: { status?: InboundStatus; reason?: ReasonCode; limit?: number } }>({
    method: 'GET', url: '/api/mails', access: 'customer', tag: 'mails',
    summary: 'The inbound mail log: a customer sees the mails they sent and what became of each; staff see all, by status and reason.',
    querystring: obj({ status: { enum: [...INBOUND_STATUSES] }, reason: { enum: [...REASON_CODES] }, limit: { type: 'integer', minimum: 1, maximum: 500 } }),
    response: { status: 200, description: 'The mails, newest first.', schema: obj({ mails: arrayOf(mailLogSchema) }) },
    async handler(req) {
      return { mails: await listMailsFor(ctx, principalOf(req).user, req.query) };
    },
  });

  router.route<{ Params: { mailId: string } }>({
    method: 'GET', url: '/api/mails/:mailId', access: 'customer', tag: 'mails',
    summary: 'One entry of the mail log (staff also see the pipeline decisions).',
    params: idParams('mailId', 'The inbound mail id.'),
    response: { status: 200, description: 'The mail.', schema: obj({ mail: mailLogSchema }) },
    async handler(req) {
      return { mail: await mailDetailFor(ctx, principalOf(req).user, req.params.mailId) };
    },
  });

  router.route<{ Params: { attachmentId: string } }>({
    method: 'GET', url: '/api/attachments/:attachmentId', access: 'customer', tag: 'cases',
    summary: 'Download an attachment. Always as a download, never rendered in our origin (W12).',
    params: idParams('attachmentId', 'The attachment id.'),
    response: { status: 200, description: 'The file.', contentType: 'application/octet-stream', schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
    async handler(req, reply) {
      const { attachment, content } = await attachmentFor(ctx, principalOf(req).user, req.params.attachmentId);
      // Served as opaque bytes whatever the detected type: the browser must not sniff or run it.
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', contentDisposition(attachment.filename))
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'private, no-store')
        .send(content);
    },
  });
}
