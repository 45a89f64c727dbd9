/**
 * How well replies are split, measured on data nobody on this project wrote: the public reply
 * corpora in test/corpus (MANIFEST.md) and the expectations of the projects they come from
 * (oracle files where upstream ships them, else test/mail-quality/*-expectations.json, each case
 * naming the upstream test it was taken from). Prints one table row per set; docs/mail-quality.md
 * keeps the table, and test/mail-quality.test.ts fails when a count falls below it.
 *
 * Usage: npm run mail-quality            (table)
 *        npm run mail-quality -- --misses (and every case that does not match, with what we cut)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { splitReply } from '../src/domain/reply-text.js';
import { splitReplyHtml } from '../src/domain/reply-html.js';
import { splitCustomerReply } from '../src/domain/reply.js';
import { corpusDir, repoRoot } from '../test/support/corpus.js';

export interface SetResult {
  set: string;
  kind: 'text' | 'html';
  total: number;
  matched: number;
  misses: Array<{ name: string; got: string; expected: string }>;
}

interface TextCase {
  file: string;
  source: string;
  reply?: string;
  whole?: boolean;
  startsWith?: string;
  includes?: string[];
  excludes?: string[];
  replace?: [string, string];
}

/** Whitespace-insensitive, as the upstream tests compare after strip(). */
export function normalize(s: string): string {
  return s.replace(/[\s\u00a0\u{FFFC}]+/gu, ' ').trim();
}

function expectationsFile(name: string): unknown {
  return JSON.parse(readFileSync(join(repoRoot, 'test', 'mail-quality', name), 'utf8'));
}

/** The reply of a plain-text body, without the display rule that shows an all-quote mail whole. */
function textReply(text: string): string {
  return splitReply(text, { wholeWhenOnlyHistory: false }).reply;
}

/** The discourse trimmer ships its expected output per mail (test/trimmed). */
function discourse(): SetResult {
  const dir = corpusDir('discourse-email_reply_trimmer/test');
  const names = readdirSync(join(dir, 'emails')).filter((f) => f.endsWith('.txt')).sort();
  const misses: SetResult['misses'] = [];
  for (const name of names) {
    const got = textReply(readFileSync(join(dir, 'emails', name), 'utf8'));
    const expected = readFileSync(join(dir, 'trimmed', name), 'utf8');
    if (normalize(got) !== normalize(expected)) misses.push({ name, got, expected });
  }
  return { set: 'discourse email_reply_trimmer (trimmed/ oracle)', kind: 'text', total: names.length, matched: names.length - misses.length, misses };
}

/** Why a reply fails a case's expectations; null when it meets them all. */
function check(c: TextCase, reply: string, input: string, constants: Record<string, string>): string | null {
  const got = normalize(reply);
  if (c.reply !== undefined) {
    const expected = normalize(c.reply.replace(/^\$(\w+)$/, (_, k: string) => constants[k] ?? ''));
    if (got !== expected) return `reply should be: ${expected}`;
  }
  if (c.whole && got !== normalize(input)) return 'nothing should be cut';
  if (c.startsWith !== undefined && !got.startsWith(normalize(c.startsWith))) return `reply should start with: ${c.startsWith}`;
  for (const s of c.includes ?? []) if (!got.includes(normalize(s))) return `reply should include: ${s}`;
  for (const s of c.excludes ?? []) if (got.includes(normalize(s))) return `reply should not include: ${s}`;
  return null;
}

async function textSet(key: string, label: string): Promise<SetResult> {
  const doc = expectationsFile('text-expectations.json') as {
    constants: Record<string, string>;
    sets: Record<string, { dir: string; cases: TextCase[] }>;
  };
  const set = doc.sets[key];
  if (!set) throw new Error(`no expectations for ${key}`);
  const misses: SetResult['misses'] = [];
  for (const c of set.cases) {
    const path = corpusDir(set.dir, c.file);
    let input: string;
    let reply: string;
    if (c.file.endsWith('.eml')) {
      // A whole mail: split the way a case shows it (text and HTML part, one agreed cut).
      const mail = await simpleParser(readFileSync(path));
      input = mail.text ?? '';
      reply = splitCustomerReply({ text: mail.text ?? null, html: typeof mail.html === 'string' ? mail.html : null }).replyText;
    } else {
      input = readFileSync(path, 'utf8');
      if (c.replace) input = input.split(c.replace[0]).join(c.replace[1]);
      reply = textReply(input);
    }
    const why = check(c, reply, input, doc.constants);
    if (why !== null) misses.push({ name: c.replace ? `${c.file} [${c.replace[1]}]` : c.file, got: reply, expected: `${why} (${c.source})` });
  }
  return { set: label, kind: 'text', total: set.cases.length, matched: set.cases.length - misses.length, misses };
}

/** The text above the history, as the HTML splitter reads the document. */
export function htmlAbove(html: string): string {
  const h = splitReplyHtml(html);
  return h.lines.slice(0, h.historyLine).join('\n');
}

function quotequail(): SetResult {
  const doc = expectationsFile('html-expectations.json') as {
    dir: string;
    cases: Array<{ file?: string; html?: string; above?: string; aboveFile?: string; source: string }>;
  };
  const misses: SetResult['misses'] = [];
  for (const c of doc.cases) {
    const html = c.file ? readFileSync(corpusDir(doc.dir, c.file), 'utf8') : (c.html ?? '');
    const expected = c.aboveFile ? htmlAbove(readFileSync(corpusDir(doc.dir, c.aboveFile), 'utf8')) : (c.above ?? '');
    const got = htmlAbove(html);
    if (normalize(got) !== normalize(expected)) misses.push({ name: c.file ?? c.html!.slice(0, 60), got, expected: `${expected} (${c.source})` });
  }
  return { set: 'closeio/quotequail (HTML)', kind: 'html', total: doc.cases.length, matched: doc.cases.length - misses.length, misses };
}

export async function measure(): Promise<SetResult[]> {
  return [
    discourse(),
    await textSet('crisp', 'crisp-oss/email-reply-parser'),
    await textSet('willdurand', 'willdurand/EmailReplyParser'),
    await textSet('github', 'github/email_reply_parser'),
    await textSet('fiedl', 'fiedl/extended_email_reply_parser (German)'),
    quotequail(),
  ];
}

export function table(results: readonly SetResult[]): string {
  const rows = results.map((r) => {
    const percent = ((100 * r.matched) / r.total).toFixed(1);
    return `| ${r.set} | ${r.kind} | ${r.matched} | ${r.total} | ${percent} % |`;
  });
  return ['| set | part | split as upstream expects | cases | share |', '|---|---|---|---|---|', ...rows].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await measure();
  console.log(table(results));
  if (process.argv.includes('--misses')) {
    for (const r of results) {
      for (const m of r.misses) {
        console.log(`\n## ${r.set}: ${m.name}\nexpected: ${m.expected}\ngot:      ${normalize(m.got).slice(0, 400)}`);
      }
    }
  }
}
