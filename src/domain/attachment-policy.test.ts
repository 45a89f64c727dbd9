import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ATTACHMENT_POLICY, isSignatureType, judgeAttachments } from './attachment-policy.js';
import type { AttachmentPolicy, InspectedFile } from './attachment-policy.js';

const png = (name: string): InspectedFile => ({ name, detectedType: 'image/png', kind: 'image' });
const zip = (name: string, encrypted = false): InspectedFile => ({
  name,
  detectedType: 'application/zip',
  kind: 'archive',
  archive: { ok: true, encrypted, entries: [{ name: 'a.txt', size: 5, compressedSize: 5 }] },
});
const other = (name: string, detectedType: string | null): InspectedFile => ({ name, detectedType, kind: 'other' });

describe('judgeAttachments', () => {
  test('no files, allowed images and one clean ZIP pass', () => {
    assert.deepEqual(judgeAttachments([], DEFAULT_ATTACHMENT_POLICY), { ok: true });
    const images = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/tiff', 'image/heic', 'image/heif'];
    const files = images.map((t, i): InspectedFile => ({ name: `f${i}`, detectedType: t, kind: 'image' }));
    assert.deepEqual(judgeAttachments([...files, zip('logs.zip')], DEFAULT_ATTACHMENT_POLICY), { ok: true });
  });

  test('RELIABILITY A1: SVG is refused, by detection and even when an installation lists it', () => {
    // Magic bytes do not recognise SVG (it is text), so an SVG labelled image/png arrives as 'other'.
    const svg = other('logo.png', null);
    const verdict = judgeAttachments([svg], DEFAULT_ATTACHMENT_POLICY);
    assert.equal(verdict.ok, false);
    assert.ok(!verdict.ok && verdict.reason === 'attachment_type');
    const careless: AttachmentPolicy = { ...DEFAULT_ATTACHMENT_POLICY, allowedImageTypes: ['image/svg+xml', 'image/png'] };
    const claimed = judgeAttachments([{ name: 'x.svg', detectedType: 'image/svg+xml', kind: 'image' }], careless);
    assert.ok(!claimed.ok && claimed.reason === 'attachment_type' && claimed.files[0] === 'x.svg');
  });

  test('RELIABILITY A7: a forbidden type beside allowed images names each offending file', () => {
    const verdict = judgeAttachments(
      [png('shot.png'), other('setup.exe', 'application/x-msdownload'), png('b.png'), other('page.png', null)],
      DEFAULT_ATTACHMENT_POLICY,
    );
    assert.ok(!verdict.ok);
    assert.equal(verdict.reason, 'attachment_type');
    assert.deepEqual(verdict.files, ['setup.exe', 'page.png']);
    assert.match(verdict.detail, /setup\.exe: type application\/x-msdownload is not allowed/);
    assert.match(verdict.detail, /page\.png: type unrecognised is not allowed/);
  });

  test('an image type the installation does not allow is attachment_type', () => {
    const verdict = judgeAttachments([{ name: 'icon.ico', detectedType: 'image/x-icon', kind: 'image' }], DEFAULT_ATTACHMENT_POLICY);
    assert.ok(!verdict.ok && verdict.reason === 'attachment_type');
    assert.deepEqual(!verdict.ok && verdict.files, ['icon.ico']);
    const jpegOnly: AttachmentPolicy = { ...DEFAULT_ATTACHMENT_POLICY, allowedImageTypes: ['image/jpeg'] };
    const pngVerdict = judgeAttachments([png('a.png')], jpegOnly);
    assert.ok(!pngVerdict.ok && pngVerdict.files[0] === 'a.png');
  });

  test('RELIABILITY A7: two ZIPs are too_many_archives and both are named', () => {
    const verdict = judgeAttachments([png('a.png'), zip('one.zip'), zip('two.zip')], DEFAULT_ATTACHMENT_POLICY);
    assert.ok(!verdict.ok);
    assert.equal(verdict.reason, 'too_many_archives');
    assert.deepEqual(verdict.files, ['one.zip', 'two.zip']);
    const two: AttachmentPolicy = { ...DEFAULT_ATTACHMENT_POLICY, maxArchives: 2 };
    assert.deepEqual(judgeAttachments([zip('one.zip'), zip('two.zip')], two), { ok: true });
  });

  test('maxArchives 0 forbids archives as a type', () => {
    const none: AttachmentPolicy = { ...DEFAULT_ATTACHMENT_POLICY, maxArchives: 0 };
    const verdict = judgeAttachments([zip('a.zip')], none);
    assert.ok(!verdict.ok && verdict.reason === 'attachment_type' && verdict.files[0] === 'a.zip');
  });

  test('a ZIP that failed inspection is bad_archive with its problem', () => {
    const bad: InspectedFile = { name: 'evil.zip', detectedType: 'application/zip', kind: 'archive', archive: { ok: false, problem: 'path_traversal' } };
    const verdict = judgeAttachments([png('a.png'), bad], DEFAULT_ATTACHMENT_POLICY);
    assert.ok(!verdict.ok);
    assert.equal(verdict.reason, 'bad_archive');
    assert.deepEqual(verdict.files, ['evil.zip']);
    assert.equal(verdict.detail, 'evil.zip: path_traversal');
    const uninspected: InspectedFile = { name: 'x.zip', detectedType: 'application/zip', kind: 'archive' };
    const v2 = judgeAttachments([uninspected], DEFAULT_ATTACHMENT_POLICY);
    assert.ok(!v2.ok && v2.reason === 'bad_archive');
  });

  test('RELIABILITY A6: an encrypted ZIP is bad_archive unless the installation allows it', () => {
    const verdict = judgeAttachments([zip('secret.zip', true)], DEFAULT_ATTACHMENT_POLICY);
    assert.ok(!verdict.ok && verdict.reason === 'bad_archive' && verdict.detail === 'secret.zip: encrypted');
    const lenient: AttachmentPolicy = { ...DEFAULT_ATTACHMENT_POLICY, allowEncryptedArchives: true };
    assert.deepEqual(judgeAttachments([zip('secret.zip', true)], lenient), { ok: true });
  });

  test('several problems: reason by priority, every file named once, every offence listed', () => {
    const bad: InspectedFile = { name: 'b.zip', detectedType: 'application/zip', kind: 'archive', archive: { ok: false, problem: 'ratio' } };
    const verdict = judgeAttachments([zip('a.zip'), bad, other('x.html', null)], DEFAULT_ATTACHMENT_POLICY);
    assert.ok(!verdict.ok);
    assert.equal(verdict.reason, 'attachment_type');
    assert.deepEqual(verdict.files, ['a.zip', 'b.zip', 'x.html']);
    assert.deepEqual(
      verdict.offences.map((o) => [o.file, o.reason]),
      [
        ['a.zip', 'too_many_archives'],
        ['b.zip', 'too_many_archives'],
        ['b.zip', 'bad_archive'],
        ['x.html', 'attachment_type'],
      ],
    );
    const noType = judgeAttachments([zip('a.zip'), bad], DEFAULT_ATTACHMENT_POLICY);
    assert.ok(!noType.ok && noType.reason === 'too_many_archives');
  });
});

describe('isSignatureType', () => {
  test('S/MIME and PGP signature types, with parameters and any case', () => {
    assert.equal(isSignatureType('application/pkcs7-signature; name=smime.p7s'), true);
    assert.equal(isSignatureType('Application/X-PKCS7-Signature'), true);
    assert.equal(isSignatureType('application/pgp-signature'), true);
    assert.equal(isSignatureType('application/pkcs7-mime'), false);
    assert.equal(isSignatureType('image/png'), false);
    assert.equal(isSignatureType(''), false);
  });
});

test('A11: an allowed image type declaring more than 100 megapixels is refused as a decode bomb', () => {
  const ok = judgeAttachments([{ name: 'screen.png', detectedType: 'image/png', kind: 'image', pixels: 3840 * 2160 }], DEFAULT_ATTACHMENT_POLICY);
  assert.equal(ok.ok, true);
  const bomb = judgeAttachments([{ name: 'bomb.png', detectedType: 'image/png', kind: 'image', pixels: 100_000 * 100_000 }], DEFAULT_ATTACHMENT_POLICY);
  assert.equal(bomb.ok, false);
  if (!bomb.ok) {
    assert.equal(bomb.reason, 'attachment_type');
    assert.deepEqual(bomb.files, ['bomb.png']);
    assert.match(bomb.detail, /declares 10000000000 pixels/);
  }
});
