/** The part of oidc-provider's API (v9, untyped JavaScript) that test/support/oidc.ts uses. */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type AdapterPayload = Record<string, unknown> & { clientId?: string; grantId?: string; uid?: string; consumed?: number };
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }
  export interface ClientLike {
    clientId: string;
    grantTypeAllowed(type: string): boolean;
  }
  export interface GrantLike {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }
  interface KoaLikeContext {
    oidc: {
      client?: ClientLike;
      result?: { consent?: { grantId?: string } };
      session?: { grantIdFor(clientId: string): string | undefined };
      provider: Provider;
    };
  }
  export interface Configuration {
    adapter?: (name: string) => Adapter;
    clients?: Array<Record<string, unknown>>;
    findAccount?: (ctx: KoaLikeContext, sub: string) => Promise<{ accountId: string; claims(): Promise<Record<string, unknown>> }>;
    features?: Record<string, { enabled: boolean }>;
    scopes?: string[];
    pkce?: { required(): boolean };
    ttl?: Record<string, number>;
    routes?: Record<string, string>;
    issueRefreshToken?: (ctx: KoaLikeContext, client: ClientLike) => Promise<boolean>;
    extraTokenClaims?: (ctx: KoaLikeContext, token: unknown) => Promise<Record<string, unknown>>;
    cookies?: { keys: string[] };
    loadExistingGrant?: (ctx: KoaLikeContext) => Promise<unknown>;
  }
  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    Client: { find(id: string): Promise<ClientLike | undefined> };
    Grant: (new (p: { accountId: string; clientId: string }) => GrantLike) & { find(id: string): Promise<unknown> };
    RefreshToken: new (p: { accountId: string; client: ClientLike; grantId: string; scope: string; gty: string }) => { save(): Promise<string> };
  }
}
