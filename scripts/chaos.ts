/**
 * The fault campaign (docs/reliability.md, "The fault campaign"): replies over SMTP from many
 * connections to a real, compiled `supportal serve`, on SQLite and on PostgreSQL, while at random
 * moments serve is SIGKILLed and restarted, PostgreSQL is stopped, clamd is stopped, the relay
 * answers 4xx, then 5xx, then nothing, and the data directory's file system is filled and freed.
 * Afterwards every mail the client saw acknowledged with 250 must be in its case exactly once and
 * have exactly one receipt handed to the relay; nothing unacknowledged may be left half-stored.
 *
 *   npm run chaos                      a few thousand mails on each database
 *   npm run chaos -- --quick           a few hundred in all, in under 3 minutes (part of .ci/run)
 *   npm run chaos -- --dialect sqlite  one database only; --mails N, --seed N
 *
 * Loopback only; bounded in count and time. Needs root (it mounts a size-limited tmpfs), PostgreSQL
 * and clamd (Debian packages postgresql and clamav-daemon). The last line is
 * `chaos: sent=N acknowledged=N stored=N receipts=N lost=N duplicated=N`; the exit code is 1 when
 * lost or duplicated is not 0, 2 when the campaign could not run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.js';
import { COMPILED_BIN } from '../test/support/cli.js';
import { ensureCompiled } from '../test/support/compiled.js';
import { freePort } from '../test/support/postgres.js';
import { rgbPng } from '../test/support/png.js';
import { ServeSupervisor, SetupError, mountSmallDisk, sleep, startChaosClamd, startChaosPostgres, startChaosRelay, type ChaosPostgres, type RelayMode } from './chaos/services.js';

type Dialect = 'sqlite' | 'postgres';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    dialect: { type: 'string' },
    mails: { type: 'string' },
    seed: { type: 'string' },
  },
});

const QUICK = args.quick;
const DIALECTS: Dialect[] = args.dialect ? [args.dialect as Dialect] : ['sqlite', 'postgres'];
if (DIALECTS.some((d) => d !== 'sqlite' && d !== 'postgres')) fail(`--dialect ${args.dialect}: the databases are sqlite and postgres`);
/** Mails per database: quick 150 (300 in all), full 2 000 (4 000 in all). */
const MAILS = args.mails ? Number(args.mails) : QUICK ? 150 : 2000;
if (!Number.isInteger(MAILS) || MAILS < 1) fail(`--mails ${args.mails}: a whole number ≥ 1, please`);
/** The sending phase ends after this even if mails are left; what was not acknowledged is not counted against serve. */
const SEND_BOUND_MS = QUICK ? 50_000 : 20 * 60_000;
/** The mails are spread over this window, so that the faults meet mail in every state. */
const SEND_WINDOW_MS = QUICK ? 35_000 : 6 * 60_000;
/** Parallel SMTP clients, each opening a new connection per attempt. */
const CLIENTS = QUICK ? 12 : 24;
/** Customers, each with one open case (the quick run keeps setup short: each is two CLI calls). */
const CUSTOMERS = QUICK ? 1 : 3;
const SUPPORT = 'support@support.example.com';

function fail(message: string): never {
  console.error(`chaos: ${message}`);
  process.exit(2);
}

// A small seeded generator (mulberry32), so that a run's fault schedule can be repeated with --seed.
let seed = args.seed ? Number(args.seed) : Math.floor(Math.random() * 2 ** 31);
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (lo: number, hi: number) => lo + random() * (hi - lo);

interface Mail {
  index: number;
  messageId: string; // bare, lower-case, as serve stores it
  from: string;
  raw: Buffer;
}

const PNG = rgbPng(16, 16, (y) => Buffer.alloc(48, y * 15));

function buildMail(run: string, index: number, caseNumbers: number[]): Mail {
  const k = index % CUSTOMERS;
  const from = `kunde${k}@kunde.example`;
  const messageId = `chaos-${run}-${index}@kunde.example`;
  const head = [`From: Kunde ${k} <${from}>`, `To: ${SUPPORT}`, `Subject: Re: [Case #${caseNumbers[k]}] Export`, `Message-ID: <${messageId}>`, `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`, 'MIME-Version: 1.0'];
  const text = `Antwort ${index} im Fehlerlauf ${run}.\r\n`;
  // Every fifth reply carries a screenshot, so that its processing needs clamd.
  const body =
    index % 5 === 0
      ? [
          'Content-Type: multipart/mixed; boundary="b"',
          '',
          '--b',
          'Content-Type: text/plain; charset=utf-8',
          '',
          text,
          '--b',
          'Content-Type: image/png',
          `Content-Disposition: attachment; filename="shot-${index}.png"`,
          'Content-Transfer-Encoding: base64',
          '',
          PNG.toString('base64'),
          '--b--',
          '',
        ]
      : ['Content-Type: text/plain; charset=utf-8', '', text];
  return { index, messageId, from, raw: Buffer.from([...head, ...body].join('\r\n')) };
}

interface SendStats {
  sent: number;
  attempts: number;
  acknowledged: Set<string>;
  temporary: number;
  permanent: Array<{ messageId: string; response: string }>;
  dropped: number;
  /** Temporary answers and connection errors by code ("452", "ECONNREFUSED", …). */
  why: Map<string, number>;
  /** The first answer seen with each SMTP code, for the report. */
  sample: Map<string, string>;
}

/** Many clients, each sending a mail and retrying it (same bytes) until it gets a 250, as an MTA does. */
async function sendAll(port: number, mails: Mail[], until: number): Promise<SendStats> {
  const stats: SendStats = { sent: 0, attempts: 0, acknowledged: new Set(), temporary: 0, permanent: [], dropped: 0, why: new Map(), sample: new Map() };
  let next = 0;
  const begin = Date.now();
  const client = async () => {
    for (;;) {
      const mail = mails[next++];
      if (!mail) return;
      const due = begin + (mail.index * SEND_WINDOW_MS) / mails.length;
      if (due > Date.now()) await sleep(due - Date.now());
      stats.sent++;
      for (;;) {
        if (Date.now() > until) return;
        stats.attempts++;
        const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
        try {
          const info = await transport.sendMail({ envelope: { from: mail.from, to: [SUPPORT] }, raw: mail.raw });
          if (/^250 /.test(info.response)) {
            stats.acknowledged.add(mail.messageId);
            break;
          }
        } catch (e) {
          const code = (e as { responseCode?: number }).responseCode;
          if (code !== undefined && code >= 500) {
            // Our own faults must always be temporary (promise 2): a 5xx for a good mail is a finding.
            stats.permanent.push({ messageId: mail.messageId, response: (e as { response?: string }).response ?? String(code) });
            break;
          }
          if (code === undefined) stats.dropped++;
          else stats.temporary++;
          const why = code === undefined ? (/\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT)\b/.exec((e as Error).message)?.[1] ?? String((e as { code?: string }).code ?? 'error')) : String(code);
          stats.why.set(why, (stats.why.get(why) ?? 0) + 1);
          if (code !== undefined && !stats.sample.has(why)) stats.sample.set(why, String((e as { response?: string }).response ?? '').slice(0, 120));
        } finally {
          transport.close();
        }
        await sleep(between(100, 600));
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return stats;
}

interface Faults {
  counts: Record<string, number>;
  stop(): Promise<void>;
}

/** Each kind of fault on its own random timer, so that they overlap as they do in real life. */
function startFaults(opts: { serve: ServeSupervisor; pg: ChaosPostgres | null; clamd: Awaited<ReturnType<typeof startChaosClamd>>; relay: Awaited<ReturnType<typeof startChaosRelay>>; disk: ReturnType<typeof mountSmallDisk> }): Faults {
  const counts: Record<string, number> = { 'serve SIGKILL': 0, 'PostgreSQL stopped': 0, 'clamd stopped': 0, 'relay 4xx': 0, 'relay 5xx': 0, 'relay silent': 0, 'disk full': 0 };
  let running = true;
  let stopped: () => void = () => undefined;
  const stopping = new Promise<void>((resolve) => (stopped = resolve));
  // A pause that ends early when the campaign stops: an outage in progress is then ended at once.
  const pause = (ms: number) => Promise.race([sleep(ms), stopping]);
  const scale = QUICK ? 1 : 2;
  const loops: Array<Promise<void>> = [];
  const every = (lo: number, hi: number, fault: () => Promise<void>) =>
    loops.push(
      (async () => {
        while (running) {
          await pause(between(lo, hi) * scale);
          if (running) await fault();
        }
      })(),
    );
  every(3000, 7000, async () => {
    await opts.serve.kill();
    counts['serve SIGKILL']!++;
    await pause(between(200, 1500));
    await opts.serve.start();
  });
  if (opts.pg) {
    const pg = opts.pg;
    every(6000, 12_000, async () => {
      pg.stop();
      counts['PostgreSQL stopped']!++;
      await pause(between(2000, 5000));
      pg.start();
    });
  }
  every(6000, 12_000, async () => {
    await opts.clamd.stop();
    counts['clamd stopped']!++;
    await pause(between(2000, 6000));
    await opts.clamd.start();
  });
  every(8000, 14_000, async () => {
    const phase = async (mode: RelayMode, name: string, ms: number) => {
      opts.relay.mode = mode;
      counts[name]!++;
      await pause(ms);
    };
    await phase('tempfail', 'relay 4xx', between(2000, 4000));
    await phase('permfail', 'relay 5xx', between(500, 1500));
    await phase('silent', 'relay silent', between(1500, 3000));
    opts.relay.mode = 'accept';
  });
  every(6000, 12_000, async () => {
    opts.disk.fill();
    counts['disk full']!++;
    await pause(between(1500, 4000));
    opts.disk.free();
  });
  return {
    counts,
    async stop() {
      running = false;
      stopped();
      await Promise.all(loops);
    },
  };
}

function cli(args: string[], env: Record<string, string>): string {
  return execFileSync(process.execPath, [COMPILED_BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

interface DialectResult {
  dialect: Dialect;
  sent: number;
  acknowledged: number;
  stored: number;
  receipts: number;
  resent: number;
  lost: string[];
  duplicated: string[];
  halfStored: number;
  unacknowledgedStored: number;
  /** Stored again as a duplicate: the client sent it again after a 250 it never read (T4). */
  redelivered: number;
  deadLettersReplayed: number;
  faults: Record<string, number>;
  stats: SendStats;
  unexpectedExits: string[];
  seconds: number;
}

async function campaign(dialect: Dialect): Promise<DialectResult> {
  const started = Date.now();
  const run = `${dialect.slice(0, 2)}${started.toString(36)}`;
  const work = mkdtempSync(join(tmpdir(), 'supportal-chaos-'));
  const disk = mountSmallDisk(QUICK ? 48 : 256);
  const cleanups: Array<() => unknown> = [() => disk.destroy()];
  try {
    const pg = dialect === 'postgres' ? await startChaosPostgres() : null;
    if (pg) cleanups.push(() => pg.destroy());
    const clamd = await startChaosClamd();
    cleanups.push(() => clamd.destroy());
    const relay = await startChaosRelay();
    cleanups.push(() => relay.stop());
    const env: Record<string, string> = {
      SUPPORTAL_DATA_DIR: disk.dir,
      SUPPORTAL_HTTP_PORT: String(await freePort()),
      SUPPORTAL_SMTP_PORT: String(await freePort()),
      SUPPORTAL_MAIL_DOMAIN: 'support.example.com',
      SUPPORTAL_SENDER_AUTH: 'off',
      SUPPORTAL_LOG_LEVEL: 'info',
      SUPPORTAL_CLAMAV: clamd.target,
      SUPPORTAL_RELAY_URL: relay.url,
      // Every reply gets its receipt: the loop breaker's default of 30 an hour per sender would cap them.
      SUPPORTAL_AUTO_MAILS_PER_SENDER_PER_HOUR: '10000',
      ...(pg ? { SUPPORTAL_DATABASE_URL: pg.url } : {}),
    };
    const databaseUrl = pg ? pg.url : `sqlite:${join(disk.dir, 'supportal.sqlite')}`;
    const caseNumbers: number[] = [];
    for (let k = 0; k < CUSTOMERS; k++) {
      cli(['user', 'add', '--role', 'customer', '--email', `kunde${k}@kunde.example`, '--name', `Kunde ${k}`], env);
      caseNumbers.push(Number(cli(['case', 'open', '--customer', `kunde${k}@kunde.example`, '--subject', 'Export', '--body', 'Export bricht ab.'], env).trim()));
    }
    const mails = Array.from({ length: MAILS }, (_, i) => buildMail(run, i, caseNumbers));

    const serve = new ServeSupervisor(env, join(work, 'serve.log'));
    await serve.start();
    cleanups.push(() => serve.kill());
    const faults = startFaults({ serve, pg, clamd, relay, disk });
    const stats = await sendAll(Number(env.SUPPORTAL_SMTP_PORT), mails, Date.now() + SEND_BOUND_MS);
    await faults.stop();
    relay.mode = 'accept';
    disk.free();
    pg?.start();
    await clamd.start();

    // Draining. A real installation would simply wait: leases of killed workers run out after
    // 5 minutes, back-offs after minutes to an hour. The campaign brings that time forward while
    // serve is stopped (due times and leases set into the past), then lets serve finish the work.
    const deadLettersReplayed = await drain(serve, databaseUrl, env);
    await serve.stop();

    const result = await check(databaseUrl, mails, stats, relay.mails);
    return { dialect, ...result, deadLettersReplayed, faults: faults.counts, stats, unexpectedExits: serve.unexpectedExits, seconds: (Date.now() - started) / 1000 };
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (e) {
        console.error(`chaos: cleanup: ${(e as Error).message}`);
      }
    }
    rmSync(work, { recursive: true, force: true });
  }
}

async function drain(serve: ServeSupervisor, databaseUrl: string, env: Record<string, string>): Promise<number> {
  let replayed = 0;
  for (let round = 0; round < 5; round++) {
    await serve.stop();
    const h = openDatabase(databaseUrl);
    const past = '2000-01-01T00:00:00.000Z';
    let open: number;
    let dead: string[];
    try {
      await sql`update jobs set run_at = ${past} where status = 'queued'`.execute(h.db);
      await sql`update jobs set locked_until = ${past} where status = 'running'`.execute(h.db);
      await sql`update outbound_mails set next_attempt_at = ${past} where status in ('queued', 'retrying')`.execute(h.db);
      await sql`update outbound_mails set locked_until = ${past} where status = 'sending'`.execute(h.db);
      dead = (await sql<{ id: string }>`select id from jobs where status = 'dead'`.execute(h.db)).rows.map((r) => r.id);
      open = Number((await sql<{ n: number | string }>`select (select count(*) from jobs where status <> 'done') + (select count(*) from outbound_mails where status in ('queued', 'retrying', 'sending')) as n`.execute(h.db)).rows[0]!.n);
    } finally {
      await h.close();
    }
    // A job that failed five times is in the dead-letter queue (promise 3); an admin replays it.
    for (const id of dead) cli(['jobs', 'retry', id], env);
    replayed += dead.length;
    if (open === 0 && round > 0) return replayed;
    await serve.start();
    const deadline = Date.now() + (QUICK ? 30_000 : 120_000);
    while (Date.now() < deadline) {
      await sleep(500);
      const h2 = openDatabase(databaseUrl);
      try {
        const left = Number((await sql<{ n: number | string }>`select (select count(*) from jobs where status not in ('done', 'dead')) + (select count(*) from outbound_mails where status in ('queued', 'sending') or (status = 'retrying' and next_attempt_at <= ${new Date().toISOString()})) as n`.execute(h2.db)).rows[0]!.n);
        if (left === 0) break;
      } finally {
        await h2.close();
      }
    }
  }
  return replayed;
}

async function check(databaseUrl: string, mails: Mail[], stats: SendStats, relayed: Array<{ messageId: string | null; inReplyTo: string | null; answer: number | null }>) {
  const h = openDatabase(databaseUrl);
  try {
    const inbound = (await sql<{ id: string; message_id: string | null; duplicate_of: string | null; status: string; reason: string | null; size: number | string; raw_chunks: number | string; raw_len: number | string | null; chunk_len: number | string | null }>`
      select i.id, i.message_id, i.duplicate_of, i.status, i.reason, i.size, i.raw_chunks, length(i.raw) as raw_len,
             (select sum(length(c.data)) from inbound_mail_chunks c where c.mail_id = i.id) as chunk_len
      from inbound_mails i`.execute(h.db)).rows;
    const inCase = (await sql<{ message_id: string | null }>`select i.message_id from messages m join inbound_mails i on i.id = m.inbound_mail_id`.execute(h.db)).rows;
    const orphanChunks = Number((await sql<{ n: number | string }>`select count(*) as n from inbound_mail_chunks c where not exists (select 1 from inbound_mails i where i.id = c.mail_id)`.execute(h.db)).rows[0]!.n);

    const ours = new Set(mails.map((m) => m.messageId));
    const storedIds = new Set(inbound.filter((r) => r.message_id && ours.has(r.message_id)).map((r) => r.message_id!));
    const caseCount = new Map<string, number>();
    for (const r of inCase) if (r.message_id) caseCount.set(r.message_id, (caseCount.get(r.message_id) ?? 0) + 1);
    // Handed over = the relay gave its final answer, 250 or 5xx (a 5xx-refused receipt was handed
    // once and is not sent again); a 4xx or no answer leaves the mail with the sender, who retries.
    // Counted by the receipt's own Message-ID: a second hand-over of the same Message-ID is the
    // at-least-once resend after a kill between the relay's 250 and the status update (C3), which
    // a mail program shows as one mail; it is reported as "resent", not as a duplicate.
    const handed = new Map<string, Set<string>>();
    let handOvers = 0;
    for (const r of relayed) {
      if (r.answer === null || (r.answer >= 400 && r.answer < 500) || !r.inReplyTo || !r.messageId) continue;
      handOvers++;
      if (!handed.has(r.inReplyTo)) handed.set(r.inReplyTo, new Set());
      handed.get(r.inReplyTo)!.add(r.messageId);
    }
    const lost: string[] = [];
    const duplicated: string[] = [];
    let receipts = 0;
    for (const id of stats.acknowledged) {
      const n = caseCount.get(id) ?? 0;
      const status = inbound.filter((r) => r.message_id === id).map((r) => `${r.status}${r.reason ? `/${r.reason}` : ''}`).join(', ');
      if (!storedIds.has(id)) lost.push(`${id}: acknowledged, not stored`);
      else if (n === 0) lost.push(`${id}: stored (${status}) but not in its case`);
      else if (n > 1) duplicated.push(`${id}: ${n} times in its case`);
      const r = handed.get(id)?.size ?? 0;
      receipts += Math.min(r, 1);
      if (r === 0) lost.push(`${id}: no receipt handed to the relay (${status})`);
      else if (r > 1) duplicated.push(`${id}: ${r} different receipts handed to the relay`);
    }
    const resent = handOvers - [...handed.values()].reduce((a, s) => a + s.size, 0);
    // Half-stored: chunks without their row, or a row whose bytes are not all there. A duplicate
    // keeps no bytes of its own (they are its original's), so it is whole when its original is.
    const incomplete = inbound.filter((r) => r.duplicate_of === null && (Number(r.raw_chunks) > 0 ? Number(r.chunk_len ?? 0) : Number(r.raw_len ?? 0)) !== Number(r.size)).length;
    const redelivered = inbound.filter((r) => r.duplicate_of !== null && r.message_id && ours.has(r.message_id)).length;
    const unacknowledgedStored = [...storedIds].filter((id) => !stats.acknowledged.has(id)).length;
    return { sent: stats.sent, acknowledged: stats.acknowledged.size, stored: [...stats.acknowledged].filter((id) => storedIds.has(id)).length, receipts, resent, lost, duplicated, halfStored: orphanChunks + incomplete, unacknowledgedStored, redelivered };
  } finally {
    await h.close();
  }
}

function report(r: DialectResult): void {
  const faults = Object.entries(r.faults)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
  console.log(`chaos on ${r.dialect}: ${r.seconds.toFixed(0)} s; ${r.sent} mails sent in ${r.stats.attempts} attempts (${r.stats.temporary} answered 4xx, ${r.stats.dropped} connections lost), ${r.acknowledged} acknowledged`);
  console.log(`  faults: ${faults}`);
  console.log(`  retried after: ${[...r.stats.why].map(([k, n]) => `${k} ×${n}`).join(', ') || 'nothing'}`);
  for (const text of r.stats.sample.values()) console.log(`    e.g. ${text}`);
  console.log(`  stored ${r.stored}, receipts ${r.receipts} (+${r.resent} resent with the same Message-ID), stored again as duplicates ${r.redelivered}, stored but never acknowledged ${r.unacknowledgedStored}, half-stored ${r.halfStored}, dead letters replayed ${r.deadLettersReplayed}`);
  for (const p of r.stats.permanent) console.log(`  5xx for a good mail: ${p.messageId}: ${p.response}`);
  for (const e of r.unexpectedExits) console.log(`  ${e}`);
  for (const l of r.lost.slice(0, 20)) console.log(`  lost: ${l}`);
  for (const d of r.duplicated.slice(0, 20)) console.log(`  duplicated: ${d}`);
}

async function main(): Promise<void> {
  ensureCompiled();
  console.log(`chaos: ${QUICK ? 'quick' : 'full'} run, ${MAILS} mails on ${DIALECTS.join(' and ')}, seed ${seed}`);
  const results: DialectResult[] = [];
  const begin = Date.now();
  for (const d of DIALECTS) {
    const r = await campaign(d);
    report(r);
    results.push(r);
  }
  console.log(`chaos: ${((Date.now() - begin) / 1000).toFixed(0)} s in all, setup and cleanup included`);
  const sum = (f: (r: DialectResult) => number) => results.reduce((a, r) => a + f(r), 0);
  // Mails, not problems: a mail missing from its case and without a receipt is one lost mail.
  const mailsIn = (problems: string[]) => new Set(problems.map((p) => p.slice(0, p.indexOf(':')))).size;
  const lost = sum((r) => mailsIn(r.lost));
  const duplicated = sum((r) => mailsIn(r.duplicated));
  const findings = sum((r) => r.stats.permanent.length + r.halfStored + r.unexpectedExits.length);
  if (findings > 0) console.log(`chaos: ${findings} other findings above (5xx for good mail, half-stored mail, serve exiting by itself)`);
  console.log(`chaos: sent=${sum((r) => r.sent)} acknowledged=${sum((r) => r.acknowledged)} stored=${sum((r) => r.stored)} receipts=${sum((r) => r.receipts)} lost=${lost} duplicated=${duplicated}`);
  process.exitCode = lost > 0 || duplicated > 0 || findings > 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  if (e instanceof SetupError) fail(e.message);
  console.error(e);
  fail(`the campaign broke off: ${(e as Error).message.split('\n')[0]}`);
});
