import nodemailer from 'nodemailer';
import { TransportError, type MailTransport } from '../app/outbound/mail-transport.js';
import type { AccessTokenSource } from '../app/mailboxes/ports.js';

/**
 * The relay named by SUPPORTAL_RELAY_URL (smtp://user:pass@host:port, smtps://…; STARTTLS is
 * used when the relay offers it). A 5xx answer is permanent; everything else (4xx, refused
 * connection, timeout) is temporary and retried.
 *
 * With `tokens` (`?oauth=<mailbox key>` on the URL) the relay login is SASL XOAUTH2 with that
 * mailbox's access token (Microsoft 365's SMTP.SendAsApp, Google's mail scope): nodemailer asks
 * for a token per login and, when the relay refuses one, for a renewed one once before it fails;
 * a failed login is a temporary failure, so the mail waits in the outbox and is sent later.
 */
/** The start of a TransportError's message when the relay refused the login (an operator alert). */
export const RELAY_LOGIN_FAILED = 'relay login failed';

export function createSmtpTransport(relayUrl: string, opts: { tokens?: AccessTokenSource } = {}): MailTransport {
  const url = new URL(relayUrl);
  const tokens = opts.tokens;
  const user = url.username ? decodeURIComponent(url.username) : tokens?.user;
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    auth: tokens
      ? { type: 'OAuth2', user }
      : url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // Loopback and private relays often run self-signed certificates; `?tls=strict` demands a valid one.
    tls: { rejectUnauthorized: url.searchParams.get('tls') === 'strict' },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
    pool: true,
    maxConnections: 4,
  });
  if (tokens) {
    transport.set('oauth2_provision_cb', (_user: string, renew: boolean, callback: (err: Error | null, token?: string, expires?: number) => void) => {
      tokens.token(renew).then(
        (t) => callback(null, t.value, t.renewAt ?? t.expiresAt ?? undefined),
        // A new error: nodemailer marks the one it is given with its own code (EAUTH).
        (err: unknown) => callback(new Error(`no access token: ${(err as Error).message}`)),
      );
    });
  }
  return {
    async send(envelope, raw) {
      try {
        const info = await transport.sendMail({ envelope, raw });
        return { response: String(info.response ?? '') };
      } catch (e) {
        const err = e as Error & { responseCode?: number; response?: string; code?: string };
        // A refused relay login (535, or no token to be had) is our configuration, not the
        // recipient's: the mail waits in the outbox until the login works again.
        if (err.code === 'EAUTH' || err.code === 'EOAUTH2') {
          throw new TransportError(`${RELAY_LOGIN_FAILED}: ${err.response ?? err.message}`, false);
        }
        const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600;
        throw new TransportError(err.response ?? err.message, permanent);
      }
    },
    close: () => transport.close(),
  };
}
