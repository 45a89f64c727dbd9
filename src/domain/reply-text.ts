/**
 * Splits the plain-text body of a customer's reply into the new text, the quoted history and the
 * signature, so that a case shows what the customer actually wrote.
 *
 * The text is classified line by line (empty, quote, quote header, header field, signature
 * delimiter, mobile boilerplate, text) and the cut points are chosen from that sequence. Every
 * regular expression runs on one line of bounded length and none nests quantifiers, so the whole
 * split is linear in the input size (RELIABILITY M12).
 *
 * Usage:
 *   const { reply, quoted, signature } = splitReply(mail.text);
 */

import { FORWARD_MARKERS, FROM_LABELS, MOBILE, OPENER, OTHER_LABELS, WROTE } from './reply-headers.js';

export interface SplitReply {
  /** The text the customer wrote, trimmed. Never empty when the input has any content. */
  reply: string;
  /** The quoted history that was removed (headers and `>` blocks), trimmed. */
  quoted: string;
  /** The signature block that was removed (after `-- `, mobile boilerplate), trimmed. */
  signature: string;
}

type Kind =
  | 'empty'
  | 'quote'
  | 'namedquote'
  | 'header' // a quote header such as "On … wrote:" or "-----Original Message-----"
  | 'field' // one header field of an Outlook-style block ("From: …", "Gesendet: …")
  | 'sigdash' // "-- " (RFC 3676) or "--"
  | 'underscores' // Outlook's "_____" rule: quote separator before fields, else a signature rule
  | 'dashes' // a rule of "-----" or "=====", only meaningful right before a header block
  | 'mobile' // "Sent from my iPhone", "Von meinem iPhone gesendet", …
  | 'text';

/**
 * Lines longer than this are never a header, delimiter or boilerplate (real quote headers stay
 * under a few hundred characters even with two addresses); they are classified by their first
 * character only, which keeps regex work per line bounded.
 */
const MAX_PATTERN_LINE = 1000;
/** A wrapped quote header is joined from at most this many lines (5 seen in real mail: name, blank, "<", address, "> wrote:"). */
const MAX_HEADER_LINES = 5;
/** A joined quote header longer than this is prose, not a header. */
const MAX_HEADER_CHARS = 500;
/** Mobile boilerplate is one short line; a longer line starting "Sent from" is a sentence. */
const MAX_MOBILE_LINE = 120;
/** An Outlook header block needs its "From:" line plus at least 2 fields within this window. */
const FIELD_WINDOW = 8;
const MIN_EXTRA_FIELDS = 2;
/** Fields a client puts above "From:" ("Gesendet:", "Date:"); Outlook for Mac and GMX put one or two. */
const MAX_FIELDS_BEFORE_FROM = 3;

const QUOTE = /^[ \t]*>/;
/**
 * Supercite-style "Richard> …" quoting. Such a prefix is ambiguous with prose ("Note> …"), so it
 * counts as a quote at the end of a reply but never proves that the customer answered inline.
 */
const NAMED_QUOTE = /^[ \t]*[A-Za-z]{1,12}>/;
const QUOTE_WITHOUT_CONTENT = /^[ \t>]*$/;
const STARTS_LOWER = /^[ \t]*\p{Ll}/u;
const SIG_DASH = /^--[ \t]*$/;
const UNDERSCORES = /^[ \t*]*_{2,}[ \t*]*$/;
const DASHES = /^[ \t*]*(?:-{4,}|={4,})[ \t*]*$/;
/**
 * A sign-off of one to four capitalised words right after a dash ("-Abhishek Kona"), which the
 * github and willdurand parsers hide as a signature. "- item" (a list) and "-rw-r--r--" are not.
 */
const DASH_NAME = /^[ \t]*-\p{Lu}[\p{L}.'-]*(?:[ \t]\p{Lu}[\p{L}.'-]*){0,3}[ \t]*$/u;
/** Characters that mail clients leave on otherwise empty lines (tracking marks, NBSP, ZWSP). */
const BLANK = /^(?:\s|\u1427|\u200b|\u200c|\u200d|\u2060|\ufeff)*$/;

const ENDS_WITH_WROTE = new RegExp(`(?:^|[\\s"'>)])${WROTE}[ \\t]*(?:[:：]|-{2,})[ \\t-]*$`, 'i');
const ENDS_WITH_BARE_WROTE = new RegExp(`(?:^|[\\s"'>)])${WROTE}[ \\t]*$`, 'i');
const CONTAINS_WROTE = new RegExp(`(?:^|[\\s"'>)])${WROTE}(?=[\\s:：,]|$)`, 'i');
const ENDS_WITH_COLON = /[:：][ \t]*$/;
const DIGIT = /\d/;
/** Anchored at the "@" so that the scan is linear even on lines without one. */
const EMAIL = /@[\w.-]+\.[a-z]{2,}/i;
const ANGLE_EMAIL = /(?:<|&lt;)[ \t]*(?:mailto:)?[^\s<>@]{1,200}@[\w.-]+\.[a-z]{2,}/i;
/** "2016-03-03 17:21 GMT+01:00 Some One" and "2013/7/20 sam <sam@example.com>" (old Gmail). */
const ISO_DATE_START = /^[ \t]*\d{4}[-/]\d{1,2}[-/]\d{1,2}[ \t]/;
const GMT_OFFSET = /\bGMT[+-]\d{1,2}:?\d{2}\b/;
const VIA = /\svia\s/;
const UNFINISHED = /[<,"(][ \t]*$/;
const BARE_ADDRESS_START = /^[ \t>]*(?:<|&lt;)?(?:mailto:)?[^\s@<>]{1,200}@/;

// French clients put a (non-breaking) space before the colon: "De\u00a0: …".
const FROM_FIELD = new RegExp(`^[ \\t*\u00a0]*${FROM_LABELS}[ \\t*\u00a0]*[:：]`, 'i');
const ANY_FIELD = new RegExp(
  `^[ \\t*\u00a0]*(?:${FROM_LABELS}|${OTHER_LABELS})[ \\t*\u00a0]*[:：]`,
  'i',
);

function isQuoteHeader(s: string): boolean {
  if (FORWARD_MARKERS.some((r) => r.test(s))) return true;
  const hasDigit = DIGIT.test(s);
  const hasEmail = EMAIL.test(s);
  // "On Tue, 5 Mar 2024 at 10:15, Max <max@example.com> wrote:", Zoho's "… wrote ----"
  if (ENDS_WITH_WROTE.test(s) && (hasDigit || hasEmail)) return true;
  // "On Wed, 14 Nov 2018 08:14:43 -0200 John Doe <john@doe.com> wrote" (no colon)
  if (OPENER.test(s) && hasDigit && hasEmail && ENDS_WITH_BARE_WROTE.test(s)) return true;
  const endsWithColon = ENDS_WITH_COLON.test(s);
  if (endsWithColon && CONTAINS_WROTE.test(s)) {
    // "Am 12.03.2024 um 10:15 schrieb Max Mustermann <max@example.com>:"
    if (OPENER.test(s) && hasDigit) return true;
    // Gmail (de): "Max Mustermann <max@example.com> schrieb am Di., 5. März 2024 um 10:15 Uhr:"
    if (hasEmail) return true;
  }
  // "2015-10-18 0:17 GMT+03:00 Matt Palmer <matt@example.com>:"
  if (endsWithColon && hasDigit && ANGLE_EMAIL.test(s)) return true;
  if (ISO_DATE_START.test(s) && (GMT_OFFSET.test(s) || ANGLE_EMAIL.test(s))) return true;
  return false;
}

/** A line where a wrapped quote header may begin; keeps prose from being joined into one. */
function mayStartHeader(s: string): boolean {
  return OPENER.test(s) || /^[ \t"'*-]*\d/.test(s) || EMAIL.test(s) || VIA.test(s);
}

function isMobile(s: string): boolean {
  return s.length <= MAX_MOBILE_LINE && MOBILE.some((r) => r.test(s));
}

function classifyLine(line: string): Kind {
  if (line.length > MAX_PATTERN_LINE) {
    const first = line.trimStart().charAt(0);
    if (first === '') return 'empty';
    return first === '>' ? 'quote' : 'text';
  }
  if (BLANK.test(line)) return 'empty';
  if (QUOTE.test(line)) return 'quote';
  if (NAMED_QUOTE.test(line)) return 'namedquote';
  if (SIG_DASH.test(line) || DASH_NAME.test(line)) return 'sigdash';
  if (UNDERSCORES.test(line)) return 'underscores';
  if (isQuoteHeader(line)) return 'header';
  if (isMobile(line)) return 'mobile';
  if (ANY_FIELD.test(line)) return 'field';
  if (DASHES.test(line)) return 'dashes';
  return 'text';
}

interface Classified {
  kinds: Kind[];
  /** For a line starting a quote header: the index of its last line (wrapped headers). */
  headerEnd: Map<number, number>;
}

function classify(lines: readonly string[]): Classified {
  const kinds = lines.map(classifyLine);
  const headerEnd = new Map<number, number>();
  for (let i = 0; i < lines.length; i++) {
    const kind = kinds[i];
    if (kind === 'header') {
      // "pe 20. lokakuuta 2017 klo 17.50 John Coe" + "<john@example.com> kirjoitti:": a header
      // whose line starts with the address began on the dated line above it.
      const previous = lines[i - 1] ?? '';
      if (i > 0 && kinds[i - 1] === 'text' && !headerEnd.has(i - 1) && BARE_ADDRESS_START.test(lines[i] ?? '') && previous.length <= MAX_HEADER_CHARS && DIGIT.test(previous)) {
        kinds[i - 1] = 'header';
        headerEnd.set(i - 1, i);
        continue;
      }
      headerEnd.set(i, i);
      continue;
    }
    if (kind !== 'text' && kind !== 'field') continue;
    const first = lines[i] ?? '';
    if (first.length > MAX_HEADER_CHARS || !mayStartHeader(first)) continue;
    // Clients wrap long headers ("On …, Max <\nmax@example.com> wrote:"): join the next lines,
    // but never swallow a line that is a complete header by itself.
    let joined = first.trim();
    const limit = Math.min(lines.length - 1, i + MAX_HEADER_LINES - 1);
    for (let j = i + 1; j <= limit; j++) {
      // A line that is a complete header by itself starts its own header, unless it visibly
      // continues the line before ("On …, Max <" + "max@example.com> wrote:").
      const part = (lines[j] ?? '').replace(/^[ \t>]+/, '').trim();
      const completeAlone =
        kinds[j] === 'header' || (kinds[j] === 'quote' && part.length <= MAX_HEADER_CHARS && isQuoteHeader(part));
      if (completeAlone && !UNFINISHED.test(joined) && !BARE_ADDRESS_START.test(lines[j] ?? '')) break;
      joined = part === '' ? joined : `${joined} ${part}`;
      if (joined.length > MAX_HEADER_CHARS) break;
      if (isQuoteHeader(joined)) {
        for (let k = i; k <= j; k++) kinds[k] = 'header';
        headerEnd.set(i, j);
        i = j;
        break;
      }
    }
  }
  return { kinds, headerEnd };
}

function isFromField(line: string): boolean {
  return line.length <= MAX_PATTERN_LINE && FROM_FIELD.test(line);
}

/**
 * "From: Max <max@example.com>" alone, with nothing above it and an empty line below: the header
 * of a forwarded or quoted mail (the willdurand parser's from-header tests).
 */
function isLoneFromHeader(lines: readonly string[], kinds: readonly Kind[], i: number): boolean {
  const line = lines[i] ?? '';
  return kinds[i] === 'field' && isFromField(line) && ANGLE_EMAIL.test(line) && (i + 1 >= kinds.length || kinds[i + 1] === 'empty');
}

/** The last line of the Outlook header block starting at `i`, or -1 when there is none. */
function fieldBlockEnd(lines: readonly string[], kinds: readonly Kind[], i: number): number {
  if (kinds[i] !== 'field' || !isFromField(lines[i] ?? '')) return -1;
  let fields = 0;
  for (let j = i + 1; j <= i + FIELD_WINDOW && j < kinds.length; j++) {
    if (kinds[j] === 'field') fields++;
  }
  if (fields < MIN_EXTRA_FIELDS) return -1;
  // A long subject wraps onto a text line; the block goes on while a field follows closely.
  let end = i;
  for (let j = i + 1; j < kinds.length; j++) {
    if (kinds[j] === 'field') end = j;
    else if (kinds[j] === 'text' && (kinds[j + 1] === 'field' || kinds[j + 2] === 'field')) continue;
    else break;
  }
  return end;
}

/**
 * A text line glued to a non-empty quoted line and starting in lower case is the rest of a quoted
 * sentence that the client re-wrapped without its ">" ("> … pharetra d" + "ignissim odio?").
 */
function isWrappedQuote(lines: readonly string[], kinds: readonly Kind[], j: number): boolean {
  if (kinds[j] !== 'text' || kinds[j - 1] !== 'quote') return false;
  const previous = lines[j - 1] ?? '';
  return !QUOTE_WITHOUT_CONTENT.test(previous) && STARTS_LOWER.test(lines[j] ?? '');
}

/** Moves a cut back over the blank lines and rules ("_____", "-----") that introduce it. */
function includeLeadingRules(kinds: readonly Kind[], cut: number): number {
  let start = cut;
  for (let k = cut - 1; k >= 0; k--) {
    const kind = kinds[k];
    if (kind === 'underscores' || kind === 'dashes') start = k;
    else if (kind !== 'empty') break;
  }
  return start;
}

/** Where a reply's lines divide into the customer's text, the signature and the history. */
export interface ReplyLines {
  /** The first line of the quoted history that ends the reply; the line count when there is none. */
  cut: number;
  /** The first line of the signature; `cut` when there is none. */
  sigStart: number;
  /** The first quote header or header block, wherever it stands (a forward's too); -1 when none. */
  firstHeader: number;
  /** Lines before `cut` that still belong to the history (headers of inline answers, a trailing `>` block). */
  quotedLine: boolean[];
  /** Lines that carry nothing visible. */
  empty: boolean[];
}

/**
 * Divides the lines of a reply. `knownHeaders` are lines that the caller already knows to start
 * the history (the HTML splitter passes the first line of a client's quote container),
 * `knownSignatures` lines that start a signature (the first line of a client's signature element).
 */
export function analyseReplyLines(
  lines: readonly string[],
  knownHeaders: ReadonlySet<number> = new Set(),
  knownSignatures: ReadonlySet<number> = new Set(),
): ReplyLines {
  const { kinds, headerEnd } = classify(lines);
  for (const i of knownSignatures) if (kinds[i] !== 'header' && kinds[i] !== 'empty') kinds[i] = 'sigdash';
  for (const i of knownHeaders) {
    if (i < 0 || i >= lines.length) continue;
    kinds[i] = 'header';
    if (!headerEnd.has(i)) headerEnd.set(i, i);
  }
  let firstHeader = -1;
  const n = lines.length;
  // interleaved[k]: from line k on, text, then a quote, then text again (answers between
  // quotes). One backward pass keeps this linear.
  const interleaved = new Array<boolean>(n + 1).fill(false);
  {
    let textAfter = false;
    let quoteThenText = false;
    for (let k = n - 1; k >= 0; k--) {
      const kind = kinds[k];
      if (kind === 'text' && quoteThenText) interleaved[k] = true;
      else interleaved[k] = interleaved[k + 1] ?? false;
      if ((kind === 'quote' || kind === 'namedquote') && textAfter) quoteThenText = true;
      if (kind === 'text') textAfter = true;
    }
  }
  /** Lines outside the main cut that still belong to the quoted history. */
  const quotedLine = new Array<boolean>(n).fill(false);

  // 1. The main cut: the first quote header or header block that follows the customer's text.
  let cut = n;
  let seenText = false;
  for (let i = 0; i < n; ) {
    let end = kinds[i] === 'header' ? (headerEnd.get(i) ?? i) : fieldBlockEnd(lines, kinds, i);
    if (end < 0 && !seenText && isLoneFromHeader(lines, kinds, i)) end = i;
    if (end < 0) {
      if (kinds[i] === 'text') seenText = true;
      i++;
      continue;
    }
    // GMX and Web.de put "Gesendet:" above "Von:": fields right above the "From:" line belong to the block.
    let start = i;
    if (kinds[i] !== 'header') {
      while (start > 0 && i - start < MAX_FIELDS_BEFORE_FROM && kinds[start - 1] === 'field') start--;
    }
    if (firstHeader < 0) firstHeader = includeLeadingRules(kinds, start);
    if (!seenText) {
      if (end === i && kinds[i] === 'field') {
        // A lone "From: Max <max@example.com>" with nothing above: a quoted mail without quote
        // marks, all of it history (the display then shows the mail whole, see splitReply).
        // A forward marker or a full header block instead keeps the forwarded text as the
        // reply, as the discourse trimmer expects.
        cut = includeLeadingRules(kinds, start);
        break;
      }
      let j = end + 1;
      while (j < n && (kinds[j] === 'empty' || kinds[j] === 'quote' || kinds[j] === 'namedquote')) j++;
      if (interleaved[j]) {
        // Answers between quoted lines below the header: header and quotes stay with them.
        i = end + 1;
        continue;
      }
      // Bottom-posting: the header and its `>` block are history; what follows is the reply.
      for (let k = start; k < j; k++) quotedLine[k] = true;
      i = j;
      continue;
    }
    let j = end + 1;
    while (j < n && kinds[j] === 'empty') j++;
    let quotes = 0;
    while (j < n && (kinds[j] === 'quote' || kinds[j] === 'empty' || isWrappedQuote(lines, kinds, j))) {
      if (kinds[j] === 'quote') quotes++;
      j++;
    }
    if (quotes > 0 && kinds[j] === 'text') {
      // Answers between quoted lines: the quotes give the answers their meaning, and the header
      // says whose words they are, so both stay (as in the github and fiedl parsers' tests).
      i = end + 1;
      continue;
    }
    cut = includeLeadingRules(kinds, start);
    break;
  }

  // 2. The signature: the first delimiter or mobile boilerplate line after some text.
  let sigStart = cut;
  let textBefore = false;
  for (let i = 0; i < cut; i++) {
    if (quotedLine[i]) continue;
    const kind = kinds[i];
    if (textBefore && (kind === 'sigdash' || kind === 'underscores' || kind === 'mobile')) {
      sigStart = i;
      break;
    }
    if (kind !== 'empty') textBefore = true;
  }

  // 3. A `>` block that ends the reply is quoted history (top-posting onto a quoted mail).
  let k = sigStart - 1;
  const isQuote = (kind: Kind | undefined): boolean => kind === 'quote' || kind === 'namedquote';
  while (k >= 0 && (quotedLine[k] || kinds[k] === 'empty' || isQuote(kinds[k]))) k--;
  // A mail of nothing but quotes keeps them: there is no reply they could follow.
  if (k >= 0) {
    for (let q = k + 1; q < sigStart; q++) if (isQuote(kinds[q])) quotedLine[q] = true;
  }

  return { cut, sigStart, firstHeader, quotedLine, empty: kinds.map((k) => k === 'empty') };
}

/**
 * `wholeWhenOnlyHistory: false` returns the bare split (an empty reply for a mail that is only
 * quotes); the measurement against other parsers' expectations uses it (docs/mail-quality.md).
 */
export function splitReply(text: string, { wholeWhenOnlyHistory = true } = {}): SplitReply {
  const normalized = text.replace(/\r\n?/g, '\n');
  const lines = normalized.split('\n');
  const { cut, sigStart, quotedLine, empty } = analyseReplyLines(lines);
  const n = lines.length;
  const replyLines: string[] = [];
  const quotedLines: string[] = [];
  const signatureLines: string[] = [];
  for (let i = 0; i < n; i++) {
    // Blank-looking lines (tracking marks, NBSP) become empty so that trimming removes them.
    const line = empty[i] ? '' : (lines[i] ?? '');
    if (i >= cut || quotedLine[i]) quotedLines.push(line);
    else if (i >= sigStart) signatureLines.push(line);
    else replyLines.push(line);
  }
  const reply = replyLines.join('\n').trim();
  if (reply === '' && wholeWhenOnlyHistory) {
    // Only quotes or only a signature: showing the whole mail beats showing nothing.
    return { reply: normalized.trim(), quoted: '', signature: '' };
  }
  return {
    reply,
    quoted: quotedLines.join('\n').trim(),
    signature: signatureLines.join('\n').trim(),
  };
}
