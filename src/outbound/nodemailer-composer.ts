import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import MailComposerImpl from 'nodemailer/lib/mail-composer/index.js';
import DKIM from 'nodemailer/lib/dkim/index.js';
import type { MailComposer, OutgoingMessage } from '../app/outbound/mail-composer.js';
import type { TemplateOverrideSource } from '../app/settings/ports.js';
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
 * nodemailer keeps the line breaks of a 7bit text part as they came (a bare LF from a textarea),
 * while its SMTP client turns every bare CR or LF into CRLF on the wire. Normalising here makes
 * the stored (and DKIM-signed) bytes exactly the bytes the relay receives. latin1 maps bytes
 * one to one, so 8-bit content survives the round trip.
 */
function crlf(raw: Buffer): Buffer {
  const s = raw.toString('latin1');
  return /\r(?!\n)|(?<!\r)\n/.test(s) ? Buffer.from(s.replace(/\r\n|\r|\n/g, '\r\n'), 'latin1') : raw;
}

/**
 * Builds RFC 5322 messages with nodemailer's MailComposer (multipart/alternative, RFC 2047
 * encoded headers, attachments) and signs them with DKIM when configured. nodemailer encodes
 * every header value, so CR/LF in a name or subject cannot inject a header (W9); we refuse
 * them earlier anyway, at input validation.
 */
export function createNodemailerComposer(dkim: DkimSettings | null, templates?: TemplateOverrideSource | null): MailComposer {
  const signer = dkim
    ? new DKIM({ domainName: dkim.domain, keySelector: dkim.selector, privateKey: readFileSync(dkim.privateKeyFile, 'utf8') })
    : null;
  return {
    render: (name, language, vars) => renderTemplate(name, language, vars, templates?.templateOverride(name, language)),
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
      const built = await new Promise<Buffer>((resolve, reject) => composer.compile().build((err: Error | null, msg: Buffer) => (err ? reject(err) : resolve(msg))));
      const raw = crlf(built);
      if (!signer) return raw;
      const input = new PassThrough();
      input.end(raw);
      return streamToBuffer(signer.sign(input));
    },
  };
}

/**
 * The same composer (DKIM and all) with the admin's template wording: renders through the
 * override source, composes through `base`. For a composition root whose composer exists already.
 *
 * Usage:
 *   ctx.composer = withTemplateOverrides(ctx.composer, installationSettings);
 */
export function withTemplateOverrides(base: MailComposer, templates: TemplateOverrideSource): MailComposer {
  return {
    render: (name, language, vars) => renderTemplate(name, language, vars, templates.templateOverride(name, language)),
    compose: (m) => base.compose(m),
  };
}
