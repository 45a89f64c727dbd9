import type { Language } from '../../domain/case.js';

/**
 * How three common mail clients write a reply: where the answer goes, how the history is quoted,
 * which header lines they add. The shapes follow real mails of each client (test/corpus holds
 * samples: Thunderbird/mutt `>` quoting, Outlook's "Von: … Gesendet: …" block under a rule,
 * Gmail's `gmail_quote` blockquote), so that a reply made here is parsed like one from outside.
 */
export const CLIENT_STYLES = ['plain', 'outlook', 'gmail'] as const;
export type ClientStyle = (typeof CLIENT_STYLES)[number];

export interface OriginalMail {
  fromName: string;
  fromAddress: string;
  to: string[];
  subject: string;
  date: Date;
  text: string;
  html: string | null;
}

export interface StyledReply {
  subject: string;
  text: string;
  html: string | null;
  headers: Array<{ name: string; value: string }>;
  /** The right-hand side of the client's Message-IDs. */
  messageIdDomain: string;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function textAsHtml(s: string): string {
  return escapeHtml(s).replace(/\r?\n/g, '<br>\n');
}

/** Adds the client's reply prefix once: a subject that has one already keeps it. */
function replySubject(subject: string, prefix: string): string {
  return /^\s*(re|aw|antw|sv|wg|fw|fwd)\s*:/i.test(subject) ? subject : `${prefix}: ${subject}`;
}

function quoteLines(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => (l.startsWith('>') ? `>${l}` : l === '' ? '>' : `> ${l}`))
    .join('\n');
}

const dateTime = (lang: Language, opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', { timeZone: 'UTC', ...opts });

/** "Am 06.12.2026 um 14:20 schrieb …" / "On 06/12/2026 14:20, … wrote:" (Thunderbird). */
function plainAttribution(o: OriginalMail, lang: Language): string {
  const d = dateTime(lang, { day: '2-digit', month: '2-digit', year: 'numeric' }).format(o.date);
  const t = dateTime(lang, { hour: '2-digit', minute: '2-digit', hour12: false }).format(o.date);
  return lang === 'de' ? `Am ${d} um ${t} schrieb ${o.fromName}:` : `On ${d} ${t}, ${o.fromName} wrote:`;
}

/** "Am So., 6. Dez. 2026 um 14:20 Uhr schrieb Alex <a@b>:" / "On Sun, 6 Dec 2026 at 14:20, Alex <a@b> wrote:" (Gmail). */
function gmailAttribution(o: OriginalMail, lang: Language): string {
  const d = dateTime(lang, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(o.date);
  const t = dateTime(lang, { hour: '2-digit', minute: '2-digit', hour12: false }).format(o.date);
  return lang === 'de' ? `Am ${d} um ${t} Uhr schrieb ${o.fromName} <${o.fromAddress}>:` : `On ${d} at ${t}, ${o.fromName} <${o.fromAddress}> wrote:`;
}

/** Outlook's header block of the quoted mail, in the client's language. */
function outlookHeaderBlock(o: OriginalMail, lang: Language): Array<[string, string]> {
  const sent = dateTime(lang, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(o.date);
  const from = `${o.fromName} <${o.fromAddress}>`;
  return lang === 'de'
    ? [['Von', from], ['Gesendet', sent], ['An', o.to.join('; ')], ['Betreff', o.subject]]
    : [['From', from], ['Sent', sent], ['To', o.to.join('; ')], ['Subject', o.subject]];
}

/**
 * A 22-byte Thread-Index as Outlook writes it (6 bytes of FILETIME, 16 of a GUID), base64. Derived
 * from the date and the Message-ID here, so that a build is repeatable.
 */
function threadIndex(date: Date, seed: string): string {
  const filetime = BigInt(date.getTime()) * 10000n + 116444736000000000n;
  const head = Buffer.alloc(8);
  head.writeBigUInt64BE(filetime);
  const guid = Buffer.alloc(16);
  for (let i = 0; i < seed.length; i++) guid[i % 16] = (guid[i % 16]! * 31 + seed.charCodeAt(i)) & 0xff;
  return Buffer.concat([head.subarray(0, 6), guid]).toString('base64');
}

/** The reply `sender` writes with `style`: `seed` makes the client's ids (Thread-Index) repeatable. */
export function styleReply(style: ClientStyle, lang: Language, answer: string, o: OriginalMail, who: { sender: string; seed: string }): StyledReply {
  const seed = who.seed;
  const body = answer.replace(/\r\n/g, '\n').trim();
  if (style === 'plain') {
    return {
      subject: replySubject(o.subject, 'Re'),
      text: `${body}\n\n${plainAttribution(o, lang)}\n${quoteLines(o.text)}\n`,
      html: null,
      headers: [
        { name: 'User-Agent', value: 'Mozilla Thunderbird' },
        { name: 'Content-Language', value: lang === 'de' ? 'de-DE' : 'en-GB' },
      ],
      // Thunderbird names the sender's domain in its Message-IDs.
      messageIdDomain: who.sender.slice(who.sender.lastIndexOf('@') + 1),
    };
  }
  if (style === 'outlook') {
    const block = outlookHeaderBlock(o, lang);
    const subject = replySubject(o.subject, lang === 'de' ? 'AW' : 'RE');
    const text = `${body}\n\n________________________________\n${block.map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${o.text.replace(/\r\n/g, '\n').trim()}\n`;
    const quotedHtml = o.html ?? `<p>${textAsHtml(o.text)}</p>`;
    const html =
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p.MsoNormal{margin:0cm;font-size:11pt;font-family:Calibri,sans-serif;}</style></head>' +
      `<body lang="${lang === 'de' ? 'DE' : 'EN-GB'}"><div class="WordSection1"><p class="MsoNormal">${textAsHtml(body)}</p><p class="MsoNormal">&nbsp;</p>` +
      '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal">' +
      block.map(([k, v]) => `<b>${escapeHtml(k)}:</b> ${escapeHtml(v)}`).join('<br>\n') +
      `</p></div><p class="MsoNormal">&nbsp;</p>${quotedHtml}</div></body></html>`;
    return {
      subject,
      text,
      html,
      headers: [
        { name: 'Thread-Topic', value: o.subject },
        { name: 'Thread-Index', value: threadIndex(o.date, seed) },
        { name: 'Accept-Language', value: lang === 'de' ? 'de-DE, en-US' : 'en-GB, en-US' },
        { name: 'Content-Language', value: lang === 'de' ? 'de-DE' : 'en-GB' },
        { name: 'X-MS-Has-Attach', value: '' },
        { name: 'X-Mailer', value: 'Microsoft Outlook 16.0' },
      ],
      messageIdDomain: 'outlook.invalid',
    };
  }
  const attribution = gmailAttribution(o, lang);
  const quotedHtml = o.html ?? textAsHtml(o.text);
  return {
    subject: replySubject(o.subject, 'Re'),
    text: `${body}\n\n${attribution}\n\n${quoteLines(o.text)}\n`,
    html:
      `<div dir="ltr">${textAsHtml(body)}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">${escapeHtml(attribution)}<br></div>` +
      `<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">${quotedHtml}</blockquote></div>\n`,
    headers: [],
    messageIdDomain: 'mail.gmail.com',
  };
}
