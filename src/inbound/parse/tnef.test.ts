import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir } from '../../../test/support/corpus.js';
import { decompressRtf } from './lzfu.js';
import { parseMail } from './mime-parser.js';
import { decodeTnef, type TnefContent } from './tnef.js';
import { rtfToBody } from './rtf-body.js';

const BODY_FILE = /^(?:body|message|.*-body)\.(?:rtf|html|txt)$/;
const lf = (b: Buffer | string | null): string =>
  (b === null ? '' : typeof b === 'string' ? b : b.toString('latin1')).replace(/\r\n/g, '\n').trimEnd();

function expectedNames(listFile: string): string[] {
  return readFileSync(listFile, 'utf8')
    .split('\n')
    .filter((name) => name.length > 0 && !BODY_FILE.test(name))
    .sort();
}

function decodeTimed(file: string): TnefContent {
  const started = performance.now();
  const content = decodeTnef(readFileSync(file));
  assert.ok(performance.now() - started < 2000, `${file} took too long`);
  return content;
}

describe('decompressRtf (MS-OXRTFCP)', () => {
  test('decodes the specification example', () => {
    const compressed = Buffer.from(
      '2d0000002b0000004c5a4675f1c5c7a703000a007263706731323542320af32068656c090020627705b06c647d0a800fa0',
      'hex',
    );
    assert.equal(decompressRtf(compressed).toString('latin1'), '{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n');
  });

  test('a lying size header cannot force a large allocation', () => {
    const header = Buffer.alloc(16);
    header.writeUInt32LE(12 + 4, 0);
    header.writeUInt32LE(0xffffffff, 4);
    header.writeUInt32LE(0x75465a4c, 8);
    const out = decompressRtf(Buffer.concat([header, Buffer.from([0x00, 0x41, 0x42, 0x43, 0x44])]));
    assert.ok(out.length <= 64);
  });
});

describe('RTF bodies (found by fuzzing)', () => {
  test('a malformed \\\'xx escape prints nothing past the logger, and the words around it survive', (t) => {
    const warn = t.mock.method(console, 'warn');
    const body = rtfToBody(Buffer.from("{\\rtf1\\ansi Hello \\'zz world}", 'latin1'));
    assert.equal(warn.mock.callCount(), 0);
    assert.match(body.text ?? '', /Hello.*world/);
  });

  test('a compressed RTF whose size field is below its own header is refused with our error', () => {
    const header = Buffer.alloc(16);
    header.write('LZFu', 8, 'latin1');
    assert.throws(() => decompressRtf(header), { name: 'CompressedRtfError' });
  });
});

describe('decodeTnef against the MimeKit oracle (X.tnef, X.list, X/ files)', () => {
  const dir = corpusDir('mimekit/UnitTests/TestData/tnef');
  const samples = readdirSync(dir).filter((f) => f.endsWith('.tnef'));

  test('names, files and bodies match for most samples; none throws or hangs', () => {
    const counts = { samples: 0, lists: 0, files: 0, filesOk: 0, rtf: 0, rtfOk: 0, html: 0, htmlOk: 0, txt: 0, txtOk: 0 };
    const misses: string[] = [];
    for (const sample of samples) {
      const base = sample.slice(0, -'.tnef'.length);
      const content = decodeTimed(join(dir, sample));
      counts.samples++;
      const names = content.attachments.map((a) => a.filename ?? '').sort();
      if (JSON.stringify(names) === JSON.stringify(expectedNames(join(dir, `${base}.list`)))) counts.lists++;
      else misses.push(`${base}.list`);
      if (!existsSync(join(dir, base))) continue;
      for (const file of readdirSync(join(dir, base))) {
        const want = readFileSync(join(dir, base, file));
        if (file === 'message.rtf') {
          counts.rtf++;
          // The oracle files went through git's line-ending normalisation.
          if (content.rtf?.equals(want) || lf(content.rtf) === lf(want)) counts.rtfOk++;
          else misses.push(`${base}/${file}`);
        } else if (file === 'message.html') {
          counts.html++;
          if ([want.toString('utf8'), want.toString('latin1')].some((w) => lf(w) === lf(content.html))) counts.htmlOk++;
          else misses.push(`${base}/${file}`);
        } else if (file === 'message.txt') {
          counts.txt++;
          if (lf(want.toString('utf8')) === lf(content.text)) counts.txtOk++;
          else misses.push(`${base}/${file}`);
        } else {
          counts.files++;
          const name = file.replace(/\.\d+$/, '');
          // MimeKit keeps the 16-byte interface id in front of embedded objects; we strip it.
          const same = (c: Buffer): boolean => c.equals(want) || c.equals(want.subarray(16)) || lf(c) === lf(want);
          if (content.attachments.some((a) => a.filename === name && same(a.content))) counts.filesOk++;
          else misses.push(`${base}/${file}`);
        }
      }
    }
    console.log('mimekit tnef oracle', JSON.stringify(counts), 'misses:', misses.join(', '));
    assert.equal(counts.samples, 19);
    assert.ok(counts.lists >= 16, `lists ${counts.lists}`);
    assert.ok(counts.filesOk >= 31, `files ${counts.filesOk}/${counts.files}`);
    assert.equal(counts.rtfOk, counts.rtf);
    assert.equal(counts.htmlOk, counts.html);
    assert.equal(counts.txtOk, counts.txt);
  });
});

test('decodeTnef against the verdammelt/tnef name lists', () => {
  const dir = corpusDir('verdammelt-tnef/tests/files/datafiles');
  let total = 0;
  let matched = 0;
  const misses: string[] = [];
  for (const sample of readdirSync(dir).filter((f) => f.endsWith('.tnef'))) {
    total++;
    const content = decodeTimed(join(dir, sample));
    const names = content.attachments.map((a) => a.filename ?? '').sort();
    if (JSON.stringify(names) === JSON.stringify(expectedNames(join(dir, sample.replace(/\.tnef$/, '.list'))))) matched++;
    else misses.push(sample);
  }
  console.log(`verdammelt tnef lists: ${matched}/${total} match; differ: ${misses.join(', ')}`);
  assert.equal(total, 15);
  assert.ok(matched >= 12, `matched ${matched}`);
});

test('decodeTnef matches Apache POI quick-winmail.dat byte for byte; other samples do not throw', () => {
  const dir = corpusDir('apache-poi/test-data/hmef');
  const content = decodeTimed(join(dir, 'quick-winmail.dat'));
  const expected = readdirSync(join(dir, 'quick-contents')).filter((f) => f !== 'message.rtf');
  let same = 0;
  for (const file of expected) {
    const want = readFileSync(join(dir, 'quick-contents', file));
    if (content.attachments.some((a) => a.filename === file && a.content.equals(want))) same++;
  }
  const rtfSame = content.rtf?.equals(readFileSync(join(dir, 'quick-contents', 'message.rtf'))) ?? false;
  console.log(`apache-poi quick-winmail.dat: ${same}/${expected.length} attachments byte-exact, rtf ${rtfSame}`);
  assert.equal(same, expected.length);
  assert.equal(content.attachments.length, expected.length);
  assert.ok(rtfSame);

  for (const file of readdirSync(dir).filter((f) => /\.(dat|tnef)$/.test(f))) {
    const result = decodeTimed(join(dir, file));
    assert.ok(Array.isArray(result.attachments), file);
  }
});

test('oom.tnef (fuzz case) ends quickly with a note instead of an allocation', () => {
  const content = decodeTimed(corpusDir('apache-poi/test-data/hmef/oom.tnef'));
  assert.ok(content.attachments.every((a) => a.size < 1024 * 1024));
});

test('every truncation of a sample decodes without throwing', () => {
  const data = readFileSync(corpusDir('mimekit/UnitTests/TestData/tnef/two-files.tnef'));
  for (let end = 6; end < data.length; end += 7) assert.doesNotThrow(() => decodeTnef(data.subarray(0, end)));
});

describe('parseMail with TNEF mails', () => {
  test('rich-text.eml: winmail.dat replaced by its files', async () => {
    const mail = await parseMail(readFileSync(corpusDir('mimekit/UnitTests/TestData/tnef/rich-text.eml')));
    assert.equal(mail.tnef, true);
    assert.equal(mail.tnefFailed, false);
    assert.ok(mail.attachments.every((a) => a.fromTnef));
    assert.ok(mail.attachments.some((a) => a.filename === 'kitten-playing-with-a-christmas-tree.jpg' && a.size === 375081));
    assert.ok(!mail.attachments.some((a) => /winmail\.dat/i.test(a.filename ?? '')));
    assert.match(mail.text ?? '', /Christmas to remember/);
  });

  test('ukr.eml: the TNEF body becomes the HTML of the mail', async () => {
    const mail = await parseMail(readFileSync(corpusDir('mimekit/UnitTests/TestData/tnef/ukr.eml')));
    assert.equal(mail.tnef, true);
    assert.equal(mail.tnefFailed, false);
    assert.match(mail.html ?? '', /<html/i);
  });

  test('a winmail.dat that holds nothing readable is kept and flagged tnefFailed', async () => {
    const raw = Buffer.from(
      'From: a@example.com\r\nSubject: t\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n' +
        'Content-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\n' +
        'Content-Transfer-Encoding: base64\r\n\r\n' +
        Buffer.from('not a tnef stream').toString('base64') +
        '\r\n--b--\r\n',
    );
    const mail = await parseMail(raw);
    assert.equal(mail.tnefFailed, true);
    assert.equal(mail.tnef, false);
    assert.equal(mail.attachments.length, 1);
  });
});
