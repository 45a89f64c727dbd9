import type { RouteDeps } from '../app.js';
import { principalOf } from '../route-registry.js';
import { LANGUAGES, type Language } from '../../domain/case.js';
import {
  addProductVersion, createOrganisation, createProduct, listCatalog, listOrganisations, setOrganisationAdmin, setProductActive, setVersionActive, updateOrganisation,
} from '../../app/portal/admin-catalog.js';
import { effectiveSettings, previewTemplate, TEMPLATE_NAMES } from '../../app/portal/admin-settings.js';
import { arrayOf, idParams, obj, str } from './schemas.js';

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
    summary: 'The configuration in effect (read-only): attachment policy, size limit, virus scanning, addresses. Change it in the configuration file or environment.',
    response: { status: 200, description: 'The settings.', schema: obj({ settings: { type: 'object' } }) },
    async handler(req) {
      return { settings: effectiveSettings(ctx, principalOf(req).user) };
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
    response: { status: 200, description: 'The rendered mail.', schema: obj({ name: str(40), language: str(2), subject: str(1000), text: { type: 'string' }, html: { type: 'string' } }) },
    async handler(req) {
      return previewTemplate(ctx, principalOf(req).user, req.params.name, req.query.lang ?? ctx.mail.defaultLanguage);
    },
  });
}
