import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsSource } from '../app/metrics.js';

/**
 * The Prometheus side of Supportal, the one place that knows prom-client. Gauges of what is in
 * the database (mails by outcome, jobs, the outbox) are read at every scrape, so that several
 * processes on one database agree; counters and histograms count what this process did.
 */
export interface Metrics {
  /** The text exposition format, for GET /metrics. */
  render(): Promise<{ contentType: string; body: string }>;
  /** A mail got its outcome after `ms` milliseconds in the pipeline. */
  mailProcessed(o: { status: string; reason: string | null; processingMs?: number }): void;
  smtpSession(listener: 'smtp' | 'lmtp', event: 'opened' | 'closed'): void;
  /** Receipts and notices the relay accepted, with the seconds since the mail they answer arrived. */
  answersSent(latencies: ReadonlyArray<{ kind: 'receipt' | 'notice'; seconds: number }>): void;
}

export function createMetrics(source: MetricsSource, opts: { clock?: () => Date } = {}): Metrics {
  const registry = new Registry();
  const now = opts.clock ?? (() => new Date());
  // Memory, CPU, event-loop lag, open handles of this process: the first thing to look at when processing slows.
  collectDefaultMetrics({ register: registry, prefix: 'supportal_process_' });

  const inboundMails = new Gauge({ name: 'supportal_inbound_mails', help: 'Received mails in the database by outcome (status) and reason.', labelNames: ['status', 'reason'], registers: [registry] });
  const jobsWaiting = new Gauge({ name: 'supportal_jobs_waiting', help: 'Jobs queued or running, by kind (the processing backlog).', labelNames: ['kind'], registers: [registry] });
  const oldestJob = new Gauge({ name: 'supportal_jobs_oldest_age_seconds', help: 'Age of the oldest job queued or running; 0 when there is none.', registers: [registry] });
  const jobsDead = new Gauge({ name: 'supportal_jobs_dead', help: 'Jobs given up on after their retries (supportal jobs list --status dead).', registers: [registry] });
  const outbox = new Gauge({ name: 'supportal_outbox_mails', help: 'Outgoing mails not sent yet or given up on, by status (held = no relay configured; failed = given up).', labelNames: ['status'], registers: [registry] });

  const processed = new Counter({ name: 'supportal_inbound_mails_processed_total', help: 'Mails this process took through the pipeline, by outcome and reason.', labelNames: ['status', 'reason'], registers: [registry] });
  // From 5 ms (a small reply) to 60 s (a 25 MiB mail with a slow virus scan).
  // Histograms carry no labels: the outcome split is in the counter above, and every label set
  // would multiply the 14 series of a histogram.
  const pipeline = new Histogram({ name: 'supportal_pipeline_duration_seconds', help: 'Time of one mail in the processing pipeline (parse to committed outcome).', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry] });
  const smtpOpen = new Gauge({ name: 'supportal_smtp_sessions_open', help: 'SMTP/LMTP sessions open now.', labelNames: ['listener'], registers: [registry] });
  const smtpTotal = new Counter({ name: 'supportal_smtp_sessions_total', help: 'SMTP/LMTP sessions opened since start.', labelNames: ['listener'], registers: [registry] });
  // The promise is a receipt within seconds; the upper buckets show a relay that held mail back for retries.
  const answered = new Histogram({ name: 'supportal_answer_sent_seconds', help: 'From the arrival of a mail to the relay accepting its receipt or failure notice.', buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600], registers: [registry] });
  for (const l of ['smtp', 'lmtp']) {
    smtpOpen.set({ listener: l }, 0);
    smtpTotal.inc({ listener: l }, 0);
  }

  return {
    async render() {
      // The database figures are read once per scrape and set before the registry is written out.
      const s = await source.snapshot(now());
      inboundMails.reset();
      for (const r of s.inboundMails) inboundMails.set({ status: r.status, reason: r.reason }, r.count);
      jobsWaiting.reset();
      for (const r of s.jobsWaiting) jobsWaiting.set({ kind: r.kind }, r.count);
      oldestJob.set(s.oldestJobAgeSeconds);
      jobsDead.set(s.jobsDead);
      for (const r of s.outbox) outbox.set({ status: r.status }, r.count);
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    mailProcessed(o) {
      processed.inc({ status: o.status, reason: o.reason ?? '' });
      if (o.processingMs !== undefined) pipeline.observe(o.processingMs / 1000);
    },
    smtpSession(listener, event) {
      if (event === 'opened') {
        smtpOpen.inc({ listener });
        smtpTotal.inc({ listener });
      } else smtpOpen.dec({ listener });
    },
    answersSent(latencies) {
      for (const l of latencies) answered.observe(l.seconds);
    },
  };
}

/**
 * GET /metrics without a token on an address of its own (SUPPORTAL_METRICS_LISTEN), for a
 * Prometheus that reaches it over a private network; the web port never serves it without the token.
 */
export async function startMetricsListener(metrics: Metrics, at: { host: string; port: number }, onError: (err: unknown) => void): Promise<{ address: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: only GET /metrics is served here\n');
      return;
    }
    metrics.render().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (err: unknown) => {
        onError(err);
        res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable: the database did not answer\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  const a = server.address();
  const address = typeof a === 'object' && a ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : String(a);
  return {
    address,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
