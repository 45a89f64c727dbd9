import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DISPLAY_NAME_LENGTH, safeDisplayName } from './safe-display-name.js';

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
