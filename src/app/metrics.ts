/**
 * What the metrics report that lives in the database, read at every scrape so that several
 * `serve` processes on one database report the same figures (a counter held in memory would only
 * know its own process's share and start from zero at every restart).
 */
export interface MetricsSnapshot {
  /** Every received mail now in the database, by outcome (status) and reason ('' when none). */
  inboundMails: Array<{ status: string; reason: string; count: number }>;
  /** Jobs waiting or running, by kind. */
  jobsWaiting: Array<{ kind: string; count: number }>;
  /** Seconds since the oldest waiting or running job was queued; 0 when there is none. */
  oldestJobAgeSeconds: number;
  /** Jobs given up on after their retries (`supportal jobs list --status dead`). */
  jobsDead: number;
  /** Outgoing mails not (yet) sent, by status: held, queued, sending, retrying, failed, bounced. */
  outbox: Array<{ status: string; count: number }>;
}

export interface MetricsSource {
  snapshot(now: Date): Promise<MetricsSnapshot>;
  /**
   * For outgoing mails just handed to the relay: of each receipt or failure notice, the seconds
   * since the mail it answers arrived. Other mails are left out.
   */
  answerLatencies(outboundIds: readonly string[]): Promise<Array<{ kind: 'receipt' | 'notice'; seconds: number }>>;
}
