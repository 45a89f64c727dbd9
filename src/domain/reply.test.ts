import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_HTML_TAGS, splitCustomerReply } from './reply.js';
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
  test('M12: 50 KB of repeated characters or tags takes < 1 s of CPU per input', () => {
    // A whole HTML parse of 50 KB (10 000+ elements) takes 100–260 ms on the 2-core development
    // machine; the regular expressions inside run per line or once over the text. CPU time, not
    // wall time: a machine busy with other work must not fail this (1,020 ms wall was seen).
    for (const seed of ['<div>', '<br>', '<p>&nbsp;</p>', '<hr>', '<td>', '<img>', '<blockquote>', '> x\ny\n', '\u00a0', ' \n', '-A\n', '__\n', 'a@b.de> wrote:\n']) {
      const input = seed.repeat(Math.ceil(50_000 / seed.length));
      for (const run of [() => splitCustomerReply({ text: input, html: input }), () => htmlToPlainText(input)]) {
        const started = process.cpuUsage();
        run();
        const used = process.cpuUsage(started);
        const elapsed = (used.user + used.system) / 1000;
        assert.ok(elapsed < 1000, `${JSON.stringify(seed)}: ${elapsed.toFixed(0)} ms of CPU`);
      }
    }
  });
});

describe('splitCustomerReply on deeply nested HTML (found by fuzzing)', () => {
  // htmlparser2's open-element stack makes n nested unclosed tags cost O(n²): 1 MiB of this took
  // 11.6 s of CPU. Past MAX_HTML_TAGS the mail is split by its text alone, without parsing the HTML.
  const nested = (tags: number) => '<html><di'.repeat(Math.ceil(tags / 2));

  test('HTML with more than MAX_HTML_TAGS tags is shown by its text alone', () => {
    const reply = splitCustomerReply({ text: 'Hallo,\n\ndas Problem besteht weiter.\n\n> alter Text', html: nested(MAX_HTML_TAGS + 2) });
    assert.equal(reply.replyHtml, null);
    assert.equal(reply.replyText, 'Hallo,\n\ndas Problem besteht weiter.');
  });

  test('HTML up to the cap is still split as HTML', () => {
    const reply = splitCustomerReply({ text: '', html: `<p>Hallo</p>${'<b>x</b>'.repeat(1000)}` });
    assert.ok(reply.replyHtml?.includes('Hallo'));
  });

  test('1 MiB of nested tags with no text part ends without parsing the HTML', () => {
    const started = process.cpuUsage();
    const reply = splitCustomerReply({ text: null, html: nested(240_000) });
    const used = process.cpuUsage(started);
    const cpuMs = (used.user + used.system) / 1000;
    assert.equal(reply.replyHtml, null);
    assert.equal(reply.replyText, '');
    // Parsing it would take seconds; counting its tags takes milliseconds.
    assert.ok(cpuMs < 1000, `${cpuMs.toFixed(0)} ms of CPU`);
  });
});
