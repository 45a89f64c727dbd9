import type { ParsedMail } from '../../domain/parsed-mail.js';
import type { RawMail } from '../../domain/raw-mail.js';
import type { AttachmentPolicy, InspectedFile } from '../../domain/attachment-policy.js';
import type { AgentNotificationPrefs } from '../outbound/agent-notification.js';

/**
 * Parses raw bytes within the limits, reading them chunk by chunk; rejects with an error whose
 * `code` is 'malformed' or 'loop' (any other error: the bytes could not be read now).
 */
export interface MimeParser {
  parse(raw: RawMail): Promise<ParsedMail>;
}

export interface AttachmentInspector {
  inspect(files: ReadonlyArray<{ filename: string | null; content: Buffer; contentType: string }>, policy: AttachmentPolicy): Promise<InspectedFile[]>;
}

export type ScanResult = { status: 'clean' } | { status: 'infected'; signature: string } | { status: 'error'; detail: string };

export interface VirusScanner {
  scan(content: Buffer): Promise<ScanResult>;
}

export interface SenderAuthResult {
  spf: string;
  dkim: string;
  dmarc: string;
  /** The From domain's DMARC policy failed: the sender may be forged. */
  dmarcFailed: boolean;
  /** SPF or an aligned DKIM signature passed: the envelope or From domain is authentic. */
  authenticated: boolean;
  /**
   * SPF passed for the envelope sender's domain and that domain aligns with the From domain: the
   * envelope sender is an address of the From's domain, proven by the connecting IP.
   */
  spfAligned: boolean;
  /** A DKIM signature of the From's (organisational) domain verified: the From domain is authentic. */
  dkimAligned: boolean;
}

export interface SenderAuthenticator {
  check(raw: RawMail, envelope: { ip: string | null; helo: string | null; sender: string | null }): Promise<SenderAuthResult>;
}

/** What the pipeline applies to every mail and an admin may change while the server runs. */
export interface IngestSettings {
  policy: AttachmentPolicy;
  /** At most the configured ceiling: the SMTP listener announced that one as SIZE at start. */
  maxMessageBytes: number;
  /** What happens to a reply whose From could not be verified (no aligned SPF or DKIM pass); default `mark`. */
  unverifiedSender?: UnverifiedSenderPolicy;
}

/**
 * `accept`: added to the case like any reply; `mark`: added and shown as "sender not verified";
 * `hold`: quarantined (`auth_failed`) until an agent releases it.
 */
export const UNVERIFIED_SENDER_POLICIES = ['accept', 'mark', 'hold'] as const;
export type UnverifiedSenderPolicy = (typeof UNVERIFIED_SENDER_POLICIES)[number];
/** Many customers' domains publish no DMARC and sign nothing: holding their mail would stop the support. */
export const DEFAULT_UNVERIFIED_SENDER_POLICY: UnverifiedSenderPolicy = 'mark';

/**
 * Usage:
 *   const { policy, maxMessageBytes } = await deps.settings.current();
 */
export interface IngestSettingsSource {
  current(): Promise<IngestSettings>;
}

/** The adapters the pipeline needs, given by the composition root. */
export interface IngestDeps {
  parser: MimeParser;
  inspector: AttachmentInspector;
  scanner: VirusScanner | null;
  authenticator: SenderAuthenticator | null;
  /** The attachment policy when no `settings` source is given (tests, the CLI). */
  policy: AttachmentPolicy;
  /**
   * The installation's settings in effect (an admin may tighten the policy and lower the size
   * limit in the web UI), read briefly cached; absent: `policy` and the configured size limit.
   */
  settings?: IngestSettingsSource;
  /** HTML sanitizer (sanitize-html at the edge): no scripts, handlers, forms or remote loads. */
  sanitizeHtml(html: string): string;
  /** Who gets a notice mail about an accepted reply (the web store's user settings); absent: nobody. */
  agentNotifications?: AgentNotificationPrefs | null;
  /**
   * Whether an LMTP peer (its IP; null for a Unix socket) is one of our own MTAs, whose topmost
   * Received header names the real client (SUPPORTAL_LMTP_TRUSTED_MTAS); absent: nobody is.
   */
  trustsReceivedFrom?: (peerIp: string | null) => boolean;
}

/** Thrown by a step when a dependency is down: the mail is retried later, nothing is decided. */
export class DeferError extends Error {
  readonly reason: 'scan_unavailable' | 'processing_failed';
  constructor(reason: 'scan_unavailable' | 'processing_failed', message: string) {
    super(message);
    this.name = 'DeferError';
    this.reason = reason;
  }
}
