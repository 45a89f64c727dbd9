import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How a mail finds its way back to its case, without a lookup and without trusting the sender:
 *
 *  - Message-ID  `<sp.10042.<random>.<mac>@mail.domain>`: the MAC is an HMAC-SHA256 over
 *    "mid:<case>.<random>" with the server secret, so a forged In-Reply-To never matches (S2).
 *  - plus address `support+10042-<mac>@domain`: MAC over "plus:<case>".
 *  - subject token `[Case #10042]`: the weakest signal (it is guessable), so the sender must
 *    still be authorised for the case (S1).
 * docs/mail-format.md describes the formats.
 */

/** 16 base32 characters = 80 bits of MAC: forging one by guessing is out of reach. */
const MESSAGE_ID_MAC_CHARS = 16;
/** Plus tokens are typed by people now and then; 8 base32 characters = 40 bits is plenty against guessing. */
const PLUS_MAC_CHARS = 8;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(buf: Buffer, chars: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= chars) break;
  }
  return out;
}

function mac(secret: string, data: string, chars: number): string {
  return base32(createHmac('sha256', secret).update(data).digest(), chars);
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** A new Message-ID (without angle brackets) for a mail about `caseNumber`. */
export function makeCaseMessageId(secret: string, caseNumber: number, domain: string, random: Buffer = randomBytes(10)): string {
  const nonce = base32(random, 16);
  return `sp.${caseNumber}.${nonce}.${mac(secret, `mid:${caseNumber}.${nonce}`, MESSAGE_ID_MAC_CHARS)}@${domain}`;
}

/** A Message-ID for an automatic mail not tied to a case (sign-up, password reset). */
export function makeMessageId(domain: string, random: Buffer = randomBytes(12)): string {
  return `sp.x.${base32(random, 20)}@${domain}`;
}

const MESSAGE_ID_RE = /^sp\.(\d{1,12})\.([a-z2-7]{16})\.([a-z2-7]{16})@(.+)$/;

/** The case number a Message-ID of ours names, or null when it is not ours or its MAC fails. */
export function verifyCaseMessageId(secret: string, messageId: string, domain: string): number | null {
  const m = MESSAGE_ID_RE.exec(messageId.trim().replace(/^<|>$/g, '').toLowerCase());
  if (!m || m[4] !== domain.toLowerCase()) return null;
  const expected = mac(secret, `mid:${m[1]}.${m[2]}`, MESSAGE_ID_MAC_CHARS);
  return safeEqual(expected, m[3]!) ? Number(m[1]) : null;
}

/** `support+10042-k3j9q2m4@example.com` for the support address `support@example.com`. */
export function makePlusAddress(secret: string, supportAddress: string, caseNumber: number): string {
  const at = supportAddress.lastIndexOf('@');
  return `${supportAddress.slice(0, at)}+${caseNumber}-${mac(secret, `plus:${caseNumber}`, PLUS_MAC_CHARS)}${supportAddress.slice(at)}`;
}

/** The case number of a verified plus address of the support address, else null. */
export function verifyPlusAddress(secret: string, supportAddress: string, recipient: string): number | null {
  const at = supportAddress.lastIndexOf('@');
  const local = supportAddress.slice(0, at).toLowerCase();
  const domain = supportAddress.slice(at).toLowerCase();
  const r = recipient.trim().toLowerCase();
  if (!r.endsWith(domain) || !r.startsWith(`${local}+`)) return null;
  const tag = r.slice(local.length + 1, r.length - domain.length);
  const m = /^(\d{1,12})-([a-z2-7]{8})$/.exec(tag);
  if (!m) return null;
  return safeEqual(mac(secret, `plus:${m[1]}`, PLUS_MAC_CHARS), m[2]!) ? Number(m[1]) : null;
}

/** `[Case #10042]` */
export function caseToken(label: string, caseNumber: number): string {
  return `[${label} #${caseNumber}]`;
}

/** The subject of a mail about a case: the case token first, so that clients' prefixes never split it. */
export function caseSubject(label: string, caseNumber: number, subject: string): string {
  return `${caseToken(label, caseNumber)} ${stripReplyPrefixes(subject)}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The case number in a subject token. The subject is cut to 2,000 characters first and the
 * pattern has no nested quantifiers, so a hostile subject cannot make it slow (M12).
 */
export function findCaseToken(label: string, subject: string): number | null {
  const re = new RegExp(`\\[\\s*(?:${escapeRegExp(label)}|Case|Fall|Ticket)\\s*#\\s*(\\d{1,12})\\s*\\]`, 'i');
  const m = re.exec(subject.slice(0, 2000));
  return m ? Number(m[1]) : null;
}

/**
 * Reply and forward prefixes of the mail clients our customers use: English (Re, Fw, Fwd),
 * German (AW, WG, Antw), Nordic (SV, VS, VB), Dutch (Antw, Doorst), French (TR), Polish (Odp),
 * Italian (R, I), with counters such as `Re[2]:` or `RE(3):`.
 */
const PREFIX_RE = /^\s*(?:re|aw|wg|fw|fwd|sv|vs|vb|antw|antwort|doorst|tr|odp|rif|r|i|ynt|enc|res)\s*(?:\[\d{1,4}\]|\(\d{1,4}\))?\s*[:：]\s*/i;

export function stripReplyPrefixes(subject: string): string {
  let s = subject.slice(0, 2000);
  // Each pass removes one prefix; 20 passes is more than any real thread collects.
  for (let i = 0; i < 20; i++) {
    const m = PREFIX_RE.exec(s);
    if (!m) break;
    s = s.slice(m[0].length);
  }
  return s.trim();
}

/**
 * Outlook groups a conversation by Thread-Index: 22 bytes (6 bytes of time, 16 bytes of a GUID)
 * for the first mail, plus 5 bytes for each reply. We derive the 22 bytes from the case, so every
 * mail about a case shares them, and append one 5-byte block per mail already in the thread.
 */
export function threadIndex(secret: string, caseNumber: number, depth: number): string {
  const root = createHmac('sha256', secret).update(`thread:${caseNumber}`).digest().subarray(0, 22);
  const blocks = [root];
  for (let i = 0; i < Math.min(depth, 50); i++) {
    const b = Buffer.alloc(5);
    b.writeUInt32BE((i + 1) * 0x10000, 0);
    b[4] = i & 0xff;
    blocks.push(b);
  }
  return Buffer.concat(blocks).toString('base64');
}
