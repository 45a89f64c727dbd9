/**
 * The parsed form of one inbound mail, as the pipeline sees it. Produced by the MimeParser port
 * (src/inbound/parse), consumed by the pipeline steps. Headers are a Map so that a header named
 * `__proto__` or `constructor` is just data (RELIABILITY M9).
 */
export interface MailAddress {
  /** Lower-cased for comparison; the original spelling is kept in `display`. */
  address: string;
  name: string;
}

export interface ParsedAttachment {
  /** As the sender named it (decoded), or null; never used as a storage path. */
  filename: string | null;
  /** The declared MIME type; the pipeline judges the bytes, not this. */
  contentType: string;
  disposition: 'attachment' | 'inline' | null;
  /** Content-ID without angle brackets, for inline (cid:) images. */
  contentId: string | null;
  size: number;
  content: Buffer;
  /** True when the file came out of an Outlook TNEF (winmail.dat) container. */
  fromTnef: boolean;
}

export interface ParsedMail {
  /** Lower-cased header names to their values in order of appearance (unfolded, decoded). */
  headers: ReadonlyMap<string, readonly string[]>;
  /** Without angle brackets; null when the mail has none. */
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  subject: string;
  from: MailAddress | null;
  /** The Sender header, when present (mailing lists, delegates). */
  sender: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  date: Date | null;
  text: string | null;
  html: string | null;
  attachments: ParsedAttachment[];
  /** S/MIME or PGP signature seen (signature parts are not attachments). */
  signed: 'smime' | 'pgp' | null;
  /** S/MIME or PGP encrypted content that could not be read. */
  encrypted: 'smime' | 'pgp' | null;
  /** An Outlook TNEF part was present and decoded. */
  tnef: boolean;
  /** A TNEF part was present but neither its body nor its files could be recovered. */
  tnefFailed: boolean;
  /** Non-fatal findings (bad charset, missing boundary, …) for the mail log. */
  problems: string[];
}
