import nodemailer from 'nodemailer';
import { TransportError, type MailTransport } from '../app/outbound/mail-transport.js';

/**
 * The relay named by SUPPORTAL_RELAY_URL (smtp://user:pass@host:port, smtps://…; STARTTLS is
 * used when the relay offers it). A 5xx answer is permanent; everything else (4xx, refused
 * connection, timeout) is temporary and retried.
 */
export function createSmtpTransport(relayUrl: string): MailTransport {
  const url = new URL(relayUrl);
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // Loopback and private relays often run self-signed certificates; `?tls=strict` demands a valid one.
    tls: { rejectUnauthorized: url.searchParams.get('tls') === 'strict' },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
    pool: true,
    maxConnections: 4,
  });
  return {
    async send(envelope, raw) {
      try {
        const info = await transport.sendMail({ envelope, raw });
        return { response: String(info.response ?? '') };
      } catch (e) {
        const err = e as Error & { responseCode?: number; response?: string };
        const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600;
        throw new TransportError(err.response ?? err.message, permanent);
      }
    },
    close: () => transport.close(),
  };
}
