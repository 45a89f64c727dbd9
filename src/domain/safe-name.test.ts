import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DISPLAY_NAME_LENGTH, safeAttachmentName, safeDisplayName } from './safe-name.js';

/** With the u flag, only a surrogate without its partner matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

describe('safeDisplayName (RELIABILITY A3)', () => {
  test('missing or empty names get the fallback', () => {
    assert.equal(safeDisplayName(null), 'unnamed');
    assert.equal(safeDisplayName(undefined, { fallback: 'inline image' }), 'inline image');
    assert.equal(safeDisplayName(' \u0000\u202e '), 'unnamed');
  });

  test('RELIABILITY A3: path separators cannot make a name look like a path', () => {
    assert.equal(safeDisplayName('../../x'), '.._.._x');
    assert.equal(safeDisplayName('..\\..\\boot.ini'), '.._.._boot.ini');
    assert.equal(safeDisplayName('dir\\a.txt', { keepSlashes: true }), 'dir/a.txt');
  });

  test('RELIABILITY A3: the RTL override trick and other invisible characters are removed', () => {
    assert.equal(safeDisplayName('invoice\u202Efdp.exe'), 'invoicefdp.exe');
    assert.equal(safeDisplayName('a\u200Bb\u2066c\u2069\uFEFF.png'), 'abc.png');
    assert.equal(safeDisplayName('bad\u0000name\r\nBcc: x.png'), 'badnameBcc: x.png');
    assert.equal(safeDisplayName('esc\u001b[31m.png'), 'esc[31m.png');
    // Next line (C1), word joiner, BOM and the Arabic letter mark: invisible, yet once kept by the
    // attachment names of mail and uploads.
    assert.equal(safeDisplayName('in\u0085vo\u2060ice\uFEFF\u061C.pdf'), 'invoice.pdf');
  });

  test('RELIABILITY A3: a lone surrogate is removed; a pair (an emoji) stays', () => {
    assert.equal(safeDisplayName('re\uD83Dport.pdf'), 'report.pdf');
    assert.equal(safeDisplayName('\uDE00report😀.pdf'), 'report😀.pdf');
    assert.equal(safeDisplayName('\uD800'), 'unnamed');
    assert.doesNotMatch(safeDisplayName('a\uDBFFb\uDC00c'.repeat(100)), LONE_SURROGATE);
  });

  test('RELIABILITY A3: HTML and reserved device names stay visible text (escaping happens on output)', () => {
    assert.equal(safeDisplayName('<img src=x onerror=alert(1)>.png'), '<img src=x onerror=alert(1)>.png');
    assert.equal(safeDisplayName('CON.png'), 'CON.png');
  });

  test('RELIABILITY A3: 1 000 characters are cut to the cap, keeping the extension', () => {
    const long = `${'a'.repeat(1000)}.png`;
    const shown = safeDisplayName(long);
    assert.equal(Array.from(shown).length, MAX_DISPLAY_NAME_LENGTH);
    assert.ok(shown.endsWith('….png'));
    const emoji = safeDisplayName('😀'.repeat(500));
    assert.equal(Array.from(emoji).length, MAX_DISPLAY_NAME_LENGTH);
    assert.ok(!/[\uD800-\uDBFF]…/.test(emoji), 'no lone surrogate before the ellipsis');
  });

  test('ordinary names, including non-Latin ones, are unchanged (NFC)', () => {
    assert.equal(safeDisplayName('Rechnung März.pdf'), 'Rechnung März.pdf');
    assert.equal(safeDisplayName('Ma\u0308rz.png'), 'M\u00e4rz.png');
    assert.equal(safeDisplayName('七个房间.txt'), '七个房间.txt');
  });
});

describe('safeAttachmentName: the name stored for an attachment of a mail or an upload', () => {
  test('the same cleaning as every shown name, the invisible characters and lone surrogates included', () => {
    assert.equal(safeAttachmentName('in\u0085vo\u2060ice\uFEFF\u061C\u202E.pdf', 'application/pdf', 0), 'invoice.pdf');
    assert.equal(safeAttachmentName('scan\uD83D.png', 'image/png', 0), 'scan.png');
    assert.equal(safeAttachmentName('a/b\\c.txt', null, 0), 'a_b_c.txt');
  });

  test('leading dots are dropped so that the download is no hidden file', () => {
    assert.equal(safeAttachmentName('.bashrc', null, 0), 'bashrc');
    assert.equal(safeAttachmentName('../../etc/passwd', null, 0), '_.._etc_passwd');
  });

  test('a missing or empty name becomes attachment-<n> with the extension of the detected type', () => {
    assert.equal(safeAttachmentName(null, 'image/jpeg', 0), 'attachment-1.jpg');
    assert.equal(safeAttachmentName('\u200B\uFEFF\uD800', 'application/zip', 2), 'attachment-3.zip');
    assert.equal(safeAttachmentName('...', 'application/x-unknown', 4), 'attachment-5.bin');
  });

  test('a long name is cut to 200 code points, keeping the extension, with no surrogate cut in half', () => {
    const name = safeAttachmentName(`${'😀'.repeat(300)}.png`, 'image/png', 0);
    assert.equal(Array.from(name).length, MAX_DISPLAY_NAME_LENGTH);
    assert.ok(name.endsWith('….png'));
    assert.doesNotMatch(name, LONE_SURROGATE);
  });
});
