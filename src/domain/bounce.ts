/**
 * What a bounce tells us about a mail we sent (RELIABILITY L3): which message failed, for whom,
 * how (RFC 3463 status, RFC 3464 action and diagnostic) and whether the failure is permanent,
 * so that the address can be marked failing instead of the bounce landing in a case.
 *
 * Sources, strongest first; every field may be missing and nothing here throws:
 *  - the `message/delivery-status` part (RFC 3464): a per-message block, then one block per
 *    recipient (Final-Recipient, Action, Status, Diagnostic-Code);
 *  - the returned original (`message/rfc822`, or only its header block as
 *    `text/rfc822-headers`): its Message-ID;
 *  - our VERP return path `bounces+TOKEN@mail.domain` in the envelope recipients, the
 *    bounce's own address headers, or the returned copy;
 *  - for mail systems that send no DSN: the notification text (qmail, Postfix and Exchange
 *    wording, "Original-Recipient:" / "Message-ID:" lines).
 * When the MIME adapter hands over no attachments, the parts are found in the raw text alone.
 */
import { field, firstBlankLine, parseFields, rawPartBody, type Fields } from './bounce-parts.js';

export interface BounceInput {
  raw: Buffer | string;
  /** Top-level headers, lower-cased names (as in ParsedMail). */
  headers: ReadonlyMap<string, readonly string[]>;
  /** The decoded text body (the human-readable notification), when the parser found one. */
  text: string | null;
  attachments: { contentType: string; content: Buffer }[];
  envelopeTo: string[];
}

export interface BounceOptions {
  /** Local part of our VERP return path, e.g. 'bounces' for `bounces+TOKEN@domain`. */
  bounceLocalPart: string;
  mailDomain: string;
}

export interface BounceReport {
  /** Message-ID of the returned original, without angle brackets. */
  originalMessageId: string | null;
  /** The opaque TOKEN of `bounces+TOKEN@domain`, exactly as found. */
  verpToken: string | null;
  /** The failed recipient, lower-cased. */
  recipient: string | null;
  /** RFC 3463 enhanced status code, e.g. `5.1.1`. */
  status: string | null;
  /** RFC 3464 action, lower-cased: failed, delayed, delivered, relayed, expanded. */
  action: string | null;
  diagnostic: string | null;
  /**
   * The address will not accept mail: a 5.x.x status, or without a status an action of
   * `failed` or a 5xx SMTP reply. A 4.x.x status stays temporary even when the MTA gave up
   * (mailbox full today may work next week).
   */
  permanent: boolean;
}

/** A diagnostic is a line or two; 1 000 characters keeps a chatty MTA from flooding the log. */
const MAX_DIAGNOSTIC_CHARS = 1000;
/**
 * Notification, DSN and returned headers sit in the first few KB of a bounce; RFC 3462 puts the
 * returned message (the only big part) last. Reading at most 1 MiB of each input bounds the
 * work on a 25 MiB mail of blank lines to well under a second (M12).
 */
const MAX_SCAN_CHARS = 1024 * 1024;
/** VERP tokens we issue are far shorter; 200 bounds the text scan (M12). */
const MAX_VERP_TOKEN_CHARS = 200;


/**
 * @example
 *   parseBounce({ raw, headers, text, attachments, envelopeTo: ['bounces+k3j9@mail.example.com'] },
 *               { bounceLocalPart: 'bounces', mailDomain: 'mail.example.com' })
 *   // → { verpToken: 'k3j9', recipient: 'jane@example.org', status: '5.1.1', action: 'failed', permanent: true, … }
 */
export function parseBounce(input: BounceInput, opts: BounceOptions): BounceReport {
  const rawText = typeof input.raw === 'string' ? input.raw.slice(0, MAX_SCAN_CHARS) : input.raw.subarray(0, MAX_SCAN_CHARS).toString('utf8');
  const inputText = input.text?.slice(0, MAX_SCAN_CHARS) ?? null;
  const lines = rawText.split(/\r?\n/);
  const bodyStart = firstBlankLine(lines, 0) + 1;

  const dsnText = attachmentText(input.attachments, /^message\/(?:global-)?delivery-status\b/i) ?? rawPartBody(lines, bodyStart, /^message\/(?:global-)?delivery-status\b/i);
  const groups = dsnText === null ? [] : dsnGroups(dsnText);
  const perRecipient = pickRecipientGroup(groups);

  const returned = returnedHeaders(input.attachments, lines, bodyStart);
  const noticeText = inputText ?? lines.slice(bodyStart).join('\n');
  const fromText = perRecipient === null ? textReport(noticeText) : null;

  const recipient = perRecipient
    ? addressValue(field(perRecipient, 'final-recipient') ?? field(perRecipient, 'original-recipient') ?? field(perRecipient, 'x-actual-recipient'))
    : (fromText?.recipient ?? null);
  const action = perRecipient ? (field(perRecipient, 'action')?.trim().split(/\s+/)[0]?.toLowerCase() || null) : null;
  const diagnostic = perRecipient ? cleanDiagnostic(field(perRecipient, 'diagnostic-code')) : (fromText?.diagnostic ?? null);
  const status = statusCode(perRecipient ? field(perRecipient, 'status') : undefined) ?? statusCode(diagnostic ?? undefined);

  return {
    originalMessageId:
      messageIdValue(returned?.get('message-id')?.[0]) ??
      messageIdValue(groups.map((g) => field(g, 'original-message-id') ?? field(g, 'x-original-message-id')).find((v) => v !== undefined)) ??
      messageIdInText(noticeText) ??
      (inputText !== null ? messageIdInText(lines.slice(bodyStart).join('\n')) : null) ??
      // Gmail and some others thread their DSN to the original; RFC 3464 does not ask for it.
      messageIdValue(input.headers.get('in-reply-to')?.[0]),
    verpToken: verpToken(input, inputText, returned, groups, rawText, bodyStart, lines, opts),
    recipient: recipient ?? firstAddress(input.headers.get('x-failed-recipients')?.[0]),
    status,
    action,
    diagnostic,
    permanent: isPermanent(status, action, diagnostic, fromText?.permanent ?? false),
  };
}

function isPermanent(status: string | null, action: string | null, diagnostic: string | null, textSaysPermanent: boolean): boolean {
  if (status !== null) return status.startsWith('5');
  if (action !== null) return action === 'failed';
  if (diagnostic !== null && /^\s*5\d\d\b/.test(diagnostic)) return true;
  return textSaysPermanent;
}

// ---------------------------------------------------------------------------------------------
// RFC 3464 delivery-status blocks

/**
 * The blocks of a delivery-status body, separated by blank lines (some MTAs put several, one
 * puts none between the per-message and the first per-recipient block: both are tolerated).
 * Seen in the wild: a gateway that base64-encoded the per-recipient blocks inside the part and
 * left a `Content-Transfer-Encoding: base64` field in the per-message block; that blob is
 * decoded and read as further blocks.
 */
function dsnGroups(text: string): Fields[] {
  const blocks: string[][] = [[]];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') blocks.push([]);
    else blocks[blocks.length - 1]!.push(line);
  }
  const out: Fields[] = [];
  let base64Next = false;
  for (const block of blocks) {
    if (block.length === 0) continue;
    const fields = parseFields(block);
    if (fields.size === 0 && base64Next && block.every((l) => /^[A-Za-z0-9+/=]+$/.test(l.trim()))) {
      out.push(...dsnGroups(Buffer.from(block.join(''), 'base64').toString('utf8')));
      base64Next = false;
      continue;
    }
    base64Next = /^base64$/i.test(field(fields, 'content-transfer-encoding')?.trim() ?? '');
    if (fields.size > 0) out.push(fields);
  }
  return out;
}

const RECIPIENT_FIELDS = ['final-recipient', 'original-recipient', 'action', 'status', 'diagnostic-code'];

/** The first failed recipient's block, else the first with a 5.x.x status, else the first. */
function pickRecipientGroup(groups: Fields[]): Fields | null {
  const recipients = groups.filter((g) => RECIPIENT_FIELDS.some((f) => g.has(f)));
  return (
    recipients.find((g) => field(g, 'action')?.trim().toLowerCase().startsWith('failed')) ??
    recipients.find((g) => statusCode(field(g, 'status'))?.startsWith('5')) ??
    recipients[0] ??
    null
  );
}

/** `rfc822; Jane@Example.org` → `jane@example.org`. */
function addressValue(value: string | undefined): string | null {
  if (value === undefined) return null;
  const semi = value.indexOf(';');
  return firstAddress(semi < 0 ? value : value.slice(semi + 1));
}

/** Split, not matched with a regex: `x+@y+` over a long run without "@" is quadratic (M12). */
function firstAddress(value: string | undefined): string | null {
  if (value === undefined) return null;
  const token = value.split(/[\s<>,;:"()[\]]+/).find((t) => {
    const at = t.indexOf('@');
    return at > 0 && at < t.length - 1;
  });
  return token === undefined ? null : token.toLowerCase();
}

function statusCode(value: string | undefined): string | null {
  if (value === undefined) return null;
  const m = /(?:^|[^\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.]*\d)/.exec(value);
  return m?.[1] ?? null;
}

/** `smtp; 550 5.1.1 …` → `550 5.1.1 …`, whitespace collapsed, length capped. */
function cleanDiagnostic(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const v = value
    .replace(/^\s*[A-Za-z][A-Za-z0-9-]*\s*;\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return v === '' ? null : v.slice(0, MAX_DIAGNOSTIC_CHARS);
}

// ---------------------------------------------------------------------------------------------
// Bounces without a DSN part

interface TextReport {
  recipient: string | null;
  diagnostic: string | null;
  permanent: boolean;
}

/**
 * Reads the notification text of MTAs that send no delivery-status part. Line by line, no
 * regex spans lines, so the cost is linear in the text (M12).
 */
function textReport(text: string): TextReport | null {
  const lines = text.split(/\r?\n/);
  let recipient: string | null = null;
  let diagnostic: string | null = null;
  const permanent = /permanent (?:error|failure)|I'm not going to try again|dauerhafter fehler/i.test(text);

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // Every pattern below needs a few characters; most lines of a big mail are skipped here.
    if (line.length < 8) continue;
    // "Original-Recipient: rfc822;jane@example.org" quoted in the text (Exchange, Notes).
    const rf = /^\s*(?:final|original)-recipient:\s*(.*)$/i.exec(line);
    if (rf && recipient === null) recipient = addressValue(rf[1]);
    // Exchange: "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'".
    const ex = /remote server returned '([^']{0,500})'/i.exec(line) ?? /^\s*#(\d{3} \d\.\d{1,3}\.\d{1,3}[^#]*)##?/.exec(line);
    if (ex && diagnostic === null) diagnostic = cleanDiagnostic(ex[1]);
    // Postfix "<jane@example.org>: host mx said: 550 …"; qmail "<jane@example.org>:" followed
    // by the remote answer on the next lines.
    const pf = /^<([^<>\s@]+@[^<>\s]+)>:(.*)$/.exec(line);
    if (pf && recipient === null) {
      recipient = pf[1]!.toLowerCase();
      const said: string[] = [pf[2]!];
      for (let j = i + 1; j < lines.length && j < i + 10 && lines[j]!.trim() !== ''; j++) said.push(lines[j]!);
      diagnostic ??= cleanDiagnostic(said.join(' '));
    }
    // Exim: "SMTP error from remote mail server after RCPT TO:<…>:" then the reply.
    if (diagnostic === null && /SMTP error from remote mail server/i.test(line)) {
      const said: string[] = [];
      for (let j = i + 1; j < lines.length && j < i + 6 && lines[j]!.trim() !== ''; j++) said.push(lines[j]!);
      diagnostic = cleanDiagnostic(said.join(' '));
    }
    // Exchange: "Delivery has failed to these recipients or groups:" then the address (German
    // Exchange: "Fehler bei der Zustellung an folgende Empfänger …").
    if (recipient === null && /delivery has failed to these recipients|could not be delivered to the following|(?:konnte nicht an|zustellung an|zustellen an) (?:folgende|diese) empf/i.test(line)) {
      for (let j = i + 1; j < lines.length && j < i + 6; j++) {
        const a = firstAddress(lines[j]);
        if (a !== null) {
          recipient = a;
          break;
        }
      }
    }
  }
  if (recipient === null && diagnostic === null && !permanent) return null;
  return { recipient, diagnostic, permanent };
}

function messageIdInText(text: string): string | null {
  for (const line of text.split(/\r?\n/)) {
    if (line.length < 12) continue;
    const m = /^\s*message-id:\s*(\S.*)$/i.exec(line);
    const id = m ? messageIdValue(m[1]) : null;
    if (id !== null) return id;
  }
  return null;
}

function messageIdValue(value: string | undefined): string | null {
  if (value === undefined) return null;
  const bracketed = /<([^<>\s]+)>/.exec(value);
  const id = bracketed ? bracketed[1]! : value.trim().split(/\s+/)[0] ?? '';
  return id.includes('@') ? id : null;
}

// ---------------------------------------------------------------------------------------------
// VERP

function verpToken(
  input: BounceInput,
  inputText: string | null,
  returned: Fields | null,
  groups: Fields[],
  rawText: string,
  bodyStart: number,
  lines: string[],
  opts: BounceOptions,
): string | null {
  const candidates: (string | undefined)[] = [
    ...input.envelopeTo,
    ...['delivered-to', 'x-original-to', 'envelope-to', 'to'].flatMap((h) => input.headers.get(h) ?? []),
    ...(returned?.get('return-path') ?? []),
    ...groups.map((g) => field(g, 'x-postfix-sender')),
  ];
  for (const c of candidates) {
    const token = c === undefined ? null : verpIn(c, opts);
    if (token !== null) return token;
  }
  // The returned copy inside a text-only bounce (qmail "Below this line is a copy").
  return verpIn(inputText ?? lines.slice(bodyStart).join('\n'), opts) ?? (inputText !== null ? verpIn(rawText, opts) : null);
}

function verpIn(text: string, opts: BounceOptions): string | null {
  const re = new RegExp(
    `(?:^|[\\s<:;,"'(])${escapeRegExp(opts.bounceLocalPart)}\\+([^\\s<>@,;:"'()\\[\\]]{1,${MAX_VERP_TOKEN_CHARS}})@${escapeRegExp(opts.mailDomain)}(?![A-Za-z0-9.-])`,
    'i',
  );
  return re.exec(text)?.[1] ?? null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// The parts a bounce carries (handed over by the MIME adapter, or found in the raw text)

function attachmentText(attachments: BounceInput['attachments'], type: RegExp): string | null {
  const a = attachments.find((x) => type.test(x.contentType.trim()));
  return a ? a.content.subarray(0, MAX_SCAN_CHARS).toString('utf8') : null;
}

const RETURNED_TYPE = /^(?:message\/(?:rfc822|global|global-headers)|text\/rfc822-headers)\b/i;

function returnedHeaders(attachments: BounceInput['attachments'], lines: string[], bodyStart: number): Fields | null {
  const text = attachmentText(attachments, RETURNED_TYPE) ?? rawPartBody(lines, bodyStart, RETURNED_TYPE);
  if (text === null) return null;
  const partLines = text.split(/\r?\n/);
  return parseFields(partLines.slice(0, firstBlankLine(partLines, 0)));
}
