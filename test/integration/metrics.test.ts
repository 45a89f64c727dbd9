import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import parsePrometheusTextFormat, { type Family } from 'parse-prometheus-text-format';
import { cli } from '../support/cli.js';
import { freePort } from '../support/postgres.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { plainMail } from '../support/mail-builders.js';
import { send } from '../support/nginx.js';
import { httpHarness } from './http-harness.js';

const TOKEN = 'metrics-token-for-the-test-0123';

/** The value of one sample (labels must match exactly), 0 when the series is absent. */
function value(families: Family[], name: string, labels: Record<string, string> = {}): number {
  const f = families.find((x) => x.name === name);
  assert.ok(f, `no metric ${name}`);
  const s = f.metrics.find((m) => JSON.stringify(Object.entries(m.labels ?? {}).sort()) === JSON.stringify(Object.entries(labels).sort()));
  return s ? Number(s.value ?? s.count) : 0;
}

function histogram(families: Family[], name: string): { count: number; sum: number; buckets: Record<string, number> } {
  const f = families.find((x) => x.name === name);
  assert.ok(f, `no metric ${name}`);
  assert.equal(f.type, 'HISTOGRAM');
  assert.equal(f.metrics.length, 1, 'one unlabelled histogram');
  const s = f.metrics[0]!;
  return { count: Number(s.count), sum: Number(s.sum), buckets: Object.fromEntries(Object.entries(s.buckets ?? {}).map(([k, v]) => [k, Number(v)])) };
}

describe('GET /metrics of a real serve, read with an independent Prometheus text parser', () => {
  let dir: string;
  let sink: SmtpSink;
  let serve: ServeProcess;
  let env: Record<string, string>;
  let web: string;
  let metricsUrl: string;
  let smtpPort: number;
  let caseNumber: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'supportal-metrics-'));
    sink = await startSmtpSink();
    const [httpPort, metricsPort] = [await freePort(), await freePort()];
    smtpPort = await freePort();
    web = `http://127.0.0.1:${httpPort}`;
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    env = {
      SUPPORTAL_DATA_DIR: join(dir, 'data'),
      SUPPORTAL_HTTP_PORT: String(httpPort),
      SUPPORTAL_SMTP_PORT: String(smtpPort),
      SUPPORTAL_RELAY_URL: sink.url,
      SUPPORTAL_MAIL_DOMAIN: 'support.example.com',
      SUPPORTAL_SENDER_AUTH: 'off',
      SUPPORTAL_METRICS_TOKEN: TOKEN,
      SUPPORTAL_METRICS_LISTEN: `127.0.0.1:${metricsPort}`,
    };
    assert.equal(cli(['user', 'add', '--role', 'customer', '--email', 'kim@example.org', '--name', 'Kim'], env).status, 0);
    caseNumber = cli(['case', 'open', '--customer', 'kim@example.org', '--subject', 'Printer', '--body', 'It jams.'], env).stdout.trim();
    assert.match(caseNumber, /^\d+$/);
    serve = await startServe(env);
    sink.reset();
  });
  after(async () => {
    await serve?.stop();
    await sink?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function scrape(url = metricsUrl, headers: Record<string, string> = {}): Promise<Family[]> {
    const res = await send(url, { from: '127.0.0.1', headers });
    assert.equal(res.status, 200, res.body);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    return parsePrometheusTextFormat(res.body);
  }

  async function until(check: (f: Family[]) => boolean, what: string): Promise<Family[]> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const f = await scrape();
      if (check(f)) return f;
      if (Date.now() > deadline) throw new Error(`metrics never showed ${what}:\n${JSON.stringify(f.filter((x) => !x.name.startsWith('supportal_process_')))}\n${serve.lines().map((l) => JSON.stringify(l)).join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  test('the figures follow real mails over SMTP: outcomes, pipeline time, SMTP sessions, the receipt sent, jobs and outbox', async () => {
    const before = await scrape();
    assert.equal(value(before, 'supportal_inbound_mails', { status: 'accepted', reason: '' }), 0);
    assert.equal(value(before, 'supportal_smtp_sessions_total', { listener: 'smtp' }), 0);
    assert.equal(value(before, 'supportal_jobs_dead'), 0);
    assert.equal(value(before, 'supportal_jobs_oldest_age_seconds'), 0);
    assert.equal(histogram(before, 'supportal_pipeline_duration_seconds').count, 0);

    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    const support = 'support@support.example.com';
    // A reply to the case (accepted, receipt) and a mail from a stranger without a case (rejected;
    // no notice: unverified, and the envelope sender is not the From, RELIABILITY E1).
    await transport.sendMail({ envelope: { from: 'kim@example.org', to: [support] }, raw: plainMail({ from: 'kim@example.org', to: support, subject: `Re: Printer [Case #${caseNumber}]`, body: 'Still jams.' }) });
    await transport.sendMail({ envelope: { from: 'bulk@mailer.example.net', to: [support] }, raw: plainMail({ from: 'stranger@example.net', to: support, subject: 'Hello', body: 'Who are you?' }) });
    transport.close();

    const after = await until(
      (f) => value(f, 'supportal_inbound_mails', { status: 'accepted', reason: '' }) === 1 && histogram(f, 'supportal_answer_sent_seconds').count === 1,
      'the accepted mail and its receipt',
    );
    const rejected = after.find((x) => x.name === 'supportal_inbound_mails')!.metrics.filter((m) => m.labels?.status === 'rejected');
    assert.equal(rejected.reduce((n, m) => n + Number(m.value), 0), 1, 'the stranger\'s mail, with its reason');
    assert.ok(rejected[0]!.labels!.reason, 'a rejected mail names its reason');
    assert.equal(value(after, 'supportal_inbound_mails_processed_total', { status: 'accepted', reason: '' }), 1);
    const pipeline = histogram(after, 'supportal_pipeline_duration_seconds');
    assert.equal(pipeline.count, 2, 'both mails went through the pipeline');
    assert.ok(pipeline.sum > 0 && pipeline.sum < 30, `pipeline took ${pipeline.sum} s`);
    assert.equal(pipeline.buckets['+Inf'], 2);
    assert.ok(pipeline.buckets['0.005']! <= pipeline.buckets['1']!, 'buckets are cumulative');
    // nodemailer opened one session per mail; both are closed again.
    assert.equal(value(after, 'supportal_smtp_sessions_total', { listener: 'smtp' }), 2);
    assert.equal(value(after, 'supportal_smtp_sessions_open', { listener: 'smtp' }), 0);
    const answered = histogram(after, 'supportal_answer_sent_seconds');
    assert.ok(answered.sum > 0 && answered.sum < 30, `receipt after ${answered.sum} s`);
    assert.ok(sink.received.some((m) => m.envelope.to.includes('kim@example.org')), 'the receipt reached the relay');
    assert.equal(value(after, 'supportal_jobs_waiting', { kind: 'inbound' }), 0);
    assert.equal(value(after, 'supportal_outbox_mails', { status: 'failed' }), 0);
    assert.equal(value(after, 'supportal_outbox_mails', { status: 'queued' }), 0);
  });

  test('a receipt the relay refuses for good shows as a failed outbox mail', async () => {
    // The relay now refuses for good: the next receipt ends as failed in the outbox.
    sink.answer(550, '5.1.1 mailbox unavailable');
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    const support = 'support@support.example.com';
    await transport.sendMail({ envelope: { from: 'kim@example.org', to: [support] }, raw: plainMail({ from: 'kim@example.org', to: support, subject: `Re: Printer [Case #${caseNumber}]`, body: 'And again.' }) });
    transport.close();
    const f = await until((x) => value(x, 'supportal_outbox_mails', { status: 'failed' }) === 1, 'the failed receipt');
    assert.equal(value(f, 'supportal_inbound_mails', { status: 'accepted', reason: '' }), 2);
  });

  test('on the web port /metrics needs the token: 401 without it or with a wrong one', async () => {
    const none = await send(`${web}/metrics`, { from: '127.0.0.1' });
    assert.equal(none.status, 401);
    assert.equal(JSON.parse(none.body).error.code, 'unauthenticated');
    const wrong = await send(`${web}/metrics`, { from: '127.0.0.1', headers: { authorization: 'Bearer not-the-metrics-token-at-all' } });
    assert.equal(wrong.status, 401);
    const right = await scrape(`${web}/metrics`, { authorization: `Bearer ${TOKEN}` });
    assert.ok(value(right, 'supportal_inbound_mails', { status: 'accepted', reason: '' }) >= 2);
    const other = await send(metricsUrl.replace('/metrics', '/other'), { from: '127.0.0.1' });
    assert.equal(other.status, 404, 'the metrics listener serves nothing else');
  });
});

test('without a metrics token there is no /metrics on the web port (404)', async () => {
  const h = await httpHarness('sqlite');
  try {
    const res = await h.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.statusCode, 404);
  } finally {
    await h.dispose();
  }
});
