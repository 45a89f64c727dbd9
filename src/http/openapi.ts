import type { JsonSchema, RouteInfo } from './route-registry.js';
import { ERRORS } from '../app/errors.js';

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: { code: { type: 'string', enum: Object.keys(ERRORS) }, message: { type: 'string' }, details: { type: 'object' } },
    },
  },
};

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}

/** `/api/cases/:number` → `/api/cases/{number}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(r: RouteInfo): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [['path', r.params], ['query', r.querystring]] as const) {
    const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema?.required as string[] | undefined) ?? []);
    for (const [name, s] of Object.entries(props)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: s, ...(s.description ? { description: s.description } : {}) });
    }
  }
  return out;
}

/**
 * The OpenAPI 3.1 document, built from the route registry: every route's schemas, its access
 * level (as `x-access` and as its security requirement) and the shared error format.
 */
export function buildOpenApi(routes: readonly RouteInfo[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (r.hidden) continue;
    const path = openApiPath(r.url);
    const responses: Record<string, unknown> = {
      [String(r.response.status)]: {
        description: r.response.description,
        ...(r.response.status === 204 ? {} : { content: { [r.response.contentType ?? 'application/json']: { schema: r.response.schema ?? {} } } }),
      },
      400: errorResponse('Invalid input (invalid_input and others).'),
      429: errorResponse('Too many attempts (rate_limited).'),
      500: errorResponse('Our fault (internal).'),
    };
    if (r.access !== 'public') {
      responses[401] = errorResponse('Not signed in (unauthenticated).');
      responses[404] = errorResponse('Not found, or not yours to see.');
    }
    if (r.access === 'staff' || r.access === 'admin' || r.method !== 'GET') responses[403] = errorResponse('Forbidden, or CSRF check failed (forbidden, csrf_failed).');
    const op: Record<string, unknown> = {
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').split(/[/-]/).map((s) => (s ? s[0]!.toUpperCase() + s.slice(1) : '')).join('')}`,
      summary: r.summary,
      tags: [r.tag],
      'x-access': r.access,
      security: r.access === 'public' ? [] : [{ session: [], csrf: [] }, { bearer: [] }],
      parameters: parameters(r),
      responses,
    };
    if (r.body) {
      const content: Record<string, unknown> = { 'application/json': { schema: r.body } };
      if (r.multipart) {
        content['multipart/form-data'] = {
          schema: {
            type: 'object',
            properties: {
              payload: { type: 'string', contentMediaType: 'application/json', description: 'The JSON body as text (or send its keys as separate text fields).' },
              files: { type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' }, description: 'Judged by the attachment policy of e-mail; refused files give 422 attachment_rejected with details.files.' },
            },
          },
        };
        responses[413] = errorResponse('The files exceed the size limit (too_large).');
        responses[422] = errorResponse('A file is not allowed (attachment_rejected).');
      }
      op.requestBody = { required: true, content };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'The Supportal JSON API. State-changing requests with the session cookie need the X-CSRF-Token header; API tokens (Bearer spt_…) do not.' },
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: '__Host-supportal_session', description: 'Named supportal_session over plain HTTP.' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token, spt_…' },
      },
    },
  };
}
