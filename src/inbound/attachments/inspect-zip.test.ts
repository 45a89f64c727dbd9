import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { corpusDir } from '../../../test/support/corpus.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../domain/attachment-policy.js';
import type { ZipLimits, ZipProblem, ZipReport } from '../../domain/attachment-policy.js';
import { inspectZip } from './inspect-zip.js';
import { buildZip, unicodePathExtra } from '../../../test/support/zip-writer.js';

const LIMITS = DEFAULT_ATTACHMENT_POLICY.zip;
const MIB = 1024 * 1024;

function problemOf(report: ZipReport): ZipProblem | 'ok' {
  return report.ok ? 'ok' : report.problem;
}

/** Files of an expected extraction tree, without yauzl's placeholders for empty directories. */
function expectedTree(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) visit(full);
      else if (!name.startsWith('.git_please_make_this_directory') && !name.startsWith('.dont_expect')) {
        out.set(relative(dir, full).split(sep).join('/'), statSync(full).size);
      }
    }
  };
  visit(dir);
  return out;
}

describe('inspectZip over the yauzl corpus', () => {
  const failureDir = corpusDir('yauzl-zip', 'test', 'failure');
  const successDir = corpusDir('yauzl-zip', 'test', 'success');

  // The file name is yauzl's expected error; where our own check comes first, it is named here.
  const failureProblem: Record<string, ZipProblem> = {
    'absolute path C xt.zip': 'absolute_path',
    'absolute path atxt.zip': 'absolute_path',
    'invalid relative path xt.zip': 'path_traversal',
    'invalid characters in fileName a txt.zip': 'backslash_in_name',
    'strong encryption is not supported.zip': 'encrypted',
    'unsupported compression method 1.zip': 'unsupported_compression',
    // 1 153 bytes declaring 2 MB: the ratio cap fires before the lie is even read. Its sibling
    // declaring 82 KB (71:1) passes the cap and is caught while reading: 'corrupt'.
    'not enough bytes in the stream expected 2048576 got only 1000000.zip': 'ratio',
    'file data overflows file bounds 63 2147483647 308.zip': 'overlapping_entries',
    'unexpected EOF.zip': 'overlapping_entries',
  };

  test('every failure/ archive is refused with a reason and never throws (RELIABILITY A4, A5)', async () => {
    const files = readdirSync(failureDir).filter((f) => f.endsWith('.zip'));
    assert.equal(files.length, 24);
    const results: Record<string, string> = {};
    for (const file of files) {
      const report = await inspectZip(readFileSync(join(failureDir, file)), LIMITS);
      results[file] = problemOf(report);
    }
    for (const file of files) {
      assert.notEqual(results[file], 'ok', `${file} must be refused`);
      assert.equal(results[file], failureProblem[file] ?? 'corrupt', file);
    }
  });

  test('lying sizes are caught by reading the data once the ratio cap is out of the way (RELIABILITY A5)', async () => {
    const relaxed: ZipLimits = { ...LIMITS, maxRatio: 1_000_000 };
    for (const file of [
      'not enough bytes in the stream expected 2048576 got only 1000000.zip',
      'too many bytes in the stream expected 82496 got at least 98304.zip',
    ]) {
      const report = await inspectZip(readFileSync(join(failureDir, file)), relaxed);
      assert.equal(problemOf(report), 'corrupt', file);
      assert.ok(!report.ok && /bytes in the stream/.test(report.detail ?? ''), file);
    }
    const wrong = await inspectZip(readFileSync(corpusDir('yauzl-zip', 'test', 'wrong-entry-sizes', 'wrong-entry-sizes.zip')), relaxed);
    assert.equal(problemOf(wrong), 'corrupt');
  });

  test('a zip64 fragment is refused without throwing', async () => {
    const report = await inspectZip(readFileSync(corpusDir('yauzl-zip', 'test', 'zip64', 'zip64.zip_fragment')), LIMITS);
    assert.equal(report.ok, false);
  });

  // success/ holds archives yauzl can read; our policy is stricter for some of them.
  const successProblem: Record<string, ZipProblem> = {
    'big-compression.zip': 'ratio', // 311 bytes → 135 168 bytes, 434:1
    'bogus-compression-method.zip': 'unsupported_compression', // method 7 cannot be scanned
    'everything.zip': 'too_many_entries', // 1 000+ entries
    'sloppy-filenames.zip': 'backslash_in_name', // byte-identical to failure/invalid characters…
  };
  const encryptedOnes = new Set([
    'traditional-encryption.zip',
    'traditional-encryption_deprecated.zip',
    'traditional-encryption-and-compression.zip',
    'traditional-encryption-and-compression_deprecated.zip',
  ]);

  const asciiTrees = new Set(['unicode.zip', 'unicode-path-extra-field.zip']);
  const asciiFold = (name: string) => name.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

  test('every success/ archive: listed like its expected tree, or refused for a named policy reason', async () => {
    const files = readdirSync(successDir).filter((f) => f.endsWith('.zip'));
    assert.equal(files.length, 22);
    let listed = 0;
    for (const file of files) {
      const report = await inspectZip(readFileSync(join(successDir, file)), LIMITS);
      const expectedProblem = successProblem[file];
      if (expectedProblem !== undefined) {
        assert.equal(problemOf(report), expectedProblem, file);
        continue;
      }
      assert.ok(report.ok, `${file}: ${JSON.stringify(report)}`);
      assert.equal(report.encrypted, encryptedOnes.has(file), `${file} encrypted flag`);
      // yauzl's expected tree holds encrypted entries as their raw (still encrypted) bytes.
      const sizeOf = (e: { size: number; compressedSize: number }) => (report.encrypted ? e.compressedSize : e.size);
      const listedFiles = new Map(report.entries.filter((e) => !e.name.endsWith('/')).map((e) => [e.name, sizeOf(e)]));
      // deflate.zip expects index.js, which was not copied into the corpus (it is program code).
      const treeDir = join(successDir, file.replace(/\.zip$/, ''));
      const tree = file === 'deflate.zip' ? new Map([['index.js', 10689]]) : expectedTree(treeDir);
      if (asciiTrees.has(file)) {
        // The corpus stores these trees with ASCII-folded names; compare names folded the same way.
        const folded = new Map([...listedFiles].map(([n, size]) => [asciiFold(n), size]));
        assert.deepEqual([...folded.values()].sort(), [...tree.values()].sort(), file);
        if (file === 'unicode.zip') assert.deepEqual(folded, tree, file);
      } else {
        assert.deepEqual(listedFiles, tree, file);
      }
      listed++;
    }
    assert.equal(listed, 18);
  });

  test('the archives refused only by a limit pass when the installation raises it', async () => {
    const relaxed: ZipLimits = { maxEntries: 2000, maxUncompressedBytes: 100 * MIB, maxRatio: 1000 };
    for (const file of ['big-compression.zip', 'everything.zip']) {
      const report = await inspectZip(readFileSync(join(successDir, file)), relaxed);
      assert.ok(report.ok, file);
      // everything.zip also holds 1 000 empty files a/b/000…999 that the corpus copy lacks.
      const numbered = report.entries.filter((e) => /^a\/b\/\d{3}$/.test(e.name));
      assert.equal(numbered.length, file === 'everything.zip' ? 1000 : 0);
      assert.ok(numbered.every((e) => e.size === 0));
      assert.deepEqual(
        new Map(report.entries.filter((e) => !e.name.endsWith('/') && !numbered.includes(e)).map((e) => [e.name, e.size])),
        expectedTree(join(successDir, file.replace(/\.zip$/, ''))),
      );
    }
  });

  test('the Info-ZIP Unicode path is the name reported', async () => {
    const report = await inspectZip(readFileSync(join(successDir, 'unicode-path-extra-field.zip')), LIMITS);
    assert.ok(report.ok);
    assert.deepEqual(
      report.entries.map((e) => e.name),
      ['七个房间.txt'],
    );
  });
});

describe('inspectZip over archives built here', () => {
  const text = Buffer.from('hello from a log file\n');

  test('a plain archive lists its entries with sizes', async () => {
    const zip = buildZip([
      { name: 'logs/app.log', data: text, deflate: true },
      { name: 'readme.txt', data: text },
    ]);
    const report = await inspectZip(zip, LIMITS);
    assert.deepEqual(report, {
      ok: true,
      encrypted: false,
      entries: [
        { name: 'logs/app.log', size: text.length, compressedSize: report.ok ? (report.entries[0]?.compressedSize ?? -1) : -1 },
        { name: 'readme.txt', size: text.length, compressedSize: text.length },
      ],
    });
  });

  test('RELIABILITY A4: traversal, absolute and backslash names are refused', async () => {
    const cases: [string, ZipProblem][] = [
      ['../../etc/cron.d/x', 'path_traversal'],
      ['ok/../../x', 'path_traversal'],
      ['/abs', 'absolute_path'],
      ['C:/Windows/x.dll', 'absolute_path'],
      ['..\\..\\x', 'backslash_in_name'],
      ['dir\\file.txt', 'backslash_in_name'],
    ];
    for (const [name, problem] of cases) {
      const report = await inspectZip(buildZip([{ name: 'fine.txt', data: text }, { name, data: text }]), LIMITS);
      assert.equal(problemOf(report), problem, name);
    }
  });

  test('RELIABILITY A4: a Unicode path extra field cannot smuggle a traversal past a harmless header name', async () => {
    const zip = buildZip([{ name: 'harmless.txt', data: text, centralExtra: unicodePathExtra('harmless.txt', '../../evil.sh') }]);
    assert.equal(problemOf(await inspectZip(zip, LIMITS)), 'path_traversal');
  });

  test('RELIABILITY A5: a zip bomb is refused by ratio, and by total size when the ratio is raised', async () => {
    const zeros = Buffer.alloc(20 * MIB);
    const bomb = buildZip([
      { name: 'a.bin', data: zeros, deflate: true },
      { name: 'b.bin', data: zeros, deflate: true },
    ]);
    assert.ok(bomb.length < 100_000, `bomb is ${bomb.length} bytes`);
    assert.equal(problemOf(await inspectZip(bomb, LIMITS)), 'ratio');
    const small = { ...LIMITS, maxRatio: 1_000_000, maxUncompressedBytes: 30 * MIB };
    assert.equal(problemOf(await inspectZip(bomb, small)), 'too_large');
  });

  test('RELIABILITY A5: an entry that inflates past its declared size is caught while reading', async () => {
    const zip = buildZip([{ name: 'liar.bin', data: Buffer.alloc(5 * MIB), deflate: true, declaredSize: 1000 }]);
    const report = await inspectZip(zip, LIMITS);
    assert.equal(problemOf(report), 'corrupt');
    assert.match(report.ok ? '' : (report.detail ?? ''), /too many bytes/);
  });

  test('RELIABILITY A5: records sharing one entry\'s data (overlap bomb) are refused', async () => {
    const kernel = randomBytes(50_000);
    const sameHeader = buildZip([{ name: 'k.bin', data: kernel }], [
      { name: 'k2.bin', of: 0 },
      { name: 'k3.bin', of: 0 },
    ]);
    assert.equal(problemOf(await inspectZip(sameHeader, LIMITS)), 'overlapping_entries');
    const shifted = buildZip([{ name: 'k.bin', data: kernel }], [{ name: 'k2.bin', of: 0, offsetShift: 1 }]);
    assert.equal(problemOf(await inspectZip(shifted, LIMITS)), 'overlapping_entries');
  });

  test('RELIABILITY A5: nested archives are refused by name and by content', async () => {
    const inner = buildZip([{ name: 'x.txt', data: text }]);
    assert.equal(problemOf(await inspectZip(buildZip([{ name: 'inner.zip', data: inner }]), LIMITS)), 'nested_archive');
    assert.equal(problemOf(await inspectZip(buildZip([{ name: 'Backup.TAR.GZ', data: text }]), LIMITS)), 'nested_archive');
    const hiddenZip = await inspectZip(buildZip([{ name: 'data.bin', data: inner, deflate: true }]), LIMITS);
    assert.equal(problemOf(hiddenZip), 'nested_archive');
    assert.match(hiddenZip.ok ? '' : (hiddenZip.detail ?? ''), /application\/zip/);
    const hiddenGzip = await inspectZip(buildZip([{ name: 'notes.txt', data: gzipSync(Buffer.alloc(1000, 'a')) }]), LIMITS);
    assert.equal(problemOf(hiddenGzip), 'nested_archive');
  });

  test('RELIABILITY A6: an entry flagged as encrypted marks the archive encrypted', async () => {
    // Traditional encryption prefixes 12 header bytes, so a stored entry declares 12 bytes less.
    const report = await inspectZip(buildZip([{ name: 'secret.txt', data: randomBytes(40), flags: 0x1, declaredSize: 28 }]), LIMITS);
    assert.ok(report.ok);
    assert.equal(report.encrypted, true);
  });

  test('more entries than the cap are refused before any is read', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.alloc(0) }));
    assert.equal(problemOf(await inspectZip(buildZip(many), LIMITS)), 'too_many_entries');
    assert.equal(problemOf(await inspectZip(buildZip(many.slice(0, 1000)), LIMITS)), 'ok');
  });

  test('entry names are made safe for display (RELIABILITY A3)', async () => {
    const report = await inspectZip(buildZip([{ name: 'photo\u202Egnp.exe', data: text }]), LIMITS);
    assert.ok(report.ok);
    assert.equal(report.entries[0]?.name, 'photognp.exe');
  });

  test('garbage and empty input are refused, not thrown', async () => {
    assert.equal(problemOf(await inspectZip(Buffer.alloc(0), LIMITS)), 'corrupt');
    assert.equal(problemOf(await inspectZip(randomBytes(5000), LIMITS)), 'corrupt');
    const truncated = buildZip([{ name: 'a.txt', data: text }]).subarray(0, 40);
    assert.equal(problemOf(await inspectZip(truncated, LIMITS)), 'corrupt');
  });

  test('exactly 100 MiB inside the limits is inflated in bounded time; one byte more is refused', async () => {
    const limits = { ...LIMITS, maxRatio: 1_000_000 };
    const block = Buffer.alloc(10 * MIB, 'x');
    const entries = Array.from({ length: 10 }, (_, i) => ({ name: `part${i}.bin`, data: block, deflate: true }));
    const started = Date.now();
    const report = await inspectZip(buildZip(entries), limits);
    const elapsed = Date.now() - started;
    assert.equal(problemOf(report), 'ok');
    assert.equal(report.ok ? report.entries.reduce((n, e) => n + e.size, 0) : 0, 100 * MIB);
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    const over = buildZip([...entries, { name: 'one-more.txt', data: Buffer.from('x') }]);
    assert.equal(problemOf(await inspectZip(over, limits)), 'too_large');
  });
});
