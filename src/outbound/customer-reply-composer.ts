import MailComposerImpl from 'nodemailer/lib/mail-composer/index.js';
import nodemailer from 'nodemailer';
import type { CustomerReplySpec, ReplyDelivery, ReplyComposer } from '../app/outbox-viewer/ports.js';

/** nodemailer keeps a text part's bare LFs; SMTP would turn them into CRLF (see nodemailer-composer.ts). */
function crlf(raw: Buffer): Buffer {
  const s = raw.toString('latin1');
  return /\r(?!\n)|(?<!\r)\n/.test(s) ? Buffer.from(s.replace(/\r\n|\r|\n/g, '\r\n'), 'latin1') : raw;
}

/**
 * A customer's reply as their mail client builds it, with nodemailer's MailComposer: RFC 5322
 * headers (RFC 2047 encoded where needed), multipart/alternative for HTML clients,
 * multipart/mixed with attachments. The bytes end in CRLF, so that SMTP carries them unchanged.
 */
export const customerReplyComposer: ReplyComposer = {
  async build(s: CustomerReplySpec): Promise<Buffer> {
    const composer = new MailComposerImpl({
      from: { name: s.from.name, address: s.from.address },
      to: s.to,
      subject: s.subject,
      date: s.date,
      messageId: `<${s.messageId}>`,
      inReplyTo: s.inReplyTo ? `<${s.inReplyTo}>` : undefined,
      references: s.references.length ? s.references.map((r) => `<${r}>`) : undefined,
      headers: s.headers.map((h) => ({ key: h.name, value: h.value })),
      text: s.text,
      html: s.html ?? undefined,
      attachments: s.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
    });
    const built = await new Promise<Buffer>((resolve, reject) => composer.compile().build((err: Error | null, msg: Buffer) => (err ? reject(err) : resolve(msg))));
    const raw = crlf(built);
    return raw.subarray(-2).toString('latin1') === '\r\n' ? raw : Buffer.concat([raw, Buffer.from('\r\n')]);
  },
};

/**
 * An SMTP client for our own listener at `host:port`: a real socket and a real SMTP dialogue,
 * exactly as a mail from outside arrives (STARTTLS is used when the listener offers it, its
 * certificate not checked: it is our own).
 */
export function loopbackSmtp(host: string, port: number): ReplyDelivery {
  return {
    async submit(envelope, raw) {
      const transport = nodemailer.createTransport({ host, port, secure: false, tls: { rejectUnauthorized: false }, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000, name: 'client.localhost' });
      try {
        const info = await transport.sendMail({ envelope, raw });
        return String(info.response ?? '');
      } finally {
        transport.close();
      }
    },
  };
}
