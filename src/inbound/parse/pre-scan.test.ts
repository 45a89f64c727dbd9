import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { corpusMailFiles, corpusRoot } from '../../../test/support/corpus.js';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parse-limits.js';
import { PreScanner, preScan } from './pre-scan.js';

const CHUNK_SIZES = [1, 7, 64, 4096];

type Outcome = { cut: number | null; problems: string[] } | { error: string };

function whole(raw: Buffer, limits: ParseLimits): Outcome {
  try {
    const result = preScan(raw, limits);
    return { cut: result.raw.length === raw.length ? null : result.raw.length, problems: result.problems };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/** Scans in pieces of `size` bytes; the bytes handed back must be exactly the ones to parse. */
function chunked(raw: Buffer, size: number, limits: ParseLimits): Outcome {
  const scan = new PreScanner(limits);
  const released: Buffer[] = [];
  try {
    for (let at = 0; at < raw.length && scan.cutAt === null; at += size) {
      for (const piece of scan.push(raw.subarray(at, at + size))) released.push(piece);
    }
    for (const piece of scan.end()) released.push(piece);
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
  const expected = raw.subarray(0, scan.cutAt ?? raw.length);
  assert.ok(Buffer.concat(released).equals(expected), `released bytes differ (chunks of ${size})`);
  return { cut: scan.cutAt === null || scan.cutAt === raw.length ? null : scan.cutAt, problems: scan.problems };
}

function assertSameInChunks(name: string, raw: Buffer, limits: ParseLimits = DEFAULT_PARSE_LIMITS, sizes = CHUNK_SIZES): Outcome {
  const expected = whole(raw, limits);
  for (const size of sizes) assert.deepEqual(chunked(raw, size, limits), expected, `${name}, chunks of ${size}`);
  return expected;
}

const crlf = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'latin1');
const small: ParseLimits = { ...DEFAULT_PARSE_LIMITS, maxParts: 3, maxDepth: 3, maxHeaderBytes: 300, maxReceived: 3, maxAddressesPerHeader: 3 };

describe('PreScanner gives the whole-buffer decisions whatever the chunk size', () => {
  test('every corpus mail, in chunks of 1, 7, 64 and 4096 bytes', () => {
    const files = corpusMailFiles();
    for (const file of files) assertSameInChunks(file, readFileSync(file));
    assert.ok(files.length >= 220, `only ${files.length} mail files found`);
  });

  test('the hostile mails of mime-parser.test.ts', () => {
    let deep = 'From: a@example.com\r\n';
    for (let i = 0; i < 10_000; i++) deep += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
    deep += 'Content-Type: text/plain\r\n\r\ndeep\r\n';
    const tiny = Array.from({ length: 100_000 }, (_, i) => `--p\r\nContent-Type: text/plain\r\n\r\n${i}\r\n`).join('');
    const to = Array.from({ length: 500_000 }, (_, i) => `u${i}@x.io`).join(',');
    const nested = '('.repeat(50_000) + ')'.repeat(50_000);
    const continuations = Array.from({ length: 10_000 }, (_, i) => ` filename*${i}*=a%41`).join(';\r\n');
    const received = (n: number): string => `${'Received: from a by b; Tue, 1 Jul 2025 10:00:00 +0000\r\n'.repeat(n)}Subject: r\r\n\r\nx`;
    const cases: Record<string, Buffer> = {
      'M1 deep nesting': Buffer.from(deep),
      'M2 100 000 parts': Buffer.from(`From: a@example.com\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n${tiny}--p--\r\n`),
      'M3 500 000 addresses': Buffer.from(`From: a@example.com\r\nTo: ${to}\r\n\r\nhi\r\n`),
      'M3 5 000 addresses': Buffer.from(`To: ${to.split(',', 5000).join(',')}\r\n\r\nhi`),
      'M3 nested comments': Buffer.from(`From: a@example.com ${nested}\r\nTo: b@example.com ${nested}\r\n\r\nhi\r\n`),
      'M4 100 KB header': Buffer.from(`Subject: ${'x'.repeat(100_000)}\r\nX-Long: ${'y'.repeat(100_000)}\r\n\r\nbody`),
      'M5 missing closing boundary': crlf('Content-Type: multipart/mixed; boundary=abc', '', '--abcdef', '--abc', 'Content-Type: text/plain', '',
        'first part', '--abc', 'Content-Type: multipart/alternative; boundary=inner', '', '--inner', 'Content-Type: text/plain', '', 'until the end'),
      'M10 continuations': Buffer.from(`Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/octet-stream;\r\n${continuations}\r\n\r\ndata\r\n--b--\r\n`),
      'M11 empty': Buffer.alloc(0),
      'M11 bare CR and LF': Buffer.from('Subject: bare\rX: y\n\r\n\rbody\r'),
      'L4 101 Received': Buffer.from(received(101)),
      'L4 100 Received': Buffer.from(received(100)),
      'header block over 1 MiB': Buffer.from(`${'X-Pad: '.concat('z'.repeat(1000), '\r\n').repeat(1100)}\r\nbody`),
    };
    const outcomes = Object.entries(cases).map(([name, raw]) => [name, assertSameInChunks(name, raw)] as const);
    const none = { cut: null, problems: [] };
    assert.deepEqual(Object.fromEntries(outcomes), {
      // Depth 1 is the top level, the part after --b<k> is at depth k + 2: the part opened by
      // --b49 would be the 51st level, so the mail ends just before that delimiter.
      'M1 deep nesting': { cut: deep.indexOf('--b49\r\n'), problems: ['truncated: nesting deeper than 50'] },
      // The top level is part 1; the delimiter of the 1000th sub-part (the one numbered 999) would make 1001.
      'M2 100 000 parts': { cut: cases['M2 100 000 parts']!.indexOf('--p\r\nContent-Type: text/plain\r\n\r\n999\r\n'), problems: ['truncated: more than 1000 MIME parts'] },
      // 5.4 MB of To: is over the header bound before the addresses are counted to the end.
      'M3 500 000 addresses': { error: 'MalformedMailError: malformed mail: header block larger than 1048576 bytes' },
      'M3 5 000 addresses': { error: 'MalformedMailError: malformed mail: to lists more than 1000 addresses' },
      'M3 nested comments': none,
      'M4 100 KB header': none,
      'M5 missing closing boundary': { cut: null, problems: ['missing closing MIME boundary (body read to the end)'] },
      'M10 continuations': none,
      'M11 empty': none,
      'M11 bare CR and LF': none,
      'L4 101 Received': { error: 'MailLoopError: mail loop: 101 Received headers' },
      'L4 100 Received': none,
      'header block over 1 MiB': { error: 'MalformedMailError: malformed mail: header block larger than 1048576 bytes' },
    });
  });
});

describe('PreScanner decisions on known corpus mails', () => {
  const read = (path: string): Buffer => readFileSync(join(corpusRoot, path));

  test('with the default limits, only the mails whose multipart never closes are flagged', () => {
    const flagged = corpusMailFiles()
      .map((file) => ({ file: relative(corpusRoot, file), outcome: whole(readFileSync(file), DEFAULT_PARSE_LIMITS) }))
      .filter(({ outcome }) => !('cut' in outcome) || outcome.cut !== null || outcome.problems.length > 0);
    const missingClose = { cut: null, problems: ['missing closing MIME boundary (body read to the end)'] };
    assert.deepEqual(flagged, [
      'cpython-email/Lib/test/test_email/data/msg_17.txt',
      'cpython-email/Lib/test/test_email/data/msg_31.txt',
      'stalwart-mail-parser/resources/eml/malformed/000.eml',
      'stalwart-mail-parser/resources/eml/malformed/001.eml',
      'stalwart-mail-parser/resources/eml/malformed/002.eml',
      'stalwart-mail-parser/resources/eml/malformed/003.eml',
      'stalwart-mail-parser/resources/eml/malformed/004.eml',
      'stalwart-mail-parser/resources/eml/malformed/006.eml',
      'stalwart-mail-parser/resources/eml/malformed/008.eml',
      'stalwart-mail-parser/resources/eml/malformed/009.eml',
      'stalwart-mail-parser/resources/eml/malformed/011.eml',
      'stalwart-mail-parser/resources/eml/malformed/012.eml',
      'stalwart-mail-parser/resources/eml/malformed/013.eml',
      'stalwart-mail-parser/resources/eml/malformed/014.eml',
      'stalwart-mail-parser/resources/eml/malformed/016.eml',
      'stalwart-mail-parser/resources/eml/malformed/019.eml',
      'stalwart-mail-parser/resources/eml/malformed/022.eml',
      'stalwart-mail-parser/resources/eml/rfc/008.eml',
      'stalwart-mail-parser/resources/eml/thirdparty/005.eml',
      'mimekit/UnitTests/TestData/messages/delivery-status-multiple-blank-lines.txt',
    ].map((file) => ({ file, outcome: missingClose })));
  });

  test('msg_31 declares boundary BOUNDARY_ but its delimiters say --BOUNDARY: never opened, never closed', () => {
    const raw = read('cpython-email/Lib/test/test_email/data/msg_31.txt');
    assert.ok(raw.includes('boundary=BOUNDARY_') && !raw.includes('--BOUNDARY_'));
    assertSameInChunks('msg_31', raw);
  });

  test('with a cap of 3 parts, msg_08 is cut at its third delimiter; with a depth of 3, malformed/012 at the attached message', () => {
    const parts = read('cpython-email/Lib/test/test_email/data/msg_08.txt');
    const delimiters = [...parts.toString('latin1').matchAll(/^--BOUNDARY$/gm)].map((m) => m.index);
    assert.ok(delimiters.length >= 3);
    assert.deepEqual(whole(parts, small), { cut: delimiters[2], problems: ['truncated: more than 3 MIME parts'] });

    // multipart "1" (depth 1) → multipart "2" (depth 2) → message/rfc822 (depth 3) → its header block is depth 4.
    const deep = read('stalwart-mail-parser/resources/eml/malformed/012.eml');
    const limits = { ...DEFAULT_PARSE_LIMITS, maxDepth: 3 };
    assert.deepEqual(whole(deep, limits), { cut: deep.indexOf('Content-Type: text/plain'), problems: ['truncated: nesting deeper than 3'] });
    for (const size of CHUNK_SIZES) assert.deepEqual(chunked(deep, size, limits), whole(deep, limits));
  });
});

describe('PreScanner at chunk boundaries', () => {
  test('a delimiter padded with a long run of blanks still cuts at the part cap', () => {
    // The top level counts as a part: two more reach the cap of 3, the third delimiter cuts.
    const parts = ['--b', '', 'one', '--b', '', 'two'];
    const raw = crlf('Content-Type: multipart/mixed; boundary=b', '', ...parts, `--b${' \t'.repeat(300_000)}`, '', 'four', '--b--', '');
    const outcome = assertSameInChunks('padded delimiter', raw, small, [7, 4096, 65536]);
    assert.deepEqual(outcome, { cut: raw.indexOf(`--b ${'\t'}`), problems: ['truncated: more than 3 MIME parts'] });
  });

  test('a long line of dashes and blanks that is no delimiter is parsed, not cut', () => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=b', '', '--b', '', 'one', '--b', '', 'two',
      `--b${' '.repeat(100_000)}x`, '--b--', '');
    assert.deepEqual(assertSameInChunks('not a delimiter', raw, small, [7, 4096, 65536]), { cut: null, problems: [] });
  });

  test('CRLF, header lines and a delimiter split across chunks; the last line without a newline', () => {
    const raw = crlf('Received: a', 'Received: b', 'Received: c', 'To: a@x, b@x,', ' c@x', 'Content-Type: multipart/mixed;', '\tboundary="q"', '',
      '--q', 'Content-Type: message/rfc822', '', 'Content-Type: multipart/alternative; boundary=r', '', '--r', '', 'text', '--r--', '--q--');
    assert.deepEqual(assertSameInChunks('split', raw, small, [1, 2, 3, 5, 7, 11]), { cut: null, problems: [] });
    // Cut at depth 4: the inner multipart's part is the one too deep.
    const deeper = { ...small, maxDepth: 2 };
    const outcome = assertSameInChunks('split, depth cap', raw, deeper, [1, 2, 3, 5, 7, 11]);
    assert.ok('cut' in outcome && outcome.cut !== null);
    assert.equal(raw.subarray(outcome.cut).toString('latin1').split('\r\n')[0], 'Content-Type: multipart/alternative; boundary=r');
  });

  test('the top-level rules refuse the same mails in chunks', () => {
    const cases = {
      loop: crlf('Received: a', 'Received: b', 'Received: c', 'Received: d', '', 'x'),
      addresses: crlf('To: a@x, b@x,', ' c@x, d@x', 'Subject: s', '', 'x'),
      'long header line': Buffer.from(`Subject: ${'s'.repeat(400)}\r\n\r\nx`),
      'blank line at the bound': Buffer.from(`Subject: ${'s'.repeat(288)}\r\n\r\n${'b'.repeat(1000)}`),
      'header without end': Buffer.from(`Subject: ${'s'.repeat(100)}\r\n`.repeat(5)),
      'CR at the bound': Buffer.from(`Subject: ${'s'.repeat(289)}\r`),
    };
    for (const [name, raw] of Object.entries(cases)) assertSameInChunks(name, raw, small, [1, 2, 3, 7, 64]);
    assert.deepEqual(whole(cases.loop, small), { error: 'MailLoopError: mail loop: 4 Received headers' });
    assert.deepEqual(whole(cases.addresses, small), { error: 'MalformedMailError: malformed mail: to lists more than 3 addresses' });
  });

  test('a body line of 3 MB without any newline is never assembled whole', () => {
    const raw = Buffer.concat([crlf('Content-Type: multipart/mixed; boundary=b', '', '--b', '', ''), Buffer.alloc(3_000_000, 0x41)]);
    assert.deepEqual(assertSameInChunks('long line', raw, DEFAULT_PARSE_LIMITS, [65536, 1024 * 1024]), {
      cut: null,
      problems: ['missing closing MIME boundary (body read to the end)'],
    });
  });

  test('a Content-Type whose colon is far from its name, in a nested part', () => {
    const name = `Content-Type${' '.repeat(60_000)}`;
    const raw = crlf('Content-Type: multipart/mixed; boundary=b', '', '--b', `${name}: multipart/mixed; boundary=c`, '', '--c', '', 'x', '--c--', '--b--');
    assertSameInChunks('far colon', raw, DEFAULT_PARSE_LIMITS, [1000, 4096]);
  });
});
