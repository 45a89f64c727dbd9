import type { ParsedMail } from './parsed-mail.js';

/**
 * Is an inbound mail written by a person, by a robot answering us (out-of-office, list
 * traffic, our own mail coming back), or a delivery failure? The answer decides whether a
 * receipt may go out (RELIABILITY L1, L2, L5) and whether a bounce is booked against an
 * address instead of a case (L3).
 *
 * The rules, in the order they are tried (the first that fires names the reason):
 *
 *  1. Bounce (RFC 3464 and what MTAs really send). Decisive on their own:
 *     `Content-Type: multipart/report; report-type=delivery-status`, `X-Failed-Recipients`
 *     (Exim), `X-MS-Exchange-Message-Is-Ndr`, or MAILER-DAEMON as the From or envelope local
 *     part (no person sends as MAILER-DAEMON). Weak signals that need a second one: a typical
 *     bounce subject, a null envelope sender, a `postmaster` sender or the Postfix/sendmail
 *     display name "Mail Delivery System". A null envelope alone is NOT a bounce: RFC 3834
 *     asks every auto-responder to send with a null envelope too, and some mail systems use
 *     it for ordinary mail forwarded by a rule. So: bounce subject + (null envelope, daemon-ish
 *     sender or Auto-Submitted), or postmaster-ish sender + null envelope.
 *  2. Our own address as From or envelope sender (L2): our receipt came back.
 *  3. RFC 3834 `Auto-Submitted` with any value but `no`; `X-Autoreply`, `X-Autorespond`,
 *     `X-Autoresponder`; `Precedence: bulk|junk|list|auto_reply`.
 *  4. `X-Auto-Response-Suppress` containing `All` (L5). Exchange puts it on its automatic
 *     mails, and help desks and monitoring tools put it on their notifications. Narrower values
 *     (`OOF`, `AutoReply`, `DR`, ...) only ask us not to answer automatically; they do not say
 *     a robot wrote the mail, so they do not make it automatic (see `suppressesAutoResponse`).
 *  5. Loop markers `X-Loop` and `X-MS-Exchange-Inbox-Rules-Loop` (a mail rule forwarded or
 *     answered it).
 *  6. List traffic: `List-Id`, `List-Unsubscribe`.
 *  7. Any other `multipart/report` (read receipts RFC 8098, abuse reports RFC 5965): a machine
 *     report about a mail, never a reply from a person.
 *  8. An out-of-office subject prefix (German and English Outlook/Exchange, Lotus Notes,
 *     and the same Outlook prefix in French, Dutch, Spanish and Italian), for the
 *     responders that set no header.
 */
export type AutomaticClass = { kind: 'human' } | { kind: 'auto_reply'; why: string } | { kind: 'bounce'; why: string };

export interface AutomaticContext {
  /**
   * The SMTP MAIL FROM: `''` or `'<>'` for the null sender, `null` when the source does not
   * know it (IMAP, pipe without `-f`); then the topmost `Return-Path` header stands in.
   */
  envelopeFrom: string | null;
  /** Our own addresses, lower-cased: the no-reply, support and bounce addresses. */
  ownAddresses: string[];
}

type MailHead = Pick<ParsedMail, 'headers' | 'subject' | 'from'>;

/**
 * @example
 *   classifyAutomatic(mail, { envelopeFrom: '', ownAddresses: ['support@example.com'] })
 *   // → { kind: 'bounce', why: 'delivery status report (multipart/report)' }
 */
export function classifyAutomatic(mail: MailHead, ctx: AutomaticContext): AutomaticClass {
  const headers = mail.headers;
  const envelope = reversePath(ctx.envelopeFrom, headers);
  const bounce = bounceReason(mail, envelope);
  if (bounce) return { kind: 'bounce', why: bounce };
  const auto = ownAddressReason(mail, envelope, ctx.ownAddresses) ?? autoHeaderReason(headers) ?? subjectReason(mail.subject);
  return auto ? { kind: 'auto_reply', why: auto } : { kind: 'human' };
}

/**
 * True when the sender asked not to get automatic answers (`X-Auto-Response-Suppress` with
 * `All` or `AutoReply`, [MS-OXCMAIL] 2.2.3.2.14), even if a person wrote the mail. A caller
 * that sends a receipt for a human mail may honour it.
 */
export function suppressesAutoResponse(headers: ReadonlyMap<string, readonly string[]>): boolean {
  return all(headers, 'x-auto-response-suppress').some((v) => suppressTokens(v).some((t) => t === 'all' || t === 'autoreply'));
}

interface ReversePath {
  /** True only when the envelope (or Return-Path) says `<>`; unknown is not null. */
  nullSender: boolean;
  /** Lower-cased address, '' for the null sender or when unknown. */
  address: string;
}

function reversePath(envelopeFrom: string | null, headers: ReadonlyMap<string, readonly string[]>): ReversePath {
  const value = envelopeFrom ?? all(headers, 'return-path')[0] ?? null;
  if (value === null) return { nullSender: false, address: '' };
  const address = stripAngles(value).toLowerCase();
  return { nullSender: address === '', address };
}

const BOUNCE_SUBJECT =
  /^(?:undelivered mail returned to sender|undeliverable|undelivered mail|unzustellbar|nicht zustellbar|unzustellbare nachricht|delivery status notification|mail delivery failed|mail delivery failure|delivery failure|delivery notification: delivery has failed|returned mail|failure notice|message not delivered|warning: could not send message|zustellung fehlgeschlagen|non[- ]?delivery report)\b/i;

const DAEMON_LOCAL = /^mailer[-_]?daemon$/i;
const POSTMASTER_LOCAL = /^postmaster$/i;
/** Postfix ("Mail Delivery System") and sendmail ("Mail Delivery Subsystem") display names. */
const DAEMON_NAME = /^(?:mail delivery (?:system|subsystem)|mailer[-_ ]daemon)$/i;

function bounceReason(mail: MailHead, envelope: ReversePath): string | null {
  const headers = mail.headers;
  const reportType = multipartReportType(headers);
  if (reportType === 'delivery-status') return 'delivery status report (multipart/report)';
  if (has(headers, 'x-failed-recipients')) return 'X-Failed-Recipients';
  if (has(headers, 'x-ms-exchange-message-is-ndr')) return 'Exchange non-delivery report';
  const fromLocal = localPart(mail.from?.address ?? '');
  if (DAEMON_LOCAL.test(fromLocal)) return 'sender MAILER-DAEMON';
  if (DAEMON_LOCAL.test(localPart(envelope.address))) return 'envelope sender MAILER-DAEMON';

  const daemonish =
    POSTMASTER_LOCAL.test(fromLocal) || POSTMASTER_LOCAL.test(localPart(envelope.address)) || DAEMON_NAME.test((mail.from?.name ?? '').trim());
  const bounceSubject = BOUNCE_SUBJECT.test(mail.subject.trim());
  if (bounceSubject && (envelope.nullSender || daemonish || autoSubmitted(headers) !== null)) return 'bounce subject from a mail system';
  if (daemonish && envelope.nullSender) return 'postmaster sender with null envelope';
  return null;
}

function ownAddressReason(mail: MailHead, envelope: ReversePath, ownAddresses: string[]): string | null {
  if (ownAddresses.length === 0) return null;
  const own = new Set(ownAddresses.map((a) => withoutPlusTag(a.trim().toLowerCase())));
  if (mail.from && own.has(withoutPlusTag(mail.from.address.toLowerCase()))) return 'sent from our own address';
  if (envelope.address !== '' && own.has(withoutPlusTag(envelope.address))) return 'envelope sender is our own address';
  return null;
}

const AUTO_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply']);
const FALSE_VALUES = new Set(['no', 'false', '0']);

function autoHeaderReason(headers: ReadonlyMap<string, readonly string[]>): string | null {
  const submitted = autoSubmitted(headers);
  if (submitted !== null) return `Auto-Submitted: ${submitted}`;
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) {
    const values = all(headers, name);
    if (values.length > 0 && !values.every((v) => FALSE_VALUES.has(v.trim().toLowerCase()))) return `${name} header`;
  }
  for (const v of all(headers, 'precedence')) {
    const p = v.trim().toLowerCase();
    if (AUTO_PRECEDENCE.has(p)) return `Precedence: ${p}`;
  }
  if (all(headers, 'x-auto-response-suppress').some((v) => suppressTokens(v).includes('all'))) return 'X-Auto-Response-Suppress: All';
  if (has(headers, 'x-ms-exchange-inbox-rules-loop')) return 'Exchange inbox rule (X-MS-Exchange-Inbox-Rules-Loop)';
  if (has(headers, 'x-loop')) return 'X-Loop';
  if (has(headers, 'list-id')) return 'list traffic (List-Id)';
  if (has(headers, 'list-unsubscribe')) return 'list traffic (List-Unsubscribe)';
  const reportType = multipartReportType(headers);
  if (reportType !== null) return `machine report (multipart/report; report-type=${reportType || 'unknown'})`;
  return null;
}

/**
 * Anchored at the start and built from literal alternatives only, so every test is linear in
 * the subject (M12). A prefix counts when it ends the subject or is followed by ":".
 */
const OUT_OF_OFFICE_SUBJECT =
  /^(?:out of (?:the )?office(?: autoreply| auto-reply)?|automatic reply|auto[- ]?reply|auto[- ]?response|autoresponder|automatische antwort|abwesenheitsnotiz|abwesenheitsmeldung|abwesenheitsnachricht|automatische abwesenheitsnachricht|r[ée]ponse automatique|automatisch antwoord|respuesta autom[áa]tica|risposta automatica)[ \t]*(?::|$)/i;

/**
 * "Auto:" and "Abwesend:" are real prefixes (Lotus Notes, old German Exchange), but "Auto" is
 * also German for car and "Abwesend: Montag" is something a person writes. They count only
 * when an echoed subject follows: a reply/forward prefix or a bracketed tag such as ours.
 */
const AMBIGUOUS_OUT_OF_OFFICE_SUBJECT = /^(?:auto|abwesend)[ \t]*:[ \t]*(?:(?:re|aw|sv|fw|fwd|wg|tr)[ \t]*:|\[)/i;

function subjectReason(subject: string): string | null {
  const s = subject.trim();
  if (OUT_OF_OFFICE_SUBJECT.test(s) || AMBIGUOUS_OUT_OF_OFFICE_SUBJECT.test(s)) return 'out-of-office subject';
  return null;
}

/** The Auto-Submitted keyword when present and not `no` (RFC 3834 §5), else null. */
function autoSubmitted(headers: ReadonlyMap<string, readonly string[]>): string | null {
  for (const v of all(headers, 'auto-submitted')) {
    const keyword = (v.split(';')[0] ?? '').replace(/\([^()]*\)/g, '').trim().toLowerCase();
    // A present but empty field is malformed; counting it as automatic risks one missing
    // receipt, the other way risks a mail loop.
    if (keyword !== 'no') return keyword === '' ? '(empty)' : keyword;
  }
  return null;
}

/** The report-type of a top-level multipart/report ('' when absent), or null for other types. */
function multipartReportType(headers: ReadonlyMap<string, readonly string[]>): string | null {
  const ct = all(headers, 'content-type')[0];
  if (ct === undefined || !/^\s*multipart\/report\s*(?:;|$)/i.test(ct)) return null;
  const m = /(?:^|;)\s*report-type\s*=\s*"?([A-Za-z0-9._-]+)/i.exec(ct);
  return m?.[1]?.toLowerCase() ?? '';
}

function suppressTokens(value: string): string[] {
  return value
    .split(/[,;]/)
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
}

function all(headers: ReadonlyMap<string, readonly string[]>, name: string): readonly string[] {
  return headers.get(name) ?? [];
}

function has(headers: ReadonlyMap<string, readonly string[]>, name: string): boolean {
  return all(headers, name).length > 0;
}

function stripAngles(value: string): string {
  const v = value.trim();
  const m = /<([^<>]*)>/.exec(v);
  return (m ? m[1]! : v).trim();
}

function localPart(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? address : address.slice(0, at);
}

/** `bounces+x7k@example.com` → `bounces@example.com`: VERP and plus tags are still us. */
function withoutPlusTag(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const plus = address.indexOf('+');
  return plus < 0 || plus > at ? address : address.slice(0, plus) + address.slice(at);
}
