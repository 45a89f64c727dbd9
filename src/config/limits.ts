/**
 * Every bound Supportal puts on input, in one place, each with the reason for its number.
 * docs/reliability.md §6 is the contract these implement.
 */
const MiB = 1024 * 1024;

export const LIMITS = {
  /** 25 MiB: the product promise; larger mails are refused with 552 (T6). */
  maxMessageBytes: 25 * MiB,
  /** Operators may raise the limit, but a mail is held in memory while parsed: 200 MiB caps that. */
  maxMessageBytesCeiling: 200 * MiB,
  /** RFC 5321 asks for ≥100 recipients; more is an attack or a loop (T7). */
  maxRecipients: 100,
  /** SMTP connections at once; each may hold a 25 MiB buffer, so 50 keeps memory bounded (T7, T12). */
  maxSmtpClients: 50,
  /** A job (inbound processing) is tried this often before it goes to the dead-letter queue (promise 3). */
  jobMaxAttempts: 5,
  /** Back-off of failed jobs and outbound retries: 1 min doubling to 1 h (promise 3, 5). */
  retryBaseMs: 60_000,
  retryMaxMs: 3_600_000,
  /** Outbound mails are retried for 4 days, then marked failed (promise 5). */
  outboundGiveUpMs: 4 * 24 * 3_600_000,
  /**
   * Graceful stop (RELIABILITY C7): an SMTP/LMTP session still in its DATA phase, or a worker's
   * running jobs, get this long after SIGTERM; then the session is answered 421 4.3.2 and the
   * jobs are released. 10 s lets a 25 MiB mail finish at 20 Mbit/s and a tick of 16 ordinary
   * mails (about 50 ms) many times over, and stays far below systemd's TimeoutStopSec (60 s in
   * deploy/supportal.service) so that systemd never has to SIGKILL.
   */
  shutdownGraceMs: 10_000,
  /**
   * A claimed job or outbox row is retried by another worker if its lease runs out (C1, C3). The
   * worker renews the lease every `leaseRenewMs` while it still works on the row, so the lease
   * only runs out when the worker (its process, its node) died: another node takes the work over
   * within a minute. Three renewals per lease leave two missed ones to a busy database.
   */
  leaseMs: 60_000,
  leaseRenewMs: 20_000,
  /** Attachment upload limit in the portal equals the mail limit. */
  maxUploadBytes: 25 * MiB,
} as const;
