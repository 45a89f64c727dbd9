import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { splitCustomerReply } from './reply.js';
import { htmlToPlainText } from './html-text.js';

const HEADER = 'Am 12.03.2024 um 10:15 schrieb Support <support@example.com>:';

describe('splitCustomerReply: one cut for the text and the HTML view', () => {
  test('a text-only mail is split as text, without HTML', () => {
    const result = splitCustomerReply({ text: `Danke.\n\n${HEADER}\n> Alt` });
    assert.deepEqual(result, { replyText: 'Danke.', quotedText: `${HEADER}\n> Alt`, signature: '', replyHtml: null });
  });

  test('the signature the text split found is named on its own, and is part of the quoted text', () => {
    const result = splitCustomerReply({ text: `Danke.\n\n-- \nKim Kunde\nKunde GmbH\n\n${HEADER}\n> Alt` });
    assert.equal(result.replyText, 'Danke.');
    assert.equal(result.signature, '-- \nKim Kunde\nKunde GmbH');
    assert.ok(result.quotedText.includes(result.signature) && result.quotedText.includes('> Alt'), result.quotedText);
  });

  test('an HTML-only mail: the text is the HTML reply converted (html-to-text)', () => {
    const result = splitCustomerReply({ html: `<p>Danke, <b>erledigt</b> &amp; gut.</p><div>${HEADER.replace('<', '&lt;').replace('>', '&gt;')}</div><blockquote>Alt</blockquote>` });
    assert.equal(result.replyText, 'Danke, erledigt & gut.');
    assert.equal(result.replyHtml, '<p>Danke, <b>erledigt</b> &amp; gut.</p>');
    assert.match(result.quotedText, /^Am 12\.03\.2024/);
  });

  test('both parts cut at the same place: the text part is kept as the client wrote it', () => {
    const result = splitCustomerReply({
      text: `Danke,\nerledigt.\n\n${HEADER}\n> Alt`,
      html: `<p>Danke,<br>erledigt.</p><div class="gmail_quote">${HEADER}<blockquote>Alt</blockquote></div>`,
    });
    assert.equal(result.replyText, 'Danke,\nerledigt.');
    assert.equal(result.replyHtml, '<p>Danke,<br>erledigt.</p>');
  });

  test('the HTML cuts earlier (a quote container the text does not show): both views take the HTML cut', () => {
    // The text part carries the old message without any header the text rules know.
    const result = splitCustomerReply({
      text: 'Danke, erledigt.\n\nAlter Text der Anfrage',
      html: '<div>Danke, erledigt.</div><div class="gmail_quote">Alter Text der Anfrage</div>',
    });
    assert.equal(result.replyText, 'Danke, erledigt.');
    assert.equal(result.replyHtml, '<div>Danke, erledigt.</div>');
    assert.equal(result.quotedText, 'Alter Text der Anfrage');
  });

  test('the text cuts earlier (its header is missing from the HTML part): the HTML is cut at the same line', () => {
    const result = splitCustomerReply({
      text: `Danke, erledigt.\n\n${HEADER}\n> Alter Text`,
      html: '<p>Danke, erledigt.</p><p>Alter Text</p>',
    });
    assert.equal(result.replyText, 'Danke, erledigt.');
    assert.equal(result.replyHtml, '<p>Danke, erledigt.</p>');
  });

  test('history the HTML cannot be cut at: the HTML view shows the text reply instead of the history', () => {
    // The HTML has the history in the same paragraph as the reply; no line to cut at.
    const result = splitCustomerReply({
      text: `Danke, erledigt.\n\n${HEADER}\n> Alter Text`,
      html: '<p>Danke, erledigt. Am Rande: Alter Text</p>',
    });
    assert.equal(result.replyText, 'Danke, erledigt.');
    assert.equal(result.replyHtml, '<p>Danke, erledigt.</p>');
  });

  test('a forward with nothing above: both views keep the forwarded mail', () => {
    const forward = '---------- Forwarded message ---------\nFrom: Support <support@example.com>\nDate: Tue, Mar 12, 2024 at 10:15 AM\nSubject: Ihre Anfrage\nTo: <max@example.com>\n\nDer weitergeleitete Text';
    const result = splitCustomerReply({
      text: forward,
      html: `<div dir="ltr"><div class="gmail_quote">${forward.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>')}</div></div>`,
    });
    assert.ok(result.replyText.includes('Der weitergeleitete Text'));
    assert.ok(result.replyHtml !== null && result.replyHtml.includes('Der weitergeleitete Text'));
  });
});

describe('splitCustomerReply and htmlToPlainText on bad input (RELIABILITY M12)', () => {
  test('M12: 50 KB of repeated characters or tags finishes in < 1 s per input', () => {
    // A whole HTML parse of 50 KB (10 000+ elements) takes 100–260 ms on the 2-core development
    // machine; the regular expressions inside run per line or once over the text.
    for (const seed of ['<div>', '<br>', '<p>&nbsp;</p>', '<hr>', '<td>', '<img>', '<blockquote>', '> x\ny\n', '\u00a0', ' \n', '-A\n', '__\n', 'a@b.de> wrote:\n']) {
      const input = seed.repeat(Math.ceil(50_000 / seed.length));
      for (const run of [() => splitCustomerReply({ text: input, html: input }), () => htmlToPlainText(input)]) {
        const started = performance.now();
        run();
        const elapsed = performance.now() - started;
        assert.ok(elapsed < 1000, `${JSON.stringify(seed)}: ${elapsed.toFixed(0)} ms`);
      }
    }
  });
});
