import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { corpusDir, corpusMailFiles, filesUnder } from '../../../test/support/corpus.js';
import type { ParsedMail } from '../../domain/parsed-mail.js';
import { MailLoopError, MalformedMailError, parseMail } from './mime-parser.js';
import { closeParseWorkers, parseMailInWorker } from './parse-worker-pool.js';

after(closeParseWorkers);

async function parseOrRefuse(raw: Buffer): Promise<ParsedMail | 'refused'> {
  try {
    return await parseMail(raw);
  } catch (err) {
    if (err instanceof MalformedMailError || err instanceof MailLoopError) return 'refused';
    throw err;
  }
}

test('every corpus mail parses (or is refused with our own error) within 2 s', async () => {
  const files = corpusMailFiles();
  let parsed = 0;
  let refused = 0;
  let withProblems = 0;
  let slowest = 0;
  for (const file of files) {
    const started = performance.now();
    const result = await parseOrRefuse(readFileSync(file)).catch((err: Error) => {
      throw new Error(`${file}: ${err.message}`);
    });
    const ms = performance.now() - started;
    slowest = Math.max(slowest, ms);
    assert.ok(ms < 2000, `${file} took ${Math.round(ms)} ms`);
    if (result === 'refused') refused++;
    else {
      parsed++;
      if (result.problems.length > 0) withProblems++;
      assert.ok(result.headers instanceof Map);
    }
  }
  console.log(`corpus: ${files.length} mails, ${parsed} parsed, ${refused} refused, ${withProblems} with problems, slowest ${Math.round(slowest)} ms`);
  assert.ok(files.length >= 220, `only ${files.length} mail files found`);
  assert.ok(parsed >= files.length - 2);
});

test('a sample of the corpus gives the same result through the worker', async () => {
  const files = corpusMailFiles().filter((_, i) => i % 10 === 0);
  for (const file of files) {
    const raw = readFileSync(file);
    const direct = await parseOrRefuse(raw);
    const viaWorker = await parseMailInWorker(raw).catch((err: unknown) => {
      if (err instanceof MalformedMailError || err instanceof MailLoopError) return 'refused' as const;
      throw err;
    });
    if (direct === 'refused' || viaWorker === 'refused') {
      assert.equal(viaWorker, direct, file);
      continue;
    }
    assert.equal(viaWorker.subject, direct.subject, file);
    assert.deepEqual(viaWorker.to, direct.to, file);
    assert.equal(viaWorker.attachments.length, direct.attachments.length, file);
  }
  console.log(`worker sample: ${files.length} mails agree`);
});

interface StalwartHeader {
  name: string;
  value: unknown;
}

function stalwartExpectation(json: string): { subject: string | null; from: string | null; attachments: number } {
  const data = JSON.parse(json) as { attachments: number[]; parts: { headers: StalwartHeader[] }[] };
  const headers = data.parts[0]?.headers ?? [];
  const subject = headers.find((h) => h.name === 'subject')?.value as { Text?: string } | undefined;
  const from = headers.find((h) => h.name === 'from')?.value as
    | { Address?: { List?: { address: string | null }[]; Group?: { addresses: { address: string | null }[] }[] } }
    | undefined;
  const first = from?.Address?.List?.[0]?.address ?? from?.Address?.Group?.[0]?.addresses[0]?.address ?? null;
  return { subject: subject?.Text ?? null, from: first?.toLowerCase() ?? null, attachments: data.attachments.length };
}

test('stalwart mail-parser oracle: subject, from and attachment count', async () => {
  const root = corpusDir('stalwart-mail-parser/resources/eml');
  const counts = { mails: 0, subject: 0, subjectOk: 0, from: 0, fromOk: 0, attachmentsOk: 0 };
  const subjectMisses: string[] = [];
  for (const eml of filesUnder(root, (n) => n.endsWith('.eml'))) {
    const oracle = eml.replace(/\.eml$/, '.json');
    if (!existsSync(oracle)) continue;
    const expected = stalwartExpectation(readFileSync(oracle, 'utf8'));
    const result = await parseOrRefuse(readFileSync(eml));
    if (result === 'refused') continue;
    counts.mails++;
    if (expected.subject !== null) {
      counts.subject++;
      if (result.subject.trim() === expected.subject.trim()) counts.subjectOk++;
      else subjectMisses.push(relative(root, eml));
    }
    if (expected.from !== null) {
      counts.from++;
      if (result.from?.address === expected.from) counts.fromOk++;
    }
    if (result.attachments.length === expected.attachments) counts.attachmentsOk++;
  }
  console.log('stalwart oracle', JSON.stringify(counts), 'subject misses:', subjectMisses.join(' '));
  assert.ok(counts.mails >= 100, `mails ${counts.mails}`);
  assert.ok(counts.subjectOk >= counts.subject * 0.9, `subject ${counts.subjectOk}/${counts.subject}`);
  assert.ok(counts.fromOk >= counts.from * 0.9, `from ${counts.fromOk}/${counts.from}`);
  assert.ok(counts.attachmentsOk >= counts.mails * 0.6, `attachments ${counts.attachmentsOk}/${counts.mails}`);
});
