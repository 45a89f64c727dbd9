import { principalOf, type RouteDeps } from '../route-registry.js';
import { LANGUAGES, type Language } from '../../domain/case.js';
import { addProductVersion, createProduct, listCatalog, setProductActive, setVersionActive } from '../../app/admin/catalog.js';
import { createOrganisation, listOrganisations, setOrganisationAdmin, updateOrganisation } from '../../app/admin/organisations.js';
import { effectiveSettings, previewTemplate, TEMPLATE_NAMES } from '../../app/admin/settings.js';
import { EDITABLE_TEMPLATES, updateInstallationSettings, type SettingsUpdate } from '../../app/settings/installation-settings.js';
import { arrayOf, idParams, obj, str } from './schemas.js';

const previewSchema = obj({ name: str(40), language: str(2), subject: str(1000), text: { type: 'string' }, html: { type: 'string' } });
const organisationSchema = obj({ id: str(100), name: str(200), customerNo: { type: ['string', 'null'] }, createdAt: str(40), members: { type: 'integer' } });
const productSchema = obj({
  id: str(100), name: str(200), active: { type: 'boolean' },
  versions: arrayOf(obj({ id: str(100), name: str(100), active: { type: 'boolean' } })),
});

export function adminCatalogRoutes({ ctx, router }: RouteDeps): void {
  router.route({
    method: 'GET', url: '/api/admin/organisations', access: 'admin', tag: 'admin',
    summary: 'All organisations with their number of users.',
    response: { status: 200, description: 'The organisations.', schema: obj({ organisations: arrayOf(organisationSchema) }) },
    async handler(req) {
      return { organisations: await listOrganisations(ctx, principalOf(req).user) };
    },
  });

  router.route<{ Body: { name: string; customerNo?: string } }>({
    method: 'POST', url: '/api/admin/organisations', access: 'admin', tag: 'admin',
    summary: 'Create an organisation, optionally with its customer number.',
    body: obj({ name: str(200, { minLength: 1 }), customerNo: str(50, { minLength: 1 }) }, ['name']),
    response: { status: 201, description: 'The organisation.', schema: obj({ organisation: organisationSchema }) },
    async handler(req, reply) {
      return reply.status(201).send({ organisation: await createOrganisation(ctx, principalOf(req).user, req.body) });
    },
  });

  router.route<{ Params: { organisationId: string }; Body: { name?: string; customerNo?: string | null } }>({
    method: 'PATCH', url: '/api/admin/organisations/:organisationId', access: 'admin', tag: 'admin',
    summary: 'Rename an organisation or set its customer number (null removes it).',
    params: idParams('organisationId', 'The organisation id.'),
    body: obj({ name: str(200, { minLength: 1 }), customerNo: { type: ['string', 'null'], minLength: 1, maxLength: 50 } }),
    response: { status: 200, description: 'The organisation.', schema: obj({ organisation: organisationSchema }) },
    async handler(req) {
      return { organisation: await updateOrganisation(ctx, principalOf(req).user, req.params.organisationId, req.body) };
    },
  });

  router.route<{ Params: { organisationId: string }; Body: { userId: string; orgAdmin: boolean } }>({
    method: 'POST', url: '/api/admin/organisations/:organisationId/admins', access: 'admin', tag: 'admin',
    summary: 'Make a customer of the organisation its organisation admin (sees all its cases), or revoke it.',
    params: idParams('organisationId', 'The organisation id.'),
    body: obj({ userId: str(100, { minLength: 1 }), orgAdmin: { type: 'boolean' } }, ['userId', 'orgAdmin']),
    response: { status: 200, description: 'Done.', schema: obj({ userId: str(100), orgAdmin: { type: 'boolean' } }) },
    async handler(req) {
      return setOrganisationAdmin(ctx, principalOf(req).user, req.params.organisationId, req.body);
    },
  });

  router.route({
    method: 'GET', url: '/api/admin/products', access: 'admin', tag: 'admin',
    summary: 'All products and versions, also deactivated ones.',
    response: { status: 200, description: 'The products.', schema: obj({ products: arrayOf(productSchema) }) },
    async handler(req) {
      return { products: await listCatalog(ctx, principalOf(req).user) };
    },
  });

  router.route<{ Body: { name: string; versions?: string[] } }>({
    method: 'POST', url: '/api/admin/products', access: 'admin', tag: 'admin',
    summary: 'Create a product, optionally with versions.',
    body: obj({ name: str(200, { minLength: 1 }), versions: { type: 'array', maxItems: 100, items: str(100, { minLength: 1 }) } }, ['name']),
    response: { status: 201, description: 'The product.', schema: obj({ product: productSchema }) },
    async handler(req, reply) {
      return reply.status(201).send({ product: await createProduct(ctx, principalOf(req).user, req.body) });
    },
  });

  router.route<{ Params: { productId: string }; Body: { name: string } }>({
    method: 'POST', url: '/api/admin/products/:productId/versions', access: 'admin', tag: 'admin',
    summary: 'Add a version to a product.',
    params: idParams('productId', 'The product id.'),
    body: obj({ name: str(100, { minLength: 1 }) }, ['name']),
    response: { status: 201, description: 'The product.', schema: obj({ product: productSchema }) },
    async handler(req, reply) {
      return reply.status(201).send({ product: await addProductVersion(ctx, principalOf(req).user, req.params.productId, req.body) });
    },
  });

  for (const active of [false, true]) {
    const verb = active ? 'activate' : 'deactivate';
    router.route<{ Params: { productId: string } }>({
      method: 'POST', url: `/api/admin/products/:productId/${verb}`, access: 'admin', tag: 'admin',
      summary: active ? 'Offer a deactivated product again.' : 'Stop offering a product for new cases (existing cases keep it).',
      params: idParams('productId', 'The product id.'),
      response: { status: 200, description: 'The product.', schema: obj({ product: productSchema }) },
      async handler(req) {
        return { product: await setProductActive(ctx, principalOf(req).user, req.params.productId, active) };
      },
    });
    router.route<{ Params: { versionId: string } }>({
      method: 'POST', url: `/api/admin/product-versions/:versionId/${verb}`, access: 'admin', tag: 'admin',
      summary: active ? 'Offer a retired version again.' : 'Retire a version: new cases can no longer name it.',
      params: idParams('versionId', 'The version id.'),
      response: { status: 200, description: 'The product.', schema: obj({ product: productSchema }) },
      async handler(req) {
        return { product: await setVersionActive(ctx, principalOf(req).user, req.params.versionId, active) };
      },
    });
  }

  router.route({
    method: 'GET', url: '/api/admin/settings', access: 'admin', tag: 'admin',
    summary: 'The settings in effect: the editable ones (attachment policy, size limit, receipt and notice wording, with their limits and the built-in wording) and, read-only, the addresses and the rest of the configuration.',
    response: { status: 200, description: 'The settings.', schema: obj({ settings: { type: 'object' } }) },
    async handler(req) {
      return { settings: await effectiveSettings(ctx, principalOf(req).user) };
    },
  });

  router.route<{ Body: SettingsUpdate }>({
    method: 'PATCH', url: '/api/admin/settings', access: 'admin', tag: 'admin',
    summary: 'Change installation settings; a key left out stays, null goes back to the configured default. Every change is audit-logged. 400 `invalid_input` names the field.',
    // Unknown keys reach the use case, which refuses them by name (Fastify would drop them silently).
    body: { ...obj({
      attachmentPolicy: {
        type: ['object', 'null'],
        description: 'Any of allowedImageTypes (from the known list), maxArchives (0–10), allowEncryptedArchives, zip { maxEntries ≤1000, maxUncompressedBytes ≤100 MiB, maxRatio ≤100 }; merged onto the policy in effect.',
      },
      maxMessageBytes: { type: ['integer', 'null'], description: 'The mail size limit in bytes, 1024 up to SUPPORTAL_MAX_MESSAGE_BYTES.' },
      unverifiedSender: { type: ['string', 'null'], description: 'A reply whose sender could not be verified (no SPF or DKIM pass aligned with From): accept, mark (accept and show "sender not verified"; the default) or hold (quarantine for review); null: the default.' },
      templates: {
        type: 'object',
        description: 'receipt / notice → de / en → { subject, text, html } (empty fields keep the built-in text) or null (back to the built-in wording). Only the documented {{variables}}.',
      },
    }), additionalProperties: true },
    response: { status: 200, description: 'The settings now in effect.', schema: obj({ settings: { type: 'object' } }) },
    async handler(req) {
      const admin = principalOf(req).user;
      await updateInstallationSettings(ctx, admin, req.body);
      return { settings: await effectiveSettings(ctx, admin) };
    },
  });

  router.route({
    method: 'GET', url: '/api/admin/templates', access: 'admin', tag: 'admin',
    summary: 'The mail templates that can be previewed.',
    response: { status: 200, description: 'The names and languages.', schema: obj({ templates: arrayOf(str(40)), languages: arrayOf(str(2)) }) },
    async handler() {
      return { templates: [...TEMPLATE_NAMES], languages: [...LANGUAGES] };
    },
  });

  router.route<{ Params: { name: string }; Querystring: { lang?: Language } }>({
    method: 'GET', url: '/api/admin/templates/:name/preview', access: 'admin', tag: 'admin',
    summary: 'A template rendered with sample values in German or English: subject, text and HTML exactly as mailed.',
    params: obj({ name: { enum: [...TEMPLATE_NAMES], description: 'The template.' } }, ['name']),
    querystring: obj({ lang: { enum: [...LANGUAGES] } }),
    response: { status: 200, description: 'The rendered mail.', schema: previewSchema },
    async handler(req) {
      return previewTemplate(ctx, principalOf(req).user, req.params.name, req.query.lang ?? ctx.mail.defaultLanguage);
    },
  });

  router.route<{ Params: { name: string }; Body: { lang: Language; subject?: string; text?: string; html?: string } }>({
    method: 'POST', url: '/api/admin/templates/:name/preview', access: 'admin', tag: 'admin',
    summary: 'The receipt or notice rendered with an unsaved wording (the editor\'s live preview); nothing is saved. The wording is checked like a save: unknown {{variables}} give 400.',
    params: obj({ name: { enum: [...EDITABLE_TEMPLATES], description: 'The template.' } }, ['name']),
    body: obj({ lang: { enum: [...LANGUAGES] }, subject: str(200), text: str(20_000), html: str(50_000) }, ['lang']),
    response: { status: 200, description: 'The rendered mail.', schema: previewSchema },
    async handler(req) {
      const { lang, ...draft } = req.body;
      return previewTemplate(ctx, principalOf(req).user, req.params.name, lang, draft);
    },
  });
}
