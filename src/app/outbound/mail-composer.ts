import type { Language } from '../../domain/case.js';

/** Templates every installation has, in German and English (src/outbound/render). */
export type TemplateName = 'agent_reply' | 'receipt' | 'notice' | 'case_opened' | 'signup' | 'password_reset' | 'agent_notification';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface OutgoingMessage {
  from: { name: string; address: string };
  to: Array<{ name: string; address: string }>;
  cc?: Array<{ name: string; address: string }>;
  replyTo?: string | null;
  subject: string;
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  /** Extra headers (Auto-Submitted, Thread-Topic, Thread-Index, X-Supportal-Case); values are encoded by the composer. */
  headers: Record<string, string>;
  text: string;
  html: string;
  attachments?: Array<{ filename: string; content: Buffer; contentType?: string }>;
  date: Date;
}

/**
 * Turns templates and messages into the exact RFC 5322 bytes that will be sent (and shown by
 * `outbox show --raw`). Implemented in src/outbound with nodemailer; DKIM signing happens here
 * when configured, so that the stored bytes are the signed bytes.
 */
export interface MailComposer {
  render(template: TemplateName, language: Language, vars: Record<string, string | number | null | undefined>): RenderedMail;
  compose(message: OutgoingMessage): Promise<Buffer>;
}
