import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';

/**
 * A real OAuth2/OpenID Connect authorization server for tests: oidc-provider (a certified
 * implementation) on a free loopback port, with client credentials, authorization code + PKCE,
 * refresh tokens, introspection (what Dovecot's oauth2 passdb asks) and revocation.
 *
 * Every access token carries a `username` claim in its introspection answer (RFC 7662 allows
 * extra members): the account that logged in (authorization code), or the mailbox a client is
 * registered for (client credentials), which is what Dovecot compares with the login user.
 *
 * Usage:
 *   const idp = await startOidcServer({ tenant: 'tenant-a', accessTokenTtlSeconds: 600 });
 *   idp.addClient({ clientId: 'app', clientSecret: 's3cret', mailbox: 'support@example.com' });
 *   idp.issuer          // http://127.0.0.1:PORT
 *   await idp.revokeGrants('app');  // every grant and token of the client is gone
 *   await idp.stop();
 */

export interface OidcClientSpec {
  clientId: string;
  clientSecret: string;
  /** The mailbox a client-credentials token of this client may open (its `username`). */
  mailbox?: string;
  /** For the authorization-code flow. */
  redirectUris?: string[];
  /** `client_secret_basic` (default) or `client_secret_post` (what Entra uses). */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
  /** The public keys of a certificate credential: the client then authenticates with `private_key_jwt` only. */
  jwks?: { keys: object[] };
}

export interface OidcServer {
  issuer: string;
  port: number;
  /** The tenant whose token endpoint exists: `<issuer>/<tenant>/oauth2/v2.0/token` (Entra's path). */
  tenant: string;
  /** The introspection endpoint with credentials, for Dovecot: http://id:secret@127.0.0.1:PORT/token/introspection. */
  introspectionUrl: string;
  addClient(c: OidcClientSpec): void;
  /** Asks the introspection endpoint about a token, as Dovecot or a relay does. */
  introspect(token: string): Promise<{ active: boolean; username?: string }>;
  /** Access and refresh tokens issued so far, per client id (counts, for assertions). */
  issued(clientId: string): { accessTokens: number; refreshTokens: number };
  /** Mints a refresh token for `accountId` as the authorization-code flow would, without a browser. */
  mintRefreshToken(clientId: string, accountId: string, scope: string): Promise<string>;
  /** Destroys every grant, access and refresh token of the client: a revoked consent. */
  revokeGrants(clientId: string): Promise<void>;
  /** Deletes the client: its credentials are refused from now on. */
  removeClient(clientId: string): Promise<void>;
  stop(): Promise<void>;
}

/** The introspecting client Dovecot uses. */
const INTROSPECTOR = { id: 'dovecot', secret: 'dovecot-introspection-secret' };

type Stored = { payload: AdapterPayload; expiresAt: number | null };

export async function startOidcServer(opts: { tenant?: string; accessTokenTtlSeconds?: number } = {}): Promise<OidcServer> {
  const tenant = opts.tenant ?? 'tenant-a';
  const ttl = opts.accessTokenTtlSeconds ?? 600;
  const storage = new Map<string, Stored>();
  const counts = new Map<string, { accessTokens: number; refreshTokens: number }>();
  const mailboxes = new Map<string, string>();
  const count = (clientId: string) => {
    let c = counts.get(clientId);
    if (!c) counts.set(clientId, (c = { accessTokens: 0, refreshTokens: 0 }));
    return c;
  };

  class MapAdapter implements Adapter {
    constructor(private readonly model: string) {}
    private k(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      storage.set(this.k(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : null });
      if ((this.model === 'AccessToken' || this.model === 'ClientCredentials') && payload.clientId) count(payload.clientId).accessTokens++;
      if (this.model === 'RefreshToken' && payload.clientId) count(payload.clientId).refreshTokens++;
    }
    async find(id: string) {
      const s = storage.get(this.k(id));
      if (!s) return undefined;
      if (s.expiresAt !== null && s.expiresAt < Date.now()) return undefined;
      return s.payload;
    }
    async findByUserCode() {
      return undefined;
    }
    async findByUid(uid: string) {
      for (const [k, s] of storage) if (k.startsWith(`${this.model}:`) && s.payload.uid === uid) return s.payload;
      return undefined;
    }
    async consume(id: string) {
      const s = storage.get(this.k(id));
      if (s) s.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      storage.delete(this.k(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [k, s] of storage) if (s.payload.grantId === grantId) storage.delete(k);
    }
  }

  const clients: Array<Record<string, unknown>> = [];
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    adapter: (name: string) => new MapAdapter(name),
    // Clients come from the adapter, so that a test may add and delete them while it runs.
    clients: [],
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      // The built-in login and consent pages: any login name, any password.
      devInteractions: { enabled: true },
    },
    scopes: ['openid', 'offline_access', 'https://mail.google.com/', 'https://outlook.office365.com/.default', 'imap'],
    pkce: { required: () => true },
    ttl: { AccessToken: ttl, ClientCredentials: ttl, RefreshToken: 24 * 3600, Grant: 24 * 3600, Session: 3600, Interaction: 3600, AuthorizationCode: 60 },
    routes: { token: `/${tenant}/oauth2/v2.0/token` },
    // Refresh tokens for every client that may use them, as Google does for access_type=offline.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    extraTokenClaims: async (_ctx, token) => {
      const t = token as { kind?: string; accountId?: string; clientId?: string };
      if (t.kind === 'ClientCredentials') return { username: mailboxes.get(t.clientId ?? '') ?? null };
      return { username: t.accountId ?? null };
    },
    // oidc-provider asks for cookie keys; these are test-only values.
    cookies: { keys: ['test-cookie-key-of-the-local-authorization-server'] },
    // Consent in one page: the grant covers every scope the client asked for.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId);
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
  });
  provider.proxy = false;
  const clientAdapter = new MapAdapter('Client');
  const addClient = (c: OidcClientSpec) => {
    if (c.mailbox) mailboxes.set(c.clientId, c.mailbox);
    const meta = {
      client_id: c.clientId,
      client_secret: c.clientSecret,
      grant_types: c.redirectUris ? ['authorization_code', 'refresh_token'] : ['client_credentials'],
      response_types: c.redirectUris ? ['code'] : [],
      redirect_uris: c.redirectUris ?? [],
      token_endpoint_auth_method: c.jwks ? 'private_key_jwt' : c.authMethod ?? 'client_secret_basic',
      ...(c.jwks ? { jwks: c.jwks, token_endpoint_auth_signing_alg: 'RS256' } : {}),
      scope: 'openid offline_access https://mail.google.com/ https://outlook.office365.com/.default imap',
    };
    clients.push(meta);
    void clientAdapter.upsert(c.clientId, meta as AdapterPayload, 0);
  };
  addClient({ clientId: INTROSPECTOR.id, clientSecret: INTROSPECTOR.secret });
  server.on('request', provider.callback());

  return {
    issuer,
    port,
    tenant,
    introspectionUrl: `http://${INTROSPECTOR.id}:${INTROSPECTOR.secret}@127.0.0.1:${port}/token/introspection`,
    addClient,
    async introspect(token) {
      const res = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${INTROSPECTOR.id}:${INTROSPECTOR.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
      return (await res.json()) as { active: boolean; username?: string };
    },
    issued: (clientId) => ({ ...count(clientId) }),
    async mintRefreshToken(clientId, accountId, scope) {
      const client = await provider.Client.find(clientId);
      if (!client) throw new Error(`no client ${clientId}`);
      const grant = new provider.Grant({ accountId, clientId });
      grant.addOIDCScope(scope);
      const grantId = await grant.save();
      const rt = new provider.RefreshToken({ accountId, client, grantId, scope, gty: 'authorization_code' });
      return rt.save();
    },
    async revokeGrants(clientId) {
      for (const [k, s] of storage) {
        if (s.payload.clientId === clientId && /^(AccessToken|ClientCredentials|RefreshToken|Grant|AuthorizationCode):/.test(k)) storage.delete(k);
      }
    },
    async removeClient(clientId) {
      for (const [k, s] of storage) if (s.payload.clientId === clientId && !k.startsWith('Client:')) storage.delete(k);
      await clientAdapter.destroy(clientId);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
