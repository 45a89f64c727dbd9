import type { FastifyInstance, FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';
import type { Principal } from '../app/auth/principal.js';
import type { PortalContext } from '../app/web-context.js';
import type { AfterResponse } from './after-response.js';

/**
 * Who may call a route. The levels nest: `customer` is any signed-in user (customers, agents,
 * admins), `staff` agents and admins, `admin` admins only. Which records a signed-in user may
 * see is decided by the use case (a customer gets 404 for another organisation's case).
 */
export const ACCESS_LEVELS = ['public', 'customer', 'staff', 'admin'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

export type JsonSchema = Record<string, unknown>;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface RouteSpec<T extends RouteGenericInterface = RouteGenericInterface> {
  method: HttpMethod;
  url: string;
  access: Access;
  summary: string;
  tag: string;
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  /**
   * The route also takes `multipart/form-data`: the JSON body in a `payload` field (or its keys as
   * text fields) plus `files`. The JSON schema then validates JSON requests only; the handler
   * reads the multipart body and the use case validates it.
   */
  multipart?: boolean;
  /** Left out of the OpenAPI document (the web UI's files): still registered with an access level. */
  hidden?: boolean;
  /** The success answer, for the OpenAPI document (not used to serialise: no field is dropped by mistake). */
  response: { status: number; description: string; schema?: JsonSchema; contentType?: string };
  handler(req: FastifyRequest<T>, reply: FastifyReply): Promise<unknown>;
}

export type RouteInfo = Omit<RouteSpec, 'handler'>;

export interface Router {
  route<T extends RouteGenericInterface>(spec: RouteSpec<T>): void;
  readonly routes: readonly RouteInfo[];
}

/** What route files receive. Here, not in app.ts, so that app.ts and the route files do not import each other. */
export interface RouteDeps {
  ctx: PortalContext;
  router: Router;
  /** Work that runs once the answer has left (sign-up and reset, so that timing tells nothing). */
  afterResponse?: AfterResponse;
}

function isAccess(v: unknown): v is Access {
  return typeof v === 'string' && (ACCESS_LEVELS as readonly string[]).includes(v);
}

/**
 * The one way to add a route: it must name its access level, and its schemas validate the input
 * and produce the OpenAPI document. A route added past this helper (a bare `app.get`) has no
 * access level and makes the start fail through the onRoute hook below.
 */
export function createRouter(app: FastifyInstance): Router {
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (opts) => {
    if (!isAccess(opts.config?.access)) throw new Error(`route ${String(opts.method)} ${opts.url} declares no access level; add it through the route registry`);
  });
  return {
    routes,
    route<T extends RouteGenericInterface>(spec: RouteSpec<T>): void {
      if (!isAccess((spec as { access?: unknown }).access)) throw new Error(`route ${spec.method} ${spec.url} declares no access level (one of ${ACCESS_LEVELS.join(', ')})`);
      const { handler, ...info } = spec;
      const schema: Record<string, JsonSchema> = {};
      if (spec.params) schema.params = spec.params;
      if (spec.querystring) schema.querystring = spec.querystring;
      if (spec.body) schema.body = spec.multipart ? { content: { 'application/json': { schema: spec.body } } } : spec.body;
      // The handler's answer is whatever it returns (or sends); Fastify's reply-type inference adds nothing here.
      app.route<T>({ method: spec.method, url: spec.url, schema, config: { access: spec.access }, handler: (req, reply) => handler(req, reply) as never });
      routes.push(info);
    },
  };
}

/** The signed-in principal of a request whose route is not public (the access hook ran already). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new Error('principalOf on a request without a principal: the route must not be public');
  return req.principal;
}
