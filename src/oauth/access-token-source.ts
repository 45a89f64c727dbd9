import type { MailboxSecrets, OAuthSettings } from '../app/mailboxes/mailbox.js';
import type { AccessToken, AccessTokenSource } from '../app/mailboxes/ports.js';
import { requestAccessToken, type TokenAnswer } from './token-client.js';

/**
 * Caches a mailbox's access token and fetches a new one before it expires: `token(false)` answers
 * the cached token while more than the refresh margin is left, `token(true)` always fetches
 * (the mail server refused the cached one). Concurrent callers share one request.
 *
 *   const tokens = createAccessTokenSource({ user: 'support@example.com', settings, secrets: () => load() });
 *   const { value } = await tokens.token(false);
 */

// Refresh when a fifth of the lifetime is left, at most 5 minutes early: a 1-hour Entra or Google
// token is refreshed 5 minutes before it ends, a short test token (seconds) still lives 80 %.
const MAX_MARGIN_MS = 5 * 60_000;
const MARGIN_SHARE = 0.2;

export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(MAX_MARGIN_MS, Math.max(0, lifetimeMs) * MARGIN_SHARE);
}

export interface AccessTokenSourceOptions {
  user: string;
  settings: OAuthSettings;
  /** The mailbox's secrets, opened when a token is needed (so that a new refresh token is seen). */
  secrets(): Promise<MailboxSecrets>;
  /** The server rotated the refresh token: store the new one. */
  onRefreshToken?(refreshToken: string): Promise<void>;
  /** Every token fetched (for logs and tests; never the token itself). */
  onFetched?(t: { expiresAt: number | null }): void;
  /** Replaces the token request (tests). */
  request?(settings: OAuthSettings, secrets: MailboxSecrets): Promise<TokenAnswer>;
}

/** When a cached token should be replaced: epoch ms, or null when it never should. */
export function renewAt(t: { expiresAt: number | null; fetchedAt: number }): number | null {
  if (t.expiresAt === null) return null;
  return t.expiresAt - refreshMarginMs(t.expiresAt - t.fetchedAt);
}

export function createAccessTokenSource(opts: AccessTokenSourceOptions): AccessTokenSource {
  let cached: { value: string; expiresAt: number | null; fetchedAt: number } | null = null;
  let inflight: Promise<AccessToken> | null = null;
  const request = opts.request ?? requestAccessToken;

  async function fetchNew(): Promise<AccessToken> {
    const secrets = await opts.secrets();
    const fetchedAt = Date.now();
    const answer = await request(opts.settings, secrets);
    if (answer.refreshToken && answer.refreshToken !== secrets.refreshToken && opts.onRefreshToken) await opts.onRefreshToken(answer.refreshToken);
    const fresh = { value: answer.accessToken, expiresAt: answer.expiresAt, fetchedAt };
    cached = fresh;
    opts.onFetched?.({ expiresAt: answer.expiresAt });
    return { value: fresh.value, expiresAt: fresh.expiresAt, renewAt: renewAt(fresh) };
  }

  return {
    user: opts.user,
    token(renew) {
      if (!renew && cached) {
        const at = renewAt(cached);
        if (at === null || Date.now() < at) return Promise.resolve({ value: cached.value, expiresAt: cached.expiresAt, renewAt: at });
      }
      if (renew) cached = null;
      inflight ??= fetchNew().finally(() => {
        inflight = null;
      });
      return inflight;
    },
  };
}
