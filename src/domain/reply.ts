/**
 * One split of a customer's reply for both views of a case: the text everyone sees and the HTML.
 * A mail with a text and an HTML part is split twice (reply-text.ts, reply-html.ts); when the two
 * cuts differ, the earlier one (less history shown) is applied to both, so that neither view
 * shows more of the quoted history than the other.
 *
 * Usage:
 *   const { replyText, quotedText, replyHtml } = splitCustomerReply({ text: mail.text, html: mail.html });
 *   // replyHtml is still untrusted mail HTML: sanitise before display.
 */
import { splitReply } from './reply-text.js';
import { splitReplyHtml, type SplitReplyHtml } from './reply-html.js';
import { htmlToPlainText, textToHtml } from './html-text.js';

export interface CustomerReply {
  /** What the customer wrote, as text. */
  replyText: string;
  /** The removed signature and quoted history, as text. */
  quotedText: string;
  /** What the customer wrote, as HTML; null for a text-only mail. */
  replyHtml: string | null;
  /** The signature part of `quotedText` when the text split found one; '' otherwise (the HTML split keeps it with the history). */
  signature: string;
}

/** Letters and digits only: the two parts render links, spacing and quote marks differently. */
function letters(s: string): string {
  return s.replace(/[^\p{L}\p{N}]+/gu, '').toLowerCase();
}

function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('\n\n');
}

/** The views taken from the HTML split; the text is the HTML's, converted. */
function fromHtml(h: SplitReplyHtml): CustomerReply {
  return { replyText: htmlToPlainText(h.replyHtml), quotedText: htmlToPlainText(h.quotedHtml), signature: '', replyHtml: h.replyHtml };
}

/**
 * HTML with more tags than this is shown by its text alone. htmlparser2 keeps its open elements
 * in an array it grows with `unshift`, so n nested unclosed tags cost O(n²) (found by fuzzing):
 * 1 MiB of "<html><di" repeated took 11.6 s of CPU, 50,000 tags 182 ms, 25,000 tags 52 ms (on a
 * loaded 2-core machine). The most tags of any mail in the corpus is 19,246; real replies have
 * a few thousand.
 */
export const MAX_HTML_TAGS = 50_000;

function tooManyTags(html: string): boolean {
  const tag = /<[a-zA-Z!/?]/g;
  let n = 0;
  while (tag.exec(html) !== null) if (++n > MAX_HTML_TAGS) return true;
  return false;
}

export function splitCustomerReply(mail: { text?: string | null; html?: string | null }): CustomerReply {
  const text = mail.text ?? '';
  const html = mail.html && !tooManyTags(mail.html) ? mail.html : '';
  if (html.trim() === '') {
    const t = splitReply(text);
    return { replyText: t.reply, quotedText: join(t.quoted, t.signature), signature: t.signature, replyHtml: null };
  }
  const h = splitReplyHtml(html);
  if (text.trim() === '') return fromHtml(h);

  const t = splitReply(text);
  const kept = letters(t.reply);
  // The HTML's lines as one string of letters, with where each line begins in it.
  let all = '';
  const startsAt: number[] = [];
  for (const line of h.lines) {
    startsAt.push(all.length);
    all += letters(line);
  }
  startsAt.push(all.length);
  const keptByHtml = all.slice(0, startsAt[h.cutLine] ?? all.length);
  const htmlCut = h.cutLine < h.lines.length;
  if (kept === keptByHtml) return { replyText: t.reply, quotedText: join(t.quoted, t.signature), signature: t.signature, replyHtml: h.replyHtml };
  if (htmlCut && keptByHtml.length <= kept.length) return fromHtml(h);

  // The text was cut earlier: cut the HTML at the line where the text's reply ends.
  if (all.startsWith(kept)) {
    const line = startsAt.findIndex((at, i) => i > 0 && at === kept.length && (i === h.lines.length || letters(h.lines[i] ?? '') !== ''));
    if (line > 0 && line < h.lines.length) {
      const recut = splitReplyHtml(html, line);
      return { replyText: t.reply, quotedText: join(t.quoted, t.signature), signature: t.signature, replyHtml: recut.replyHtml };
    }
  }
  if (htmlCut) return fromHtml(h);
  // The text split took out something in the middle (a forward's header, the header above
  // inline answers) or the parts differ in wording: the HTML shows no history at its end, so
  // both views stay as they are.
  if (!letters(text).startsWith(kept)) return { replyText: t.reply, quotedText: join(t.quoted, t.signature), signature: t.signature, replyHtml: h.replyHtml };
  // History the HTML could not be cut at: the HTML view shows the text's reply instead.
  return { replyText: t.reply, quotedText: join(t.quoted, t.signature), signature: t.signature, replyHtml: textToHtml(t.reply) };
}
