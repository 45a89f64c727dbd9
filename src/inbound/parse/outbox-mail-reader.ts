import { simpleParser, type AddressObject } from 'mailparser';
import type { MailReader, ReadMail } from '../../app/outbox-viewer/ports.js';
import { headerValue } from './header-text.js';

function addresses(a: AddressObject | AddressObject[] | undefined): Array<{ name: string; address: string }> {
  const list = a === undefined ? [] : Array.isArray(a) ? a : [a];
  return list.flatMap((o) => o.value).filter((v) => v.address).map((v) => ({ name: v.name ?? '', address: v.address!.toLowerCase() }));
}

function idList(v: string | string[] | undefined): string[] {
  const all = v === undefined ? [] : Array.isArray(v) ? v : v.split(/\s+/);
  return all.map((x) => x.trim().replace(/^<|>$/g, '')).filter(Boolean);
}

/**
 * Reads one of our own stored mails (the outbox) as a mail client shows it. Our own mails are
 * small and trusted, so mailparser's simpleParser reads them whole, without the pre-scan and the
 * CPU budget that untrusted inbound mail gets.
 */
export const outboxMailReader: MailReader = {
  async read(raw: Buffer): Promise<ReadMail> {
    const m = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
    const from = addresses(m.from)[0] ?? null;
    const replyTo = addresses(m.replyTo)[0]?.address ?? null;
    return {
      headers: m.headerLines.map((h) => ({ name: h.line.slice(0, h.line.indexOf(':')), value: headerValue(h.line) })),
      from,
      replyTo,
      to: addresses(m.to).map((a) => a.address),
      subject: m.subject ?? '',
      date: m.date ? m.date.toISOString() : null,
      messageId: idList(m.messageId)[0] ?? null,
      references: idList(m.references),
      text: m.text ?? null,
      html: typeof m.html === 'string' ? m.html : null,
      attachments: m.attachments.map((a, i) => ({
        filename: a.filename ?? `attachment-${i + 1}`,
        contentType: a.contentType,
        size: a.size,
        contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null,
        content: a.content,
      })),
    };
  },
};
