/**
 * The SMTP command layer under generated sessions: a real `serve` (its SMTP listener and the
 * whole pipeline, on SQLite), fed over loopback with sequences of valid, half-valid and garbage
 * commands, bare CR or LF line ends, overlong lines and mutated corpus mails as DATA. After the
 * run the listener must still greet and answer, and the stored mails must be exactly those the
 * clients saw acknowledged ("stored as …"): nothing cut off mid-DATA is kept.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { freshDatabaseUrl } from '../support/databases.js';
import { freePort } from '../support/postgres.js';
import { startServer } from '../../src/server.js';
import { corpusMailFiles } from '../support/corpus.js';
import { readFileSync, statSync } from 'node:fs';
import { applyMutations } from './mutations.js';
import type { FuzzRun } from './run-fuzz.js';

const SUPPORT = 'support@support.example.com';

let transactions = 0;

type Line = { text: Buffer; end: '\r\n' | '\n' | '\r' | '' };

const addr = fc.oneof(fc.constant(SUPPORT), fc.constant('jane@customer.example'), fc.constant(''), fc.string({ maxLength: 40 }), fc.constant('a@[127.0.0.1]'), fc.constant('"a b"@x.example'));
const verb = fc.constantFrom('EHLO', 'HELO', 'LHLO', 'MAIL FROM:', 'RCPT TO:', 'DATA', 'BDAT', 'RSET', 'NOOP', 'VRFY', 'EXPN', 'HELP', 'QUIT', 'STARTTLS', 'AUTH PLAIN', 'AUTH LOGIN', 'XCLIENT', 'mail from:', 'rcpt to:');

function commandLine(mails: Buffer[]): fc.Arbitrary<Line[]> {
  const end = fc.constantFrom<Line['end']>('\r\n', '\r\n', '\r\n', '\n', '\r', '');
  const plain = fc.tuple(verb, fc.oneof(addr.map((a) => `<${a}>`), fc.string({ maxLength: 60 }), fc.constant(' SIZE=999999999'), fc.constant(' BODY=8BITMIME SMTPUTF8')), end).map(([v, arg, e]) => [{ text: Buffer.from(`${v}${arg}`, 'utf8'), end: e }]);
  const garbage = fc.tuple(fc.uint8Array({ maxLength: 200 }), end).map(([bytes, e]) => [{ text: Buffer.from(bytes), end: e }]);
  const overlong = fc.tuple(fc.integer({ min: 1000, max: 40_000 }), end).map(([n, e]) => [{ text: Buffer.alloc(n, 0x41), end: e }]);
  // A whole transaction with a mutated corpus mail, so that DATA is really reached.
  const transaction = fc
    .record({
      mail: fc.nat({ max: mails.length - 1 }),
      mutations: fc.array(fc.record({ kind: fc.constantFrom('flip' as const, 'truncate' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }), { maxLength: 3 }),
      finish: fc.constantFrom('dot', 'dot', 'dot', 'none', 'bare-lf-dot'),
    })
    .map(({ mail, mutations, finish }) => {
      const n = ++transactions;
      const mutated = applyMutations(mails[mail]!, mutations, mails, 64 * 1024)
        .toString('latin1')
        .split(/\r?\n/)
        .map((l) => (l.startsWith('.') ? `.${l}` : l))
        .join('\r\n');
      // Marks outside the mutated bytes: a stored mail must end with its own end mark (whole, not cut off).
      const body = `X-Fuzz-Id: ${n}\r\n${mutated}\r\nfuzz-end-${n}`;
      const lines: Line[] = [
        { text: Buffer.from('MAIL FROM:<jane@customer.example>'), end: '\r\n' },
        { text: Buffer.from(`RCPT TO:<${SUPPORT}>`), end: '\r\n' },
        { text: Buffer.from('DATA'), end: '\r\n' },
        { text: Buffer.from(body, 'latin1'), end: '\r\n' },
      ];
      if (finish === 'dot') lines.push({ text: Buffer.from('.'), end: '\r\n' });
      if (finish === 'bare-lf-dot') lines.push({ text: Buffer.from('.'), end: '\n' });
      return lines;
    });
  return fc.oneof({ arbitrary: plain, weight: 5 }, { arbitrary: garbage, weight: 2 }, { arbitrary: overlong, weight: 1 }, { arbitrary: transaction, weight: 3 });
}

export function smtpSession(mails: Buffer[]): fc.Arbitrary<Line[]> {
  return fc
    .tuple(fc.constantFrom('EHLO fuzz.example', 'HELO fuzz.example', ''), fc.array(commandLine(mails), { maxLength: 12 }))
    .map(([greeting, commands]) => [...(greeting ? [{ text: Buffer.from(greeting), end: '\r\n' as const }] : []), ...commands.flat()]);
}

/** Sends a session, half-closes, and collects every reply until the server closes (or 5 s pass). */
function converse(port: number, lines: Line[]): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const replies: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 5000);
    let sent = false;
    // Commands go out after the greeting: smtp-server drops a client that talks first, before
    // any of its commands is read.
    socket.on('data', (d: Buffer) => {
      replies.push(d);
      if (!sent && /^220 /m.test(Buffer.concat(replies).toString('latin1'))) {
        sent = true;
        socket.write(Buffer.concat(lines.flatMap((l) => [l.text, Buffer.from(l.end, 'latin1')])));
        socket.end();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(replies).toString('latin1'));
    });
  });
}

async function greets(port: number): Promise<boolean> {
  const answer = await converse(port, [
    { text: Buffer.from('EHLO check.example'), end: '\r\n' },
    { text: Buffer.from('NOOP'), end: '\r\n' },
    { text: Buffer.from('QUIT'), end: '\r\n' },
  ]);
  return /^220 /m.test(answer) && /^250[ -]/m.test(answer) && /^221 /m.test(answer);
}

export async function runSmtpFuzz(opts: { timeLimitMs: number; seed?: number }): Promise<FuzzRun> {
  const mails = corpusMailFiles()
    .filter((p) => statSync(p).size <= 16 * 1024)
    .map((p) => readFileSync(p));
  const db = await freshDatabaseUrl('sqlite');
  const port = await freePort();
  const server = await startServer({
    env: {
      SUPPORTAL_DATA_DIR: db.dataDir,
      SUPPORTAL_DATABASE_URL: db.url,
      SUPPORTAL_HTTP_PORT: String(await freePort()),
      SUPPORTAL_SMTP_PORT: String(port),
      SUPPORTAL_MAIL_DOMAIN: 'support.example.com',
      SUPPORTAL_PUBLIC_URL: 'https://portal.example.com',
      SUPPORTAL_SECRET: 'smtp-fuzz-secret-0123456789-abcdefgh',
      SUPPORTAL_SENDER_AUTH: 'off',
      SUPPORTAL_MAX_MESSAGE_BYTES: '200000',
      SUPPORTAL_LOG_LEVEL: 'silent',
    },
  });
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const acknowledged = new Set<string>();
  let unacknowledgedStored = 0;
  let inputs = 0;
  const started = Date.now();
  try {
    const result = await fc.check(
      fc.asyncProperty(smtpSession(mails), async (lines) => {
        inputs++;
        const answer = await converse(port, lines);
        for (const m of answer.matchAll(/^250[ -].*stored as ([0-9a-f-]{36})/gm)) acknowledged.add(m[1]!);
        if (!(await greets(port))) throw new Error('the SMTP listener no longer greets and answers after this session');
      }),
      { seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: opts.timeLimitMs, markInterruptAsFailure: false, endOnFailure: true },
    );
    let failure: FuzzRun['failure'] = null;
    if (result.failed && result.counterexample) {
      const [lines] = result.counterexample;
      failure = { input: Buffer.concat(lines.flatMap((l) => [l.text, Buffer.from(l.end, 'latin1')])), message: String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance), file: null };
    } else {
      const stored = await server.runtime.ctx.store.inbound.list({ limit: 1_000_000 });
      const missing = [...acknowledged].filter((id) => !stored.some((m) => m.id === id));
      // A mail may be stored whole without the client seeing its 250 (the server cut the
      // connection after DATA, over a later overlong line): SMTP's own duplicate case, which
      // the client's retry and deduplication settle. Stored but cut off is a failure.
      const cutOff: string[] = [];
      for (const m of stored) {
        const raw = await server.runtime.ctx.store.inbound.raw(m.id);
        const text = raw?.toString('latin1') ?? '';
        // DATA that never got its dot takes the next transaction's commands and mail into it, up
        // to that one's dot: whole means ending at an end mark, its own or a later one.
        if (raw !== null && !/fuzz-end-\d+$/.test(text.trimEnd())) cutOff.push(m.id);
      }
      if (missing.length > 0 || cutOff.length > 0) {
        failure = { input: Buffer.alloc(0), message: `stored ${stored.length} mails, acknowledged ${acknowledged.size}: ${missing.length} acknowledged but not stored, ${cutOff.length} stored cut off (${cutOff.slice(0, 3).join(', ')})`, file: null };
      }
      unacknowledgedStored = stored.filter((m) => !acknowledged.has(m.id)).length;
    }
    return { target: `smtp (${acknowledged.size} acknowledged, ${unacknowledgedStored} unacknowledged)`, seed, inputs, ms: Date.now() - started, failure };
  } finally {
    await server.stop();
    db.cleanup();
  }
}
