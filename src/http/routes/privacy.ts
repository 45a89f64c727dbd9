import { PassThrough } from 'node:stream';
import type { Router } from '../route-registry.js';
import { principalOf } from '../route-registry.js';
import { AppError } from '../../app/errors.js';
import type { PrivacyContext } from '../../app/privacy/ports.js';
import { erasePerson, exportPerson, lookupPerson, personEmail, privacyAuditLog } from '../../app/privacy/person.js';
import { effectiveRetention, saveRetention } from '../../app/privacy/retention.js';
import { arrayOf, emailField, obj, str } from './schemas.js';

const emailQuery = obj({ email: emailField }, ['email']);
const days = { type: ['integer', 'null'], minimum: 1, maximum: 36500 };
const retentionSchema = obj({
  rawMailDays: days, rejectedMailDays: days, source: { enum: ['admin', 'config'] }, updatedAt: { type: ['string', 'null'] }, updatedBy: { type: ['string', 'null'] },
  config: obj({ rawMailDays: days, rejectedMailDays: days }),
});
const countsSchema = { type: 'object', additionalProperties: { type: 'integer' } };

/**
 * The admin's data-protection page: look up a person, export (ZIP download), erase; the
 * retention settings; the audit log of these actions. Admins only. Without a privacy context
 * (an app built for a test that does not need it) the routes answer 503 `unavailable`.
 */
export function privacyRoutes(router: Router, privacy: PrivacyContext | null): void {
  const need = (): PrivacyContext => {
    if (!privacy) throw new AppError('unavailable');
    return privacy;
  };

  router.route<{ Querystring: { email: string } }>({
    method: 'GET', url: '/api/admin/privacy/person', access: 'admin', tag: 'privacy',
    summary: 'What is stored about an e-mail address: the account and how many records of each kind, and the open cases.',
    querystring: emailQuery,
    response: {
      status: 200, description: 'The person.',
      schema: obj({ person: obj({ email: str(320), account: { type: ['object', 'null'] }, openCases: arrayOf({ type: 'integer' }), counts: countsSchema }) }),
    },
    async handler(req) {
      return { person: await lookupPerson(need(), req.query.email) };
    },
  });

  router.route<{ Querystring: { email: string } }>({
    method: 'GET', url: '/api/admin/privacy/person/export', access: 'admin', tag: 'privacy',
    summary: 'Everything stored about an e-mail address as a ZIP: person.json plus the raw mails and files (GDPR Art. 15). Audited.',
    querystring: emailQuery,
    response: { status: 200, description: 'The ZIP.', contentType: 'application/zip', schema: { type: 'string', contentMediaType: 'application/zip' } },
    async handler(req, reply) {
      const p = need();
      const email = personEmail(req.query.email);
      // Not found or bad input answers as JSON before the download starts.
      await lookupPerson(p, email);
      const body = new PassThrough();
      exportPerson(p, principalOf(req).user.id, email, body).catch((err: unknown) => {
        req.log.error({ err }, 'person export failed while streaming');
        body.destroy(err as Error);
      });
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="person-export.zip"`)
        .header('cache-control', 'private, no-store')
        .send(body);
    },
  });

  router.route<{ Body: { email: string; force?: boolean } }>({
    method: 'POST', url: '/api/admin/privacy/person/erase', access: 'admin', tag: 'privacy',
    summary: 'Removes or anonymises everything about an e-mail address (GDPR Art. 17); case numbers and statistics stay. Refused while the person has open cases unless force. Audited.',
    body: obj({ email: emailField, force: { type: 'boolean' } }, ['email']),
    response: {
      status: 200, description: 'What was erased.',
      schema: obj({ result: obj({ email: str(320), counts: countsSchema, purged: { type: 'boolean' }, residual: arrayOf(obj({ table: str(100), id: str(100) })) }) }),
    },
    async handler(req) {
      const admin = principalOf(req).user;
      return { result: await erasePerson(need(), { id: admin.id, label: admin.id }, req.body.email, { force: req.body.force ?? false }) };
    },
  });

  router.route({
    method: 'GET', url: '/api/admin/privacy/retention', access: 'admin', tag: 'privacy',
    summary: 'The retention in effect: days until raw sources and until rejected/quarantined mails are deleted (null = kept), and where the values come from.',
    response: { status: 200, description: 'The retention.', schema: obj({ retention: retentionSchema }) },
    async handler() {
      return { retention: await effectiveRetention(need()) };
    },
  });

  router.route<{ Body: { rawMailDays: number | null; rejectedMailDays: number | null } }>({
    method: 'PUT', url: '/api/admin/privacy/retention', access: 'admin', tag: 'privacy',
    summary: 'Sets the retention (null = kept); it overrides the configuration until reset. Audited.',
    body: obj({ rawMailDays: days, rejectedMailDays: days }, ['rawMailDays', 'rejectedMailDays']),
    response: { status: 200, description: 'The retention now in effect.', schema: obj({ retention: retentionSchema }) },
    async handler(req) {
      return { retention: await saveRetention(need(), principalOf(req).user.id, req.body) };
    },
  });

  router.route({
    method: 'DELETE', url: '/api/admin/privacy/retention', access: 'admin', tag: 'privacy',
    summary: 'Drops the admin\'s retention: the configuration applies again. Audited.',
    response: { status: 200, description: 'The retention now in effect.', schema: obj({ retention: retentionSchema }) },
    async handler(req) {
      return { retention: await saveRetention(need(), principalOf(req).user.id, null) };
    },
  });

  router.route<{ Querystring: { limit?: number } }>({
    method: 'GET', url: '/api/admin/privacy/audit', access: 'admin', tag: 'privacy',
    summary: 'Who exported or erased whose data, and who changed the retention, newest first.',
    querystring: obj({ limit: { type: 'integer', minimum: 1, maximum: 1000 } }),
    response: {
      status: 200, description: 'The entries.',
      schema: obj({ entries: arrayOf(obj({ id: { type: 'integer' }, at: str(40), actor: { type: ['string', 'null'] }, actorEmail: { type: ['string', 'null'] }, action: str(50), target: { type: ['string', 'null'] }, detail: { type: ['object', 'null'] } })) }),
    },
    async handler(req) {
      return { entries: await privacyAuditLog(need(), req.query.limit ?? 200) };
    },
  });
}
