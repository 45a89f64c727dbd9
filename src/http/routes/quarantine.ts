import { principalOf, type RouteDeps } from '../route-registry.js';
import { deleteMailContent, listQuarantine, rawMail, releaseMail, reprocessMail } from '../../app/desk/quarantine.js';
import { arrayOf, idParams, mailLogSchema, obj } from './schemas.js';

type MailParams = { Params: { mailId: string } };
const mailParams = idParams('mailId', 'The inbound mail id.');

export function quarantineRoutes({ ctx, router }: RouteDeps): void {
  router.route({
    method: 'GET', url: '/api/admin/quarantine', access: 'staff', tag: 'mails',
    summary: 'Mails waiting for a human: quarantined, deferred, and those whose processing job is dead (with its last error).',
    response: { status: 200, description: 'The mails, newest first.', schema: obj({ mails: arrayOf({ type: 'object' }) }) },
    async handler(req) {
      return { mails: await listQuarantine(ctx, principalOf(req).user) };
    },
  });

  router.route<MailParams>({
    method: 'POST', url: '/api/mails/:mailId/reprocess', access: 'staff', tag: 'mails',
    summary: 'Run a quarantined, deferred or dead mail through the pipeline again (409 not_reprocessable otherwise).',
    params: mailParams,
    response: { status: 202, description: 'Queued; the outcome follows as a live `mail` event.', schema: obj({ mail: mailLogSchema }) },
    async handler(req, reply) {
      return reply.status(202).send({ mail: await reprocessMail(ctx, principalOf(req).user, req.params.mailId) });
    },
  });

  router.route<MailParams>({
    method: 'POST', url: '/api/mails/:mailId/release', access: 'staff', tag: 'mails',
    summary: 'Release a mail quarantined as malformed, auth_failed or too_large: it is processed again, with an audit entry. A mail with a virus is never released (409).',
    params: mailParams,
    response: { status: 202, description: 'Queued.', schema: obj({ mail: mailLogSchema }) },
    async handler(req, reply) {
      return reply.status(202).send({ mail: await releaseMail(ctx, principalOf(req).user, req.params.mailId) });
    },
  });

  router.route<MailParams>({
    method: 'DELETE', url: '/api/mails/:mailId', access: 'admin', tag: 'mails',
    summary: 'Delete a mail\'s content (raw bytes). The log entry stays with its status and a note; a mail still waiting for processing becomes ignored.',
    params: mailParams,
    response: { status: 200, description: 'The remaining log entry.', schema: obj({ mail: mailLogSchema }) },
    async handler(req) {
      return { mail: await deleteMailContent(ctx, principalOf(req).user, req.params.mailId) };
    },
  });

  router.route<MailParams>({
    method: 'GET', url: '/api/mails/:mailId/raw', access: 'staff', tag: 'mails',
    summary: 'The mail exactly as received, as a download (message/rfc822).',
    params: mailParams,
    response: { status: 200, description: 'The raw mail.', contentType: 'message/rfc822', schema: { type: 'string', contentMediaType: 'message/rfc822' } },
    async handler(req, reply) {
      const raw = await rawMail(ctx, principalOf(req).user, req.params.mailId);
      // The id is a UUID: a safe file name without any encoding.
      return reply
        .header('content-type', 'message/rfc822')
        .header('content-disposition', `attachment; filename="mail-${req.params.mailId.replace(/[^A-Za-z0-9-]/g, '')}.eml"`)
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'private, no-store')
        .send(raw);
    },
  });
}
