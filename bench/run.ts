/**
 * `npm run bench [-- --quick] [--out FILE] [--db sqlite,postgres]`: end-to-end figures of
 * Supportal on this machine, printed as a table and written as JSON (default
 * bench-results.json; the fields are listed in results.ts, the targets and the last figures in
 * docs/benchmarks.md).
 *
 * For each database, against one compiled `serve` process, as production runs it: sender
 * authentication on (SPF, DKIM, DMARC over real DNS packets, answered by fixed-dns.ts), logging
 * at info into a file, a real SMTP relay (a sink in this process) receiving the receipts.
 *  1. a 25 MB mail on the warm process: serve's peak RSS growth (the kernel's high-water mark);
 *  2. small replies (bench/mails.ts, ~2.3 KB with quoted history) from 200 customers over 20
 *     SMTP connections: stored (last 250) and processed (last outcome) per second;
 *  3. replies with a 1 MiB screenshot: processed per second;
 *  4. a steady 100 replies/s: receipt queued after the mail was stored (p99), and receipt sent,
 *     from the client's 250 to the relay's acceptance of the receipt (p50, p99);
 *  5. the MTA pipe: `supportal ingest` started once per mail by 2 feeders at once;
 *  6. the desk and portal reads over HTTP on a database seeded to 100,000 cases and 1,000,000
 *     messages (--quick: 10,000 and 100,000);
 *  7. start-up of `supportal --help` against `node -e 0`;
 *  8. in-run references: postal-mime and mailparser on the same small and 1 MiB mails.
 * PostgreSQL runs on a throwaway cluster with fsync on (as in production; the tests turn it off).
 * BENCH_CPU_PROFILE=DIR makes serve write a V8 CPU profile there when it stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import pg from 'pg';
import { freePort, startPostgres, type PostgresServer } from '../test/support/postgres.js';
import { repoRoot } from '../test/support/corpus.js';
import { startFixedDns } from './fixed-dns.js';
import { bigMail, customerAddress, CUSTOMER_DOMAIN, imageReply, smallReply, SUPPORT } from './mails.js';
import { seedLarge, FIRST_SEEDED_CASE } from './seed-large.js';
import { measureHttp } from './http-latency.js';
import { referenceRates } from './references.js';
import { measureStartup } from './startup.js';
import { pct } from './stats.js';
import { RESULT_FIELDS, roundFigure, TARGETS, writeResults, type BenchResults, type DatabaseName, type DatabaseResults } from './results.js';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

const quick = process.argv.includes('--quick');
const out = option('out') ?? 'bench-results.json';
const databases = (option('db') ?? 'sqlite,postgres').split(',').map((d) => d.trim()) as DatabaseName[];
for (const d of databases) {
  if (d !== 'sqlite' && d !== 'postgres') {
    console.error(`bench: --db takes sqlite and/or postgres, not "${d}"`);
    process.exit(2);
  }
}

const SIZE = quick
  ? { small: 300, image: 15, steadySeconds: 3, pipe: 40, cases: 10_000, messagesPerCase: 10, requests: 20, startupRuns: 3 }
  : { small: Number(process.env.BENCH_MAILS ?? 3000), image: 100, steadySeconds: 5, pipe: 200, cases: 100_000, messagesPerCase: 10, requests: 200, startupRuns: 9 };
const CUSTOMERS = 200;
const CONNECTIONS = 20;
const STEADY_RATE = 100;
const PASSWORD = 'bench-password-0123456789';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Customers bench-0…199 with one open case each, and an agent; bench-0 and the agent may log in. */
async function seedCustomers(env: Record<string, string>): Promise<{ caseNos: number[]; customerIds: string[]; agentId: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const { createRuntime } = await import('../src/composition.js');
  const { addUser } = await import('../src/app/users.js');
  const { openCase } = await import('../src/app/cases.js');
  const rt = await createRuntime({ createSecret: true, migrate: true });
  try {
    const agent = await addUser(rt.ctx, { role: 'agent', email: 'agent@support.example.com', name: 'Anna Berger', password: PASSWORD });
    const caseNos: number[] = [];
    const customerIds: string[] = [];
    for (let k = 0; k < CUSTOMERS; k++) {
      const u = await addUser(rt.ctx, { role: 'customer', email: customerAddress(k), name: `Bench ${k}`, lang: k % 2 ? 'de' : 'en', ...(k === 0 ? { password: PASSWORD } : {}) });
      customerIds.push(u.id);
      caseNos.push((await openCase(rt.ctx, { customer: customerAddress(k), subject: `Bench ${k}`, body: 'x' })).number);
    }
    return { caseNos, customerIds, agentId: agent.id };
  } finally {
    await rt.close();
    process.env = saved;
  }
}

/** A real SMTP relay in this process: when each receipt arrived, by the Message-ID it answers. */
async function startRelay(): Promise<{ url: string; arrivals: Map<string, number>; stop(): Promise<void> }> {
  const arrivals = new Map<string, number>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, _session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const head = Buffer.concat(chunks).toString('latin1', 0, 8192);
        const inReplyTo = /^In-Reply-To:\s*<([^>]+)>/im.exec(head)?.[1];
        if (inReplyTo) arrivals.set(inReplyTo.toLowerCase(), performance.now());
        done();
      });
    },
  });
  server.on('error', () => undefined);
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url: `smtp://127.0.0.1:${port}`, arrivals, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/**
 * CPU milliseconds a process has used (user + system, all its threads), from /proc; the kernel
 * counts in clock ticks of 10 ms (USER_HZ = 100 on Linux).
 */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU milliseconds of every PostgreSQL process on the machine (the bench's cluster is the only one it starts). */
function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes(' (postgres) ')) total += cpuMs(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

/** Counts and latencies read from the database, whichever it is. */
interface Probe {
  unprocessed(): Promise<number>;
  outcomes(): Promise<Record<string, number>>;
  /** ms from the mail's storage to its receipt being queued, for mails received at or after `since`. */
  receiptQueuedMs(since: string): Promise<number[]>;
  close(): Promise<void>;
}

async function openProbe(url: string): Promise<Probe> {
  if (url.startsWith('sqlite:')) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(url.slice('sqlite:'.length), { readonly: true });
    return {
      unprocessed: async () => (db.prepare(`select count(*) n from inbound_mails where status = 'received'`).get() as { n: number }).n,
      outcomes: async () => Object.fromEntries((db.prepare(`select status || coalesce('/' || reason, '') o, count(*) n from inbound_mails group by 1`).all() as Array<{ o: string; n: number }>).map((r) => [r.o, r.n])),
      receiptQueuedMs: async (since) =>
        (db.prepare(`select (julianday(o.created_at) - julianday(i.received_at)) * 86400000 ms from outbound_mails o join inbound_mails i on i.id = o.inbound_mail_id where o.kind = 'receipt' and i.received_at >= ?`).all(since) as Array<{ ms: number }>).map((r) => r.ms),
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    unprocessed: async () => Number((await client.query(`select count(*) n from inbound_mails where status = 'received'`)).rows[0].n),
    outcomes: async () => Object.fromEntries((await client.query(`select status || coalesce('/' || reason, '') o, count(*) n from inbound_mails group by 1`)).rows.map((r: { o: string; n: string }) => [r.o, Number(r.n)])),
    receiptQueuedMs: async (since) =>
      (await client.query(`select extract(epoch from (o.created_at - i.received_at)) * 1000 ms from outbound_mails o join inbound_mails i on i.id = o.inbound_mail_id where o.kind = 'receipt' and i.received_at >= $1`, [since])).rows.map((r: { ms: string }) => Number(r.ms)),
    close: () => client.end(),
  };
}

async function settled(probe: Probe, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await probe.unprocessed()) > 0) {
    if (Date.now() > deadline) throw new Error('bench: mails still unprocessed after 10 minutes');
    await sleep(20);
  }
}

function startServe(env: Record<string, string>, logFile: string): ChildProcess {
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  // Logs at info go to a file through a shell redirection, as a service manager would take them.
  return spawn('sh', ['-c', `exec "${process.execPath}" ${profile.join(' ')} "${join(repoRoot, 'bin/supportal.js')}" serve >>"${logFile}" 2>&1`], { env: { ...process.env, ...env }, stdio: 'ignore' });
}

async function waitReady(httpPort: number): Promise<void> {
  for (let i = 0; ; i++) {
    if (await fetch(`http://127.0.0.1:${httpPort}/readyz`).then((r) => r.ok).catch(() => false)) return;
    if (i > 600) throw new Error('serve did not start');
    await sleep(100);
  }
}

async function stopServe(serve: ChildProcess): Promise<void> {
  if (serve.exitCode !== null) return;
  serve.kill('SIGTERM');
  await new Promise((r) => serve.on('exit', r));
}

/**
 * `supportal ingest` once per mail, `feeders` at a time; mails per second. Started as an MTA
 * starts it: with the few variables the MTA passes on (Postfix's pipe(8) only its
 * export_environment, by default TZ and MAIL_CONFIG), not with the bench's own environment,
 * where a NODE_EXTRA_CA_CERTS or NODE_OPTIONS would be paid by every mail (a system CA bundle
 * in NODE_EXTRA_CA_CERTS: 35 ms CPU per Node start, measured; docs/benchmarks.md section 2).
 */
async function pipeRate(env: Record<string, string>, mails: Buffer[], feeders: number): Promise<number> {
  const mtaEnv: Record<string, string> = { ...env };
  for (const name of ['TZ', 'LANG']) if (process.env[name]) mtaEnv[name] = process.env[name]!;
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: feeders }, async () => {
      while (next < mails.length) {
        const mail = mails[next++]!;
        const code = await new Promise<number | null>((resolve) => {
          const p = spawn(process.execPath, [join(repoRoot, 'bin/supportal.js'), 'ingest'], { env: mtaEnv, stdio: ['pipe', 'ignore', 'ignore'] });
          p.stdin.end(mail);
          p.on('exit', resolve);
        });
        if (code !== 0) throw new Error(`supportal ingest exited ${code}`);
      }
    }),
  );
  return mails.length / ((performance.now() - t) / 1000);
}

async function benchDatabase(name: DatabaseName, pgServer: PostgresServer | null): Promise<{ results: DatabaseResults; rows: Array<[string, string, string]> }> {
  const dir = mkdtempSync(join(tmpdir(), 'supportal-bench-'));
  let databaseUrl = `sqlite:${join(dir, 'supportal.sqlite')}`;
  if (pgServer) {
    const dbName = `bench_${Date.now().toString(36)}`;
    const c = new pg.Client({ connectionString: pgServer.url });
    await c.connect();
    await c.query(`create database ${dbName}`);
    await c.end();
    const u = new URL(pgServer.url);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const dns = await startFixedDns({
    [CUSTOMER_DOMAIN]: { TXT: ['v=spf1 ip4:127.0.0.1 -all'], MX: [`mx.${CUSTOMER_DOMAIN}`] },
    [`_dmarc.${CUSTOMER_DOMAIN}`]: { TXT: ['v=DMARC1; p=quarantine'] },
  });
  const relay = await startRelay();
  const httpPort = await freePort();
  const smtpPort = await freePort();
  const env = {
    SUPPORTAL_DATA_DIR: dir,
    SUPPORTAL_DATABASE_URL: databaseUrl,
    SUPPORTAL_HTTP_PORT: String(httpPort),
    SUPPORTAL_SMTP_PORT: String(smtpPort),
    SUPPORTAL_SENDER_AUTH: 'on',
    SUPPORTAL_DNS_SERVERS: dns.address,
    SUPPORTAL_RELAY_URL: relay.url,
    SUPPORTAL_LOG_LEVEL: 'info',
    SUPPORTAL_MAIL_DOMAIN: 'support.example.com',
  };
  // Wall seconds per phase, printed as one row: where the run's own time goes (--quick must stay short).
  const phases: Array<[string, number]> = [];
  let phaseStart = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases.push([name, (now - phaseStart) / 1000]);
    phaseStart = now;
  };
  const { caseNos, customerIds, agentId } = await seedCustomers(env);
  const caseOf = (i: number) => caseNos[((i % CUSTOMERS) + CUSTOMERS) % CUSTOMERS]!;
  const sender = (i: number) => customerAddress(((i % CUSTOMERS) + CUSTOMERS) % CUSTOMERS);
  const logFile = join(dir, 'serve.log');
  let serve = startServe(env, logFile);
  const probe = await openProbe(databaseUrl);
  const rows: Array<[string, string, string]> = [];
  try {
    await waitReady(httpPort);
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: CONNECTIONS, maxMessages: Infinity });
    const acked = new Map<string, number>();
    const send = async (i: number, build: typeof smallReply, tag: string) => {
      const raw = build(((i % CUSTOMERS) + CUSTOMERS) % CUSTOMERS, caseOf(i), tag);
      await transport.sendMail({ envelope: { from: sender(i), to: [SUPPORT] }, raw });
      acked.set(`${tag}@${CUSTOMER_DOMAIN}`, performance.now());
    };
    const run = Date.now().toString(36);
    // Warm-up: JIT, the parse worker, the database cache.
    for (let i = 0; i < 50; i++) await send(-1 - i, smallReply, `warm-${run}-${i}`);
    await settled(probe);
    phase('setup');

    // 1. A 25 MB mail, on the warm process (the first one grows the allocator's arenas once).
    const measureBig = async (tag: string) => {
      const mail = bigMail(caseNos[0]!, `${run}-${tag}`);
      const client = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
      await sleep(300);
      writeFileSync(`/proc/${serve.pid}/clear_refs`, '5');
      const base = rssKb(serve.pid!, 'VmRSS');
      await client.sendMail({ envelope: { from: customerAddress(0), to: [SUPPORT] }, raw: mail });
      await settled(probe);
      client.close();
      return (rssKb(serve.pid!, 'VmHWM') - base) / 1024;
    };
    // serve runs under `sh -c exec`, so its pid is the node process's.
    await measureBig('first');
    const rss25 = await measureBig('second');
    phase('25mb');

    // 2. Small replies, as fast as 20 connections send them.
    let next = 0;
    const serveCpu0 = cpuMs(serve.pid!);
    const pgCpu0 = pgServer ? postgresCpuMs() : 0;
    const benchCpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS * 4 }, async () => {
        while (next < SIZE.small) {
          const i = next++;
          await send(i, smallReply, `small-${run}-${i}`);
        }
      }),
    );
    const tStored = performance.now();
    await settled(probe);
    const tDone = performance.now();
    const smallStored = SIZE.small / ((tStored - t0) / 1000);
    const smallDone = SIZE.small / ((tDone - t0) / 1000);
    // Where the 2 cores went: serve (main thread and parse worker) and this process (the SMTP
    // clients, the relay sink receiving the receipts, the DNS server answering the lookups).
    const serveCpuPerMail = (cpuMs(serve.pid!) - serveCpu0) / SIZE.small;
    const benchCpu = process.cpuUsage(benchCpu0);
    const benchCpuPerMail = (benchCpu.user + benchCpu.system) / 1000 / SIZE.small;
    const pgCpuPerMail = pgServer ? (postgresCpuMs() - pgCpu0) / SIZE.small : null;
    phase('small');

    // 3. Replies with a 1 MiB screenshot.
    let nextImage = 0;
    const ti = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (nextImage < SIZE.image) {
          const i = nextImage++;
          await send(SIZE.small + i, imageReply, `image-${run}-${i}`);
        }
      }),
    );
    await settled(probe);
    const imageDone = SIZE.image / ((performance.now() - ti) / 1000);
    phase('1mb');

    // 4. A steady 100 replies/s: receipts queued and sent.
    const steadySince = new Date().toISOString();
    const steadyTags: string[] = [];
    const steady: Array<Promise<void>> = [];
    const ts = performance.now();
    for (let i = 0; i < STEADY_RATE * SIZE.steadySeconds; i++) {
      const due = ts + (i * 1000) / STEADY_RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const tag = `steady-${run}-${i}`;
      steadyTags.push(`${tag}@${CUSTOMER_DOMAIN}`);
      steady.push(send(SIZE.small + SIZE.image + i, smallReply, tag));
    }
    await Promise.all(steady);
    await settled(probe);
    for (let i = 0; i < 200 && steadyTags.some((t) => !relay.arrivals.has(t)); i++) await sleep(50);
    const queued = (await probe.receiptQueuedMs(steadySince)).sort((a, b) => a - b);
    // A receipt the relay never got counts as the 10 s waited for it.
    const sentMs = steadyTags.map((t) => (relay.arrivals.has(t) ? relay.arrivals.get(t)! - acked.get(t)! : 10_000)).sort((a, b) => a - b);
    const unsent = steadyTags.filter((t) => !relay.arrivals.has(t)).length;
    transport.close();
    phase('steady');

    // 5. The MTA pipe, with serve running as it would.
    const pipeMails = Array.from({ length: SIZE.pipe }, (_, i) => smallReply(i % CUSTOMERS, caseOf(i), `pipe-${run}-${i}`));
    const pipe = await pipeRate(env, pipeMails, 2);
    await settled(probe);
    const outcomes = await probe.outcomes();
    phase('pipe');

    // 6. Reads on a big database: seeded while serve is stopped, then read through a fresh serve.
    await stopServe(serve);
    const ts0 = performance.now();
    await seedLarge(databaseUrl, { cases: SIZE.cases, messagesPerCase: SIZE.messagesPerCase, customerIds, agentId });
    const seedSeconds = (performance.now() - ts0) / 1000;
    phase('seed');
    serve = startServe(env, logFile);
    await waitReady(httpPort);
    let r = 1;
    const rand = () => (r = (r * 48271) % 2147483647) / 2147483647;
    const ownCases = Array.from({ length: Math.floor(SIZE.cases / CUSTOMERS) }, (_, k) => FIRST_SEEDED_CASE + k * CUSTOMERS);
    const http = await measureHttp({
      base: `http://127.0.0.1:${httpPort}`,
      requests: SIZE.requests,
      agent: { email: 'agent@support.example.com', password: PASSWORD },
      customer: { email: customerAddress(0), password: PASSWORD },
      anyCase: () => FIRST_SEEDED_CASE + Math.floor(rand() * SIZE.cases),
      ownCase: () => ownCases[Math.floor(rand() * ownCases.length)]!,
    });
    await stopServe(serve);
    phase('http');

    // 7. Start-up; 8. the references, on this process with serve stopped.
    const startup = measureStartup(env, caseNos[0]!, SIZE.startupRuns);
    phase('startup');
    const smallSample = Array.from({ length: Math.min(SIZE.small, 1000) }, (_, i) => smallReply(i % CUSTOMERS, caseOf(i), `ref-${i}`));
    const imageSample = Array.from({ length: SIZE.image }, (_, i) => imageReply(i % CUSTOMERS, caseOf(i), `ref-image-${i}`));
    const refSmall = await referenceRates(smallSample);
    const refImage = await referenceRates(imageSample);
    phase('references');

    const results: DatabaseResults = {
      smtp_small_per_s: smallDone,
      smtp_small_stored_per_s: smallStored,
      pipe_small_per_s: pipe,
      smtp_1mb_per_s: imageDone,
      receipt_queued_p99_ms: pct(queued, 0.99),
      receipt_sent_p50_ms: pct(sentMs, 0.5),
      receipt_sent_p99_ms: pct(sentMs, 0.99),
      rss_25mb_growth_mb: rss25,
      case_list_p95_ms: Math.max(http.agent.list, http.customer.list),
      case_page_p95_ms: Math.max(http.agent.page, http.customer.page),
      search_common_word_p95_ms: Math.max(http.agent.search, http.customer.search),
      startup_help_ratio: startup.helpRatio,
      ref_postal_mime_small_per_s: refSmall.postalMime,
      ref_mailparser_small_per_s: refSmall.mailparser,
      ref_postal_mime_1mb_per_s: refImage.postalMime,
      ref_mailparser_1mb_per_s: refImage.mailparser,
    };
    for (const f of RESULT_FIELDS) results[f] = roundFigure(results[f]);
    rows.push(
      ['mails', `${SIZE.small} small, ${SIZE.image} × 1 MiB, ${STEADY_RATE}/s × ${SIZE.steadySeconds} s, ${SIZE.pipe} piped`, ''],
      ['outcomes', JSON.stringify(outcomes), ''],
      [`CPU per small reply: serve / bench clients${pgCpuPerMail === null ? '' : ' / PostgreSQL'}`, `${serveCpuPerMail.toFixed(2)} / ${benchCpuPerMail.toFixed(2)}${pgCpuPerMail === null ? '' : ` / ${pgCpuPerMail.toFixed(2)}`} ms`, ''],
      ['receipts not sent in the steady phase', String(unsent), '0'],
      ['DNS questions answered', String(dns.queries), ''],
      [`seeded ${SIZE.cases} cases, ${SIZE.cases * SIZE.messagesPerCase} messages`, `${seedSeconds.toFixed(0)} s`, ''],
      ['agent: list / page / search p95 ms', `${http.agent.list.toFixed(1)} / ${http.agent.page.toFixed(1)} / ${http.agent.search.toFixed(1)}`, ''],
      ['customer: list / page / search p95 ms', `${http.customer.list.toFixed(1)} / ${http.customer.page.toFixed(1)} / ${http.customer.search.toFixed(1)}`, ''],
      ...startup.rows,
      ['phases, s', phases.map(([n, sec]) => `${n} ${sec.toFixed(1)}`).join(', '), ''],
    );
    return { results, rows };
  } finally {
    await stopServe(serve);
    await probe.close();
    await relay.stop();
    await dns.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(name: string, r: DatabaseResults, rows: Array<[string, string, string]>): void {
  console.log(`\nSupportal benchmark: ${name}, one serve process, ${cpus().length} cores${quick ? ' (--quick)' : ''}`);
  for (const f of RESULT_FIELDS) {
    const t = TARGETS[f];
    const verdict = t ? ((t.op === '>=' ? r[f] >= t.value : r[f] <= t.value) ? 'met' : 'MISSED') : '';
    console.log(`${f.padEnd(30)} ${String(r[f]).padStart(10)}  ${t ? `${t.text} ${verdict}` : ''}`);
  }
  const share = (100 * r.smtp_small_per_s) / r.ref_postal_mime_small_per_s;
  console.log(`${'share of postal-mime (small)'.padEnd(30)} ${`${share.toFixed(1)} %`.padStart(10)}  ≥ 10 % ${share >= 10 ? 'met' : 'MISSED'}`);
  const imageRatio = r.smtp_1mb_per_s / r.ref_mailparser_1mb_per_s;
  console.log(`${'1 MiB: × mailparser'.padEnd(30)} ${`${imageRatio.toFixed(2)} ×`.padStart(10)}  ≥ 2 × ${imageRatio >= 2 ? 'met' : 'MISSED'}`);
  for (const [k, v, t] of rows) console.log(`${k.padEnd(44)} ${v.padStart(10)}  ${t}`);
}

const results: BenchResults = { at: new Date().toISOString(), machine: { cpus: cpus().length, node: process.version, loadAverage1m: loadavg()[0]! }, quick };
const started = performance.now();
let pgServer: PostgresServer | null = null;
try {
  for (const d of databases) {
    if (d === 'postgres') pgServer = await startPostgres({ durable: true });
    const { results: r, rows } = await benchDatabase(d, d === 'postgres' ? pgServer : null);
    results[d] = r;
    printTable(d, r, rows);
  }
} finally {
  pgServer?.stop();
}
writeResults(out, results);
console.log(`\nbench: ${out} written in ${((performance.now() - started) / 1000).toFixed(0)} s`);
