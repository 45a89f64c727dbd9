import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import MailComposerImpl from 'nodemailer/lib/mail-composer/index.js';
import DKIM from 'nodemailer/lib/dkim/index.js';
import type { MailComposer, OutgoingMessage } from '../app/outbound/mail-composer.js';
import { renderTemplate } from './render/templates.js';

export interface DkimSettings { domain: string; selector: string; privateKeyFile: string }

function streamToBuffer(s: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
  });
}

/**
 * Builds RFC 5322 messages with nodemailer's MailComposer (multipart/alternative, RFC 2047
 * encoded headers, attachments) and signs them with DKIM when configured. nodemailer encodes
 * every header value, so CR/LF in a name or subject cannot inject a header (W9); we refuse
 * them earlier anyway, at input validation.
 */
export function createNodemailerComposer(dkim: DkimSettings | null): MailComposer {
  const signer = dkim
    ? new DKIM({ domainName: dkim.domain, keySelector: dkim.selector, privateKey: readFileSync(dkim.privateKeyFile, 'utf8') })
    : null;
  return {
    render: renderTemplate,
    async compose(m: OutgoingMessage): Promise<Buffer> {
      const composer = new MailComposerImpl({
        from: m.from,
        to: m.to,
        cc: m.cc,
        replyTo: m.replyTo ?? undefined,
        subject: m.subject,
        messageId: `<${m.messageId}>`,
        inReplyTo: m.inReplyTo ? `<${m.inReplyTo}>` : undefined,
        references: m.references?.map((r) => `<${r}>`),
        date: m.date,
        headers: m.headers,
        text: m.text,
        html: m.html,
        attachments: m.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
      });
      const raw = await new Promise<Buffer>((resolve, reject) => composer.compile().build((err: Error | null, msg: Buffer) => (err ? reject(err) : resolve(msg))));
      if (!signer) return raw;
      const input = new PassThrough();
      input.end(raw);
      return streamToBuffer(signer.sign(input));
    },
  };
}
