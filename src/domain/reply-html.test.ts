import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { corpusDir } from '../../test/support/corpus.js';
import { splitReplyHtml } from './reply-html.js';

const REPLY = '<div dir="ltr">Danke, funktioniert jetzt.</div>';
const pick = ({ replyHtml, quotedHtml }: { replyHtml: string; quotedHtml: string }) => ({ replyHtml, quotedHtml });

describe('splitReplyHtml: quote containers', () => {
  // leftover: the client's wrapper that stays behind once its quote is removed.
  const cases: Array<[name: string, quote: string, marker: string, leftover?: string]> = [
    [
      'Gmail div.gmail_quote',
      '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">Am Di., 12. März 2024 um 10:15 Uhr schrieb Support:<br></div><blockquote class="gmail_quote">Alter Text</blockquote></div>',
      'gmail_attr',
    ],
    [
      'Apple Mail blockquote type="cite"',
      '<div><br><blockquote type="cite"><div>On 12 Mar 2024, at 10:15, Support wrote:</div><div>Old text</div></blockquote></div>',
      'type="cite"',
    ],
    [
      'Thunderbird moz-cite-prefix',
      '<div class="moz-cite-prefix">Am 12.03.24 um 10:15 schrieb Support:<br></div><blockquote type="cite">Alter Text</blockquote>',
      'moz-cite-prefix',
    ],
    [
      'Outlook #appendonsend + hr + #divRplyFwdMsg',
      '<div id="appendonsend"></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Support<br><b>Sent:</b> Tuesday</div><div>Old text</div>',
      'divRplyFwdMsg',
    ],
    [
      'Outlook desktop hr + #divRplyFwdMsg',
      '<hr><div id="divRplyFwdMsg"><b>Von:</b> Support<br><b>Gesendet:</b> Dienstag</div><div>Alter Text</div>',
      '<hr>',
    ],
  ];
  for (const [name, quote, marker, leftover = ''] of cases) {
    test(name, () => {
      const result = splitReplyHtml(`<html><body>${REPLY}${quote}</body></html>`);
      assert.equal(result.replyHtml, `<html><body>${REPLY}${leftover}</body></html>`);
      assert.ok(result.quotedHtml.includes(marker), result.quotedHtml);
      assert.ok(!result.replyHtml.includes('Alter Text') && !result.replyHtml.includes('Old text'));
    });
  }

  test('what follows the container at outer levels is quoted too', () => {
    const html = `<body><div>${REPLY}<div class="gmail_quote">Alt</div><p>Fußzeile alt</p></div><p>Noch älter</p></body>`;
    const result = splitReplyHtml(html);
    assert.equal(result.replyHtml, `<body><div>${REPLY}</div></body>`);
    assert.equal(result.quotedHtml, '<div class="gmail_quote">Alt</div><p>Fußzeile alt</p><p>Noch älter</p>');
  });

  test('HTML without a quote container is returned unchanged', () => {
    const html = '<p>Nur <b>neuer</b> Text &amp; mehr</p>';
    assert.deepEqual(pick(splitReplyHtml(html)), { replyHtml: html, quotedHtml: '' });
  });

  test('a mail that is only a quote is returned whole', () => {
    const html = '<html><head><style>p{margin:0}</style></head><body><p>&nbsp;</p><div class="gmail_quote">Alt</div></body></html>';
    assert.deepEqual(pick(splitReplyHtml(html)), { replyHtml: html, quotedHtml: '' });
  });

  test('an image alone counts as a reply', () => {
    const result = splitReplyHtml('<img src="cid:x"><blockquote type="cite">Alt</blockquote>');
    assert.equal(result.replyHtml, '<img src="cid:x">');
  });

  test('real Outlook forward (corpus) with nothing above the header is returned whole', () => {
    const html = readFileSync(corpusDir('mimekit/UnitTests/TestData/tnef/panic/message.html'), 'latin1');
    assert.ok(html.includes('divRplyFwdMsg'));
    assert.deepEqual(pick(splitReplyHtml(html)), { replyHtml: html, quotedHtml: '' });
  });

  test('real Outlook HTML (corpus) with a reply added above is split at its header block', () => {
    const html = readFileSync(corpusDir('mimekit/UnitTests/TestData/tnef/panic/message.html'), 'latin1');
    const withReply = html.replace('<p><br>', '<p>Erledigt.<br>');
    const result = splitReplyHtml(withReply);
    assert.ok(result.replyHtml.includes('Erledigt.'));
    assert.ok(!result.replyHtml.includes('divRplyFwdMsg') && !result.replyHtml.includes('<hr'));
    assert.match(result.quotedHtml, /^\s*(?:<br>\s*)*<div[^>]*>\s*<hr/);
    assert.ok(result.quotedHtml.includes('Andreas Wallenberg'));
  });
});

describe('splitReplyHtml: bad input (RELIABILITY M1, M12)', () => {
  test('M1: 10 000 nested elements are not split and do not overflow the stack', () => {
    const html = `${'<div>'.repeat(10_000)}x<div class="gmail_quote">q</div>${'</div>'.repeat(10_000)}`;
    assert.deepEqual(pick(splitReplyHtml(html)), { replyHtml: html, quotedHtml: '' });
  });

  test('M1: 400 nested blockquotes around 200 000 lines do not multiply the line text by the depth', () => {
    const html = `${'<blockquote>'.repeat(400)}${'x<br>'.repeat(200_000)}${'</blockquote>'.repeat(400)}`;
    const result = splitReplyHtml(`<p>Antwort</p>${html}`);
    assert.equal(result.lines[1], '> x');
    assert.ok(result.lines.reduce((n, l) => n + l.length, 0) < 1_000_000);
  });

  test('M12: 50 KB of repeated characters finishes in < 1 s per input', () => {
    for (const seed of ['<', '>', '<div>', '<blockquote type="cite">', '&', '<!--', '"', 'a']) {
      const text = seed.repeat(Math.ceil(50_000 / seed.length));
      const started = performance.now();
      splitReplyHtml(text);
      assert.ok(performance.now() - started < 1000, seed);
    }
  });
});
