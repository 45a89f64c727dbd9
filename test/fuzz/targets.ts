/**
 * What the fuzzers attack, and what each may do with any input (issue "Faults and fuzzing", §2):
 * - end normally or throw one of our own typed errors, nothing else;
 * - stay within its CPU budget (the per-mail parse budget, 2 s, for the MIME parser; for the
 *   rest far less, as they see only parts of a mail);
 * - keep its output within a bound of its input, so that no input can grow memory without end;
 * - for the splitters and the pre-scan: take linear time (see `linear` below).
 *
 * Seeds are the real-world files of test/corpus (MANIFEST.md); nobody here wrote them.
 */
import { readFileSync, statSync } from 'node:fs';
import { corpusDir, corpusMailFiles, filesUnder } from '../support/corpus.js';
import { parseMail } from '../../src/inbound/parse/mime-parser.js';
import { MailLoopError, MalformedMailError } from '../../src/inbound/parse/parse-errors.js';
import { DEFAULT_PARSE_LIMITS } from '../../src/inbound/parse/parse-limits.js';
import { PreScanner, preScan } from '../../src/inbound/parse/pre-scan.js';
import { decodeTnef, TnefError } from '../../src/inbound/parse/tnef.js';
import { CompressedRtfError, decompressRtf } from '../../src/inbound/parse/lzfu.js';
import { inspectZip } from '../../src/inbound/attachments/inspect-zip.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../src/domain/attachment-policy.js';
import { splitReply } from '../../src/domain/reply-text.js';
import { splitReplyHtml } from '../../src/domain/reply-html.js';
import { splitCustomerReply } from '../../src/domain/reply.js';
import { parseBounce } from '../../src/domain/bounce.js';
import { HTML_REPLY_TOKENS, MIME_TOKENS, TEXT_REPLY_TOKENS, TNEF_TOKENS, ZIP_TOKENS } from './mutations.js';

export interface FuzzTarget {
  name: string;
  /** Files read as seeds, each whole. */
  seeds(): Buffer[];
  tokens: readonly Buffer[];
  /** Inputs are cut to this many bytes: big enough for every structure, small enough for many runs a second. */
  maxBytes: number;
  /** CPU milliseconds one input may take. */
  cpuBudgetMs: number;
  run(input: Buffer): unknown;
  /** Our own typed errors: what the caller of this code expects and turns into a reason code. */
  isOwnError(err: unknown): boolean;
  /** A description of what is wrong with this output for this input, or null. */
  checkOutput?(input: Buffer, output: unknown): string | null;
  /**
   * A synchronous run whose cost must grow linearly with the input: the property runs it on an
   * input and on the same input repeated many times, and compares CPU times.
   */
  linear?(input: Buffer): unknown;
}

const KIB = 1024;
const MIB = 1024 * KIB;

function readAll(paths: string[], maxBytes = Infinity): Buffer[] {
  return paths.filter((p) => statSync(p).size <= maxBytes).map((p) => readFileSync(p));
}

let mailSeeds: Buffer[] | undefined;
/** Every whole corpus mail up to 64 KiB (the larger ones only slow each run down). */
function mails(): Buffer[] {
  mailSeeds ??= readAll(corpusMailFiles(), 64 * KIB);
  return mailSeeds;
}

function tnefSeeds(): Buffer[] {
  return readAll([...filesUnder(corpusDir('verdammelt-tnef'), (n) => n.endsWith('.tnef')), ...filesUnder(corpusDir('mimekit/UnitTests/TestData/tnef'), (n) => n.endsWith('.tnef') || n.endsWith('.dat'))], 256 * KIB);
}

/**
 * Compressed RTF streams as Outlook wrote them: cut out of the corpus's TNEF files at their
 * "LZFu" or "MELA" magic (MS-OXRTFCP 2.1.3.1: the magic is the third 32-bit field of the header).
 */
function compressedRtfSeeds(): Buffer[] {
  const out: Buffer[] = [];
  for (const tnef of tnefSeeds()) {
    for (const magic of ['LZFu', 'MELA']) {
      let at = tnef.indexOf(magic, 0, 'latin1');
      while (at >= 8) {
        const compSize = tnef.readUInt32LE(at - 8);
        out.push(tnef.subarray(at - 8, Math.min(tnef.length, at - 4 + compSize)));
        at = tnef.indexOf(magic, at + 4, 'latin1');
      }
    }
  }
  return out;
}

function textReplySeeds(): Buffer[] {
  const txt = (n: string): boolean => n.endsWith('.txt');
  return readAll([
    ...filesUnder(corpusDir('discourse-email_reply_trimmer'), txt),
    ...filesUnder(corpusDir('crisp-oss-email-reply-parser'), txt),
    ...filesUnder(corpusDir('github-email_reply_parser'), txt),
    ...filesUnder(corpusDir('willdurand-EmailReplyParser'), txt),
    ...filesUnder(corpusDir('fiedl-extended_email_reply_parser'), (n) => n.endsWith('.txt') || n.endsWith('.eml')),
  ]);
}

function htmlReplySeeds(): Buffer[] {
  const files = readAll(filesUnder(corpusDir('closeio-quotequail'), (n) => n.endsWith('.html')));
  // The HTML bodies of the corpus mails too, as they stand in the raw mail.
  const fromMails = mails()
    .map((m) => /<html[\s\S]*?<\/html>/i.exec(m.toString('latin1'))?.[0])
    .filter((h): h is string => h !== undefined)
    .map((h) => Buffer.from(h, 'latin1'));
  return [...files, ...fromMails];
}

function zipSeeds(): Buffer[] {
  return readAll(filesUnder(corpusDir('yauzl-zip'), (n) => n.endsWith('.zip')), 256 * KIB);
}

const isParseError = (err: unknown): boolean => err instanceof MalformedMailError || err instanceof MailLoopError;
const noErrorIsOurs = (): boolean => false;

/** Header lines of a raw mail, as cheaply as the bounce reader's callers could have them. */
function roughHeaders(raw: Buffer): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  for (const line of (end < 0 ? text : text.slice(0, end)).split(/\r?\n(?![ \t])/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}

function textLength(value: string | null | undefined): number {
  return value?.length ?? 0;
}

export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  {
    name: 'mime-parse',
    seeds: mails,
    tokens: MIME_TOKENS,
    maxBytes: 256 * KIB,
    cpuBudgetMs: DEFAULT_PARSE_LIMITS.cpuBudgetMs,
    run: (input) => parseMail(input),
    isOwnError: isParseError,
    checkOutput(input, output) {
      const mail = output as Awaited<ReturnType<typeof parseMail>>;
      // Decoding only shrinks (base64, quoted-printable) or widens a little (a charset to
      // UTF-16 strings); TNEF inside can carry compressed RTF, which lzfu.ts caps at 32 MiB.
      const produced = textLength(mail.text) + textLength(mail.html) + mail.attachments.reduce((n, a) => n + a.content.length, 0);
      return produced > 8 * input.length + 64 * MIB ? `produced ${produced} bytes from ${input.length}` : null;
    },
  },
  {
    name: 'pre-scan',
    seeds: mails,
    tokens: MIME_TOKENS,
    maxBytes: 256 * KIB,
    cpuBudgetMs: 250,
    run(input) {
      const whole = preScan(input, DEFAULT_PARSE_LIMITS);
      // Fed in small chunks, the scanner must decide exactly as over the whole buffer.
      const scanner = new PreScanner(DEFAULT_PARSE_LIMITS);
      const kept: Buffer[] = [];
      const step = 1 + (input.length % 997);
      // One chunk of a mail of many short lines can hand back more pieces than a spread takes as arguments.
      const keep = (pieces: Buffer[]) => {
        for (const piece of pieces) kept.push(piece);
      };
      for (let at = 0; at < input.length && scanner.cutAt === null; at += step) keep(scanner.push(input.subarray(at, at + step)));
      keep(scanner.end());
      return { whole, chunked: { raw: Buffer.concat(kept), problems: scanner.problems } };
    },
    isOwnError: isParseError,
    checkOutput(_input, output) {
      const { whole, chunked } = output as { whole: { raw: Buffer; problems: string[] }; chunked: { raw: Buffer; problems: string[] } };
      if (!whole.raw.equals(chunked.raw)) return `chunked scan kept ${chunked.raw.length} bytes, whole scan ${whole.raw.length}`;
      if (whole.problems.join('|') !== chunked.problems.join('|')) return `problems differ: ${whole.problems.join('|')} / ${chunked.problems.join('|')}`;
      return null;
    },
    linear: (input) => preScan(input, DEFAULT_PARSE_LIMITS),
  },
  {
    name: 'tnef',
    seeds: tnefSeeds,
    tokens: TNEF_TOKENS,
    maxBytes: 256 * KIB,
    cpuBudgetMs: 500,
    run: (input) => decodeTnef(input),
    isOwnError: (err) => err instanceof TnefError || err instanceof CompressedRtfError,
    checkOutput(input, output) {
      const content = output as ReturnType<typeof decodeTnef>;
      const produced = textLength(content.text) + textLength(content.html) + content.attachments.reduce((n, a) => n + a.content.length, 0);
      return produced > 4 * input.length + 33 * MIB ? `produced ${produced} bytes from ${input.length}` : null;
    },
  },
  {
    name: 'lzfu',
    seeds: compressedRtfSeeds,
    tokens: TNEF_TOKENS,
    maxBytes: 64 * KIB,
    cpuBudgetMs: 500,
    run: (input) => decompressRtf(input, 4 * MIB),
    isOwnError: (err) => err instanceof CompressedRtfError,
    checkOutput: (_input, output) => ((output as Buffer).length > 4 * MIB ? `decompressed ${(output as Buffer).length} bytes past the 4 MiB cap` : null),
  },
  {
    name: 'zip',
    seeds: zipSeeds,
    tokens: ZIP_TOKENS,
    maxBytes: 256 * KIB,
    cpuBudgetMs: 1000,
    run: (input) => inspectZip(input, DEFAULT_ATTACHMENT_POLICY.zip),
    // inspectZip turns every refusal into a report: it may throw nothing.
    isOwnError: noErrorIsOurs,
  },
  {
    name: 'reply-text',
    seeds: textReplySeeds,
    tokens: TEXT_REPLY_TOKENS,
    maxBytes: 64 * KIB,
    cpuBudgetMs: 250,
    run: (input) => splitReply(input.toString('utf8')),
    isOwnError: noErrorIsOurs,
    checkOutput(input, output) {
      const split = output as ReturnType<typeof splitReply>;
      const length = split.reply.length + split.quoted.length + split.signature.length;
      return length > input.toString('utf8').length + 16 ? `split into ${length} characters from ${input.length} bytes` : null;
    },
    linear: (input) => splitReply(input.toString('utf8')),
  },
  {
    name: 'reply-html',
    seeds: htmlReplySeeds,
    tokens: HTML_REPLY_TOKENS,
    maxBytes: 64 * KIB,
    cpuBudgetMs: 500,
    run(input) {
      const html = input.toString('utf8');
      return { html: splitReplyHtml(html), both: splitCustomerReply({ html }) };
    },
    isOwnError: noErrorIsOurs,
    // No linear-time property here: htmlparser2 is quadratic in the depth of unclosed tags (its
    // open-element stack grows with unshift). splitCustomerReply bounds that by MAX_HTML_TAGS,
    // which reply.test.ts checks.
  },
  {
    name: 'bounce',
    seeds: mails,
    tokens: MIME_TOKENS,
    maxBytes: 256 * KIB,
    cpuBudgetMs: 250,
    run(input) {
      const headers = roughHeaders(input);
      const options = { bounceLocalPart: 'bounces', mailDomain: 'support.example.com' };
      const envelopeTo = ['bounces+k3j9@support.example.com'];
      return [
        parseBounce({ raw: input, headers, text: null, attachments: [], envelopeTo }, options),
        parseBounce({ raw: input, headers, text: input.toString('utf8'), attachments: [{ contentType: 'message/delivery-status', content: input }], envelopeTo }, options),
      ];
    },
    isOwnError: noErrorIsOurs,
    checkOutput(_input, output) {
      for (const report of output as ReturnType<typeof parseBounce>[]) {
        if ((report.diagnostic?.length ?? 0) > 1000) return `diagnostic of ${report.diagnostic?.length} characters`;
        if ((report.verpToken?.length ?? 0) > 200) return `VERP token of ${report.verpToken?.length} characters`;
      }
      return null;
    },
  },
];

export function fuzzTarget(name: string): FuzzTarget {
  const target = FUZZ_TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`unknown fuzz target "${name}" (known: ${FUZZ_TARGETS.map((t) => t.name).join(', ')})`);
  return target;
}
