/**
 * What the outbox viewer and "reply as the customer" need from the outside world: a parser that
 * reads a stored mail as a mail client shows it (`src/inbound/parse`), a composer that builds a
 * customer's reply as a mail client would (`src/outbound`), the loopback SMTP client that hands
 * it to our own listener (`src/outbound`), and a ZIP writer for the "two archives" variant.
 */

export interface ReadMailAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** Content-ID of an inline part (without brackets), if any. */
  contentId: string | null;
  content: Buffer;
}

/** A mail as a client shows it: its header lines in order, the text and HTML bodies, the files. */
export interface ReadMail {
  headers: Array<{ name: string; value: string }>;
  from: { name: string; address: string } | null;
  replyTo: string | null;
  to: string[];
  subject: string;
  date: string | null;
  messageId: string | null;
  references: string[];
  text: string | null;
  html: string | null;
  attachments: ReadMailAttachment[];
}

export interface MailReader {
  read(raw: Buffer): Promise<ReadMail>;
}

export interface ComposedFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** Everything a mail client puts into a reply; the composer only serialises it (RFC 5322 + MIME). */
export interface CustomerReplySpec {
  from: { name: string; address: string };
  to: string;
  subject: string;
  date: Date;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  text: string;
  html: string | null;
  attachments: ComposedFile[];
  /** The client's own header lines (User-Agent, X-Mailer, Thread-Index, Content-Language …), in order. */
  headers: Array<{ name: string; value: string }>;
}

export interface ReplyComposer {
  build(spec: CustomerReplySpec): Promise<Buffer>;
}

/**
 * How a built reply reaches us: `serve` hands it to its own SMTP listener over a real socket;
 * `demo`, which runs no listener, through the MTA pipe (`ingest`'s path: stored, then processed).
 */
export interface ReplyDelivery {
  /** Delivers `raw` unchanged; resolves with the answer, which names the stored mail (`… stored as <id>`). */
  submit(envelope: { from: string; to: string[] }, raw: Buffer): Promise<string>;
}

export interface ZipMaker {
  zip(entries: Array<{ name: string; content: Buffer }>): Promise<Buffer>;
}

/** The adapters the composition root hands the outbox routes; `smtp` is null when there is no way in (no SMTP listener). */
export interface OutboxTools {
  reader: MailReader;
  composer: ReplyComposer;
  smtp: ReplyDelivery | null;
  zip: ZipMaker;
}
