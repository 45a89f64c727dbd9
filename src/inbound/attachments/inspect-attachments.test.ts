import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir } from '../../../test/support/corpus.js';
import { DEFAULT_ATTACHMENT_POLICY, judgeAttachments } from '../../domain/attachment-policy.js';
import type { ParsedAttachment } from '../../domain/parsed-mail.js';
import { inspectAttachment, inspectAttachments } from './inspect-attachments.js';
import { buildZip } from '../../../test/support/zip-writer.js';
import { imageDimensions } from '../../domain/image-dimensions.js';

const policy = DEFAULT_ATTACHMENT_POLICY;
const data = corpusDir('cpython-email', 'Lib', 'test', 'test_email', 'data');

function part(filename: string | null, content: Buffer, contentType = 'application/octet-stream', extra: Partial<ParsedAttachment> = {}): ParsedAttachment {
  return { filename, content, contentType, disposition: 'attachment', contentId: null, size: content.length, fromTnef: false, ...extra };
}

describe('inspectAttachment', () => {
  test('the corpus images are detected by their bytes and accepted', async () => {
    const expected: Record<string, string> = {
      'python.png': 'image/png',
      'python.jpg': 'image/jpeg',
      'python.gif': 'image/gif',
      'python.bmp': 'image/bmp',
      'python.tiff': 'image/tiff',
      'python.webp': 'image/webp',
    };
    const files = [];
    for (const [file, mime] of Object.entries(expected)) {
      // Named without an extension, so only the bytes can tell.
      const inspected = await inspectAttachment({ filename: 'upload', content: readFileSync(join(data, file)) }, policy);
      assert.equal(inspected.detectedType, mime, file);
      assert.equal(inspected.kind, 'image', file);
      files.push(inspected);
    }
    assert.deepEqual(judgeAttachments(files, policy), { ok: true });
  });

  test('formats without magic bytes or outside the list are refused (pbm, xbm, wav, aiff)', async () => {
    const files = [];
    for (const file of ['python.pbm', 'python.xbm', 'sndhdr.wav', 'sndhdr.aiff']) {
      files.push(await inspectAttachment({ filename: file, content: readFileSync(join(data, file)) }, policy));
    }
    assert.deepEqual(
      files.map((f) => [f.kind, f.detectedType]),
      [
        ['other', null],
        ['other', null],
        ['other', 'audio/wav'],
        ['other', 'audio/aiff'],
      ],
    );
    const verdict = judgeAttachments(files, policy);
    assert.ok(!verdict.ok && verdict.reason === 'attachment_type');
    assert.deepEqual(!verdict.ok && verdict.files, ['python.pbm', 'python.xbm', 'sndhdr.wav', 'sndhdr.aiff']);
  });

  test('RELIABILITY A1: an SVG with onload labelled image/png and named .png is refused', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><rect/></svg>');
    const files = await inspectAttachments([part('logo.png', svg, 'image/png')], policy);
    assert.deepEqual(files, [{ name: 'logo.png', detectedType: null, kind: 'other' }]);
    const verdict = judgeAttachments(files, policy);
    assert.ok(!verdict.ok && verdict.reason === 'attachment_type' && verdict.files[0] === 'logo.png');
    const declared = await inspectAttachments([part('logo.svg', svg, 'image/svg+xml')], policy);
    assert.equal(judgeAttachments(declared, policy).ok, false);
  });

  test('RELIABILITY A2: an HTML file named .png is refused', async () => {
    const html = Buffer.from('<!doctype html><html><body><script>fetch("/api/me")</script></body></html>');
    const files = await inspectAttachments([part('screenshot.png', html, 'image/png')], policy);
    assert.equal(files[0]?.kind, 'other');
    const verdict = judgeAttachments(files, policy);
    assert.ok(!verdict.ok && verdict.reason === 'attachment_type' && verdict.files[0] === 'screenshot.png');
  });

  test('a real PNG named .txt and declared text/plain is still an image', async () => {
    const files = await inspectAttachments([part('notes.txt', readFileSync(join(data, 'python.png')), 'text/plain')], policy);
    const { width, height } = imageDimensions(readFileSync(join(data, 'python.png')))!;
    assert.deepEqual(files, [{ name: 'notes.txt', detectedType: 'image/png', kind: 'image', pixels: width * height }]);
  });

  test('A11: a PNG whose header declares 100,000 × 100,000 pixels is refused as a decode bomb', async () => {
    const bomb = Buffer.concat([readFileSync(join(data, 'python.png')).subarray(0, 33)]);
    bomb.writeUInt32BE(100_000, 16);
    bomb.writeUInt32BE(100_000, 20);
    const files = await inspectAttachments([part('bomb.png', bomb, 'image/png')], policy);
    assert.equal(files[0]?.pixels, 10_000_000_000);
    const verdict = judgeAttachments(files, policy);
    assert.equal(verdict.ok, false);
  });

  test('a HEIC photo (ftyp box) is an allowed image', async () => {
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic'), Buffer.alloc(64)]);
    const files = await inspectAttachments([part('IMG_0001.HEIC', heic, 'image/heic')], policy);
    assert.equal(files[0]?.detectedType, 'image/heic');
    assert.deepEqual(judgeAttachments(files, policy), { ok: true });
  });

  test('inline cid: images count as images', async () => {
    const png = readFileSync(join(data, 'python.png'));
    const inline = part(null, png, 'image/png', { disposition: 'inline', contentId: 'sig-logo@mail' });
    const files = await inspectAttachments([inline, inline], policy);
    assert.deepEqual(files.map((f) => [f.name, f.kind]), [
      ['unnamed', 'image'],
      ['unnamed', 'image'],
    ]);
    assert.deepEqual(judgeAttachments(files, policy), { ok: true });
  });

  test('signature parts are not judged, unless their bytes are a known file format', async () => {
    const p7s = Buffer.from('3082055a06092a864886f70d010702a082054b30820547020101310f300d', 'hex');
    const asc = Buffer.from('-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCAAdFiEE\n-----END PGP SIGNATURE-----\n');
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
    exe.writeUInt32LE(64, 0x3c);
    const files = await inspectAttachments(
      [
        part('smime.p7s', p7s, 'application/pkcs7-signature; name=smime.p7s'),
        part('signature.asc', asc, 'application/pgp-signature'),
        part('signature.asc', exe, 'application/pgp-signature'),
      ],
      policy,
    );
    assert.equal(files.length, 1);
    assert.equal(files[0]?.detectedType, 'application/x-msdownload');
    const verdict = judgeAttachments(files, policy);
    assert.ok(!verdict.ok && verdict.reason === 'attachment_type');
  });

  test('a ZIP is inspected and judged as an archive; names are display-safe', async () => {
    const clean = buildZip([{ name: 'log.txt', data: Buffer.from('ok\n') }]);
    const evil = buildZip([{ name: '../../etc/cron.d/x', data: Buffer.from('* * * * * root sh\n') }]);
    const files = await inspectAttachments([part('logs\u202Epiz.exe', clean), part('evil.zip', evil)], policy);
    assert.equal(files[0]?.name, 'logspiz.exe');
    assert.deepEqual(files[0]?.archive, { ok: true, encrypted: false, entries: [{ name: 'log.txt', size: 3, compressedSize: 3 }] });
    assert.deepEqual(files[1]?.archive, { ok: false, problem: 'path_traversal', detail: '../../etc/cron.d/x' });
    const verdict = judgeAttachments(files, policy);
    assert.ok(!verdict.ok);
    assert.equal(verdict.reason, 'too_many_archives');
    assert.deepEqual(verdict.files, ['logspiz.exe', 'evil.zip']);
    assert.ok(verdict.offences.some((o) => o.file === 'evil.zip' && o.reason === 'bad_archive'));
  });

  test('an Office document is a ZIP container but not an accepted archive', async () => {
    const docx = buildZip([
      {
        name: '[Content_Types].xml',
        data: Buffer.from(
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ' +
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        ),
      },
      { name: 'word/document.xml', data: Buffer.from('<w:document/>') },
    ]);
    const inspected = await inspectAttachment({ filename: 'report.docx', content: docx }, policy);
    assert.equal(inspected.kind, 'other');
    assert.equal(inspected.detectedType, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });
});
