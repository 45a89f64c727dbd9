/**
 * `npm run bench`: end-to-end figures of the inbound path on this machine, printed as a table.
 *
 *  1. replies/s: N small replies from 200 customers about their cases, sent over SMTP (20
 *     connections) to a real `serve` process on SQLite; measured from the first MAIL FROM to the
 *     last 250 (stored durably), and to the last outcome (processed, receipt queued).
 *  2. receipt latency: time from a mail's receipt to its receipt being queued (p50/p99).
 *  3. a 25 MiB mail, and four at once, first on the fresh process: serve's peak RSS growth while
 *     receiving and processing them (the kernel's high-water mark, reset before each).
 *  4. startup: the compiled `supportal` command (bin/supportal.js → dist/) for `--help`,
 *     `print-config` and `ingest` of one small reply, as a ratio to `node -e 0` measured in the
 *     same run (median wall time of BENCH_STARTUP_RUNS each, interleaved), and peak RSS.
 *     BENCH_STARTUP_ONLY=1 measures only this.
 * Targets (DEVELOPERS handbook): ≥ 1,000 replies/s, receipts queued within 1 s; startup of
 * `--help` and `print-config` ≤ 5 × `node -e 0`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import Database from 'better-sqlite3';
import { freePort } from '../test/support/postgres.js';
import { repoRoot } from '../test/support/corpus.js';
import { rgbPng } from '../test/support/png.js';

const N = Number(process.env.BENCH_MAILS ?? 3000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 200);

/** Creates `count` customers (bench-0@…, bench-1@…) with one open case each; their case numbers. */
async function seedCustomers(env: Record<string, string>, count: number): Promise<number[]> {
  Object.assign(process.env, env);
  const { createRuntime } = await import('../src/composition.js');
  const { addUser } = await import('../src/app/users.js');
  const { openCase } = await import('../src/app/cases.js');
  const rt = await createRuntime({ createSecret: true, migrate: true });
  try {
    const numbers: number[] = [];
    for (let k = 0; k < count; k++) {
      await addUser(rt.ctx, { role: 'customer', email: `bench-${k}@kunde.example`, name: `Bench ${k}`, lang: k % 2 ? 'de' : 'en' });
      numbers.push((await openCase(rt.ctx, { customer: `bench-${k}@kunde.example`, subject: `Bench ${k}`, body: 'x' })).number);
    }
    return numbers;
  } finally {
    await rt.close();
  }
}
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 9);

/**
 * Wall time, CPU time (user + system) and peak RSS of the compiled command against `node -e 0`,
 * run alternately so that a busy machine slows both alike; medians of STARTUP_RUNS. Every run,
 * the baseline too, imports one data: URL module that reports CPU and RSS at exit. The headline
 * is the wall-time ratio; CPU time is the steadier figure on a machine shared with other work.
 */
function measureStartup(env: Record<string, string>, caseNo: number): Array<[string, string, string]> {
  const bin = join(repoRoot, 'bin/supportal.js');
  const report = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('startup-usage='+u.maxRSS+','+(u.userCPUTime+u.systemCPUTime)+'\\n')})`;
  let n = 0;
  const mail = () =>
    Buffer.from(
      `From: bench-0@kunde.example\r\nTo: support@support.example.com\r\nSubject: Re: [Case #${caseNo}] Bench\r\nMessage-ID: <startup-${n++}-${Date.now()}@kunde.example>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nA small reply.\r\n`,
    );
  const cases: Array<{ name: string; args: string[]; input?: () => Buffer; target: string }> = [
    { name: 'node -e 0', args: ['-e', '0'], target: '' },
    { name: 'supportal --help', args: [bin, '--help'], target: '(≤ 5 ×)' },
    { name: 'supportal print-config', args: [bin, 'print-config'], target: '(≤ 5 ×)' },
    { name: 'supportal ingest (one small reply)', args: [bin, 'ingest'], input: mail, target: '' },
  ];
  const samples = cases.map(() => ({ wall: [] as number[], cpu: [] as number[], rss: [] as number[] }));
  for (let i = 0; i < STARTUP_RUNS; i++) {
    cases.forEach((c, k) => {
      const input = c.input?.();
      const t = performance.now();
      const r = spawnSync(process.execPath, ['--import', report, ...c.args], { env: { ...process.env, ...env }, input, encoding: 'utf8' });
      const wall = performance.now() - t;
      const usage = /startup-usage=(\d+),(\d+)/.exec(r.stderr);
      if (r.status !== 0 || !usage) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
      samples[k]!.wall.push(wall);
      samples[k]!.rss.push(Number(usage[1]) / 1024);
      samples[k]!.cpu.push(Number(usage[2]) / 1000);
    });
  }
  const median = (xs: number[]) => pct([...xs].sort((a, b) => a - b), 0.5);
  const base = { wall: median(samples[0]!.wall), cpu: median(samples[0]!.cpu) };
  return cases.map((c, k) => {
    const m = { wall: median(samples[k]!.wall), cpu: median(samples[k]!.cpu), rss: median(samples[k]!.rss) };
    return [
      `startup: ${c.name}`,
      k === 0 ? `${m.wall.toFixed(0)} ms` : `${(m.wall / base.wall).toFixed(1)} ×`,
      `${k === 0 ? '' : `${m.wall.toFixed(0)} ms; CPU ${(m.cpu / base.cpu).toFixed(1)} ×, `}${k === 0 ? `CPU ${m.cpu.toFixed(0)} ms, ` : `${m.cpu.toFixed(0)} ms; `}${m.rss.toFixed(0)} MiB peak RSS ${c.target}`.trim(),
    ];
  });
}

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** A valid PNG of noise, stored uncompressed (~3 bytes a pixel), as a screenshot nearly is. */
function noisePng(width: number, height: number): Buffer {
  return rgbPng(width, height, () => randomBytes(width * 3), 0);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'supportal-bench-'));
  const httpPort = await freePort();
  const smtpPort = await freePort();
  const env = {
    SUPPORTAL_DATA_DIR: dir,
    SUPPORTAL_HTTP_PORT: String(httpPort),
    SUPPORTAL_SMTP_PORT: String(smtpPort),
    SUPPORTAL_SENDER_AUTH: 'off',
    SUPPORTAL_LOG_LEVEL: 'warn',
    SUPPORTAL_MAIL_DOMAIN: 'support.example.com',
  };
  // Customers, each with an open case, as a help desk has them: replies come from many senders
  // about many cases (one sender at 1,000 mails/s would be a loop, stopped by the hourly cap).
  const caseNos = await seedCustomers(env, CUSTOMERS);
  const caseNo = caseNos[0]!;
  const startup = measureStartup(env, caseNo);
  if (process.env.BENCH_STARTUP_ONLY) {
    console.log('\nSupportal startup (compiled command, this machine)');
    for (const [k, v, t] of startup) console.log(`${k.padEnd(44)} ${v.padStart(10)}  ${t}`);
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  const sender = (i: number) => `bench-${((i % CUSTOMERS) + CUSTOMERS) % CUSTOMERS}@kunde.example`;
  // BENCH_CPU_PROFILE=DIR: serve writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const serve = spawn(process.execPath, [...profile, join(repoRoot, 'bin/supportal.js'), 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${httpPort}/readyz`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      if (i > 300) throw new Error('serve did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: CONNECTIONS, maxMessages: Infinity });
    const mail = (i: number) =>
      Buffer.from(
        `From: Bench <${sender(i)}>\r\nTo: support@support.example.com\r\nSubject: Re: [Case #${caseNos[((i % CUSTOMERS) + CUSTOMERS) % CUSTOMERS]}] Bench\r\nMessage-ID: <bench-${i}-${Date.now()}@kunde.example>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nReply number ${i}.\r\n\r\nOn Tue, Support wrote:\r\n> earlier text\r\n`,
      );
    const db = new Database(join(dir, 'supportal.sqlite'), { readonly: true });
    const settled = async () => {
      for (;;) {
        const left = (db.prepare(`select count(*) n from inbound_mails where status = 'received'`).get() as { n: number }).n;
        if (left === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    // Warm up (JIT, the parse worker, the SQLite cache), so that the big mails below measure
    // only what a big mail costs.
    for (let i = 0; i < 50; i++) await transport.sendMail({ envelope: { from: sender(-1 - i), to: ['support@support.example.com'] }, raw: mail(-1 - i) });
    await settled();

    // Big mails first, on the fresh process: a realistic 25 MB mail is a short text and an 18 MiB
    // screenshot (PNG), base64 (≈ 24.4 MiB on the wire; the size limit is 25 MiB).
    const png = noisePng(2500, 2500);
    const b64 = png.toString('base64').replace(/(.{76})/g, '$1\r\n');
    const bigMail = (tag: string) =>
      Buffer.from(
        `From: bench-0@kunde.example\r\nTo: support@support.example.com\r\nSubject: Re: [Case #${caseNo}] big\r\nMessage-ID: <big-${tag}-${Date.now()}@kunde.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nScreenshot attached.\r\n--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=screen.png\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--b--\r\n`,
      );
    const bigMiB = (bigMail('size').length / 1048576).toFixed(1);
    // Peak RSS growth of serve while it receives and processes `count` big mails at once. The
    // kernel's high-water mark is reset first (clear_refs 5), so earlier peaks do not hide it.
    const measureBig = async (count: number) => {
      const mails = Array.from({ length: count }, (_, i) => bigMail(`${count}-${i}-${Math.random().toString(36).slice(2)}`));
      const senders = mails.map(() => nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true }));
      await new Promise((r) => setTimeout(r, 500));
      writeFileSync(`/proc/${serve.pid}/clear_refs`, '5');
      const base = rssKb(serve.pid!, 'VmRSS');
      const t = performance.now();
      await Promise.all(mails.map((raw, i) => senders[i]!.sendMail({ envelope: { from: 'bench-0@kunde.example', to: ['support@support.example.com'] }, raw })));
      await settled();
      const seconds = (performance.now() - t) / 1000;
      const growthMiB = (rssKb(serve.pid!, 'VmHWM') - base) / 1024;
      for (const s of senders) s.close();
      const ids = mails.map((m) => /Message-ID: <([^>]+)>/.exec(m.toString('latin1', 0, 2000))![1]!.toLowerCase());
      const outcomes = db.prepare(`select status || coalesce('/' || reason, '') o from inbound_mails where message_id in (${ids.map(() => '?').join(',')})`).all(...ids) as Array<{ o: string }>;
      return { seconds, growthMiB, outcomes: outcomes.map((r) => r.o).join(' ') };
    };
    // The first big mail after start grows the allocator's arenas and the parse worker's heap
    // once; that memory stays and is reused. Measured separately from the cost of each mail.
    const first = await measureBig(1);
    const one = await measureBig(1);
    const four = await measureBig(4);

    const rssBefore = rssKb(serve.pid!, 'VmRSS');
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS * 4 }, async () => {
        while (next < N) {
          const i = next++;
          await transport.sendMail({ envelope: { from: sender(i), to: ['support@support.example.com'] }, raw: mail(i) });
        }
      }),
    );
    const tStored = performance.now();
    await settled();
    const tDone = performance.now();
    const outcomes = db.prepare(`select status, count(*) n from inbound_mails group by status`).all();
    const lat = (db.prepare(`select (julianday(o.created_at) - julianday(i.received_at)) * 86400000 ms from outbound_mails o join inbound_mails i on i.id = o.inbound_mail_id where o.kind = 'receipt'`).all() as Array<{ ms: number }>).map((r) => r.ms).sort((a, b) => a - b);
    // Receipt latency at a steady rate the machine sustains (the burst above measures backlog).
    const RATE = Number(process.env.BENCH_STEADY_RATE ?? 100);
    const steadyStart = new Date().toISOString();
    const steady: Array<Promise<unknown>> = [];
    const ts0 = performance.now();
    for (let i = 0; i < RATE * 5; i++) {
      const due = ts0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      steady.push(transport.sendMail({ envelope: { from: sender(N + i), to: ['support@support.example.com'] }, raw: mail(N + i) }));
    }
    await Promise.all(steady);
    for (;;) {
      const left = (db.prepare(`select count(*) n from inbound_mails where status = 'received'`).get() as { n: number }).n;
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const steadyLat = (db.prepare(`select (julianday(o.created_at) - julianday(i.received_at)) * 86400000 ms from outbound_mails o join inbound_mails i on i.id = o.inbound_mail_id where o.kind = 'receipt' and i.received_at >= ?`).all(steadyStart) as Array<{ ms: number }>).map((r) => r.ms).sort((a, b) => a - b);
    transport.close();
    db.close();

    const rows: Array<[string, string, string]> = [
      ['small replies sent', `${N} from ${CUSTOMERS} customers`, ''],
      ['stored (250) per second', (N / ((tStored - t0) / 1000)).toFixed(0), '≥ 1000'],
      ['processed end to end per second', (N / ((tDone - t0) / 1000)).toFixed(0), '≥ 1000'],
      ['outcomes', JSON.stringify(outcomes), ''],
      ['burst: receipt queued after receipt p50 ms', pct(lat, 0.5).toFixed(0), '(backlog)'],
      [`steady ${RATE}/s: receipt queued p50 ms`, pct(steadyLat, 0.5).toFixed(0), ''],
      [`steady ${RATE}/s: receipt queued p99 ms`, pct(steadyLat, 0.99).toFixed(0), '≤ 1000'],
      ['serve RSS before load MiB', (rssBefore / 1024).toFixed(0), ''],
      [`first ${bigMiB} MiB mail after start: peak RSS growth MiB`, first.growthMiB.toFixed(0), '(one-time)'],
      [`${bigMiB} MiB mail: outcome`, one.outcomes, 'accepted'],
      [`${bigMiB} MiB mail: seconds to outcome`, one.seconds.toFixed(2), ''],
      [`${bigMiB} MiB mail: peak RSS growth MiB`, one.growthMiB.toFixed(0), `≤ 2 × ${bigMiB}`],
      [`4 × ${bigMiB} MiB mails at once: seconds to outcomes`, four.seconds.toFixed(2), ''],
      [`4 × ${bigMiB} MiB mails at once: peak RSS growth MiB`, four.growthMiB.toFixed(0), ''],
      ...startup,
    ];
    console.log('\nSupportal benchmark (SQLite, one serve process, this machine)');
    for (const [k, v, t] of rows) console.log(`${k.padEnd(44)} ${v.padStart(10)}  ${t}`);
  } finally {
    serve.kill('SIGTERM');
    await new Promise((r) => serve.on('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
