// HTML replies as each common mail client writes them: the reply text a case shows is exactly
// what the customer wrote, and the quoted history is cut from both the text and the HTML.
// Real samples from the corpus (test/corpus/MANIFEST.md) come first; where no public sample
// exists, the sample is written here and its comment says what it is modelled on.
import { CLIENT_REPLY_HTML } from '../../test/fixtures/reply-clients.js';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { corpusDir } from '../../test/support/corpus.js';
import { splitCustomerReply } from './reply.js';
import { htmlToPlainText } from './html-text.js';

const quotequail = (name: string): string => readFileSync(corpusDir('closeio-quotequail/tests/files', name), 'utf8');

/** Asserts the text kept, that the history words are gone from both views and kept as quoted. */
function expectSplit(html: string, reply: string, history: string[], signature?: string): void {
  const result = splitCustomerReply({ html });
  assert.equal(result.replyText, reply);
  assert.ok(result.replyHtml !== null);
  const htmlText = htmlToPlainText(result.replyHtml);
  for (const word of history) {
    assert.ok(!result.replyText.includes(word), `reply text holds "${word}"`);
    assert.ok(!htmlText.includes(word), `reply HTML holds "${word}"`);
    assert.ok(result.quotedText.includes(word), `quoted text lacks "${word}": ${result.quotedText}`);
  }
  if (signature !== undefined) {
    assert.ok(!htmlText.includes(signature), `reply HTML holds the signature "${signature}"`);
    assert.ok(result.quotedText.startsWith(signature), result.quotedText);
  }
}

describe('HTML replies from real clients (corpus)', () => {
  test('Apple Mail (macOS): <blockquote type="cite"> with "On …, … wrote:"', () => {
    expectSplit(quotequail('apple_reply.html'), 'Foo\n\nBar', ['wrote:', 'Some important email']);
  });

  test('iOS Mail: header outside the blockquote, "Sent from my iPhone" is the signature', () => {
    expectSplit(
      quotequail('ios_mail_reply_unescaped_address.html'),
      "Sounds good, I'll be there at 2.",
      ['On Sep 4, 2025, at 11:30 AM', 'can we reschedule'],
      'Sent from my iPhone',
    );
  });

  test('Gmail (web): div.gmail_quote, the signature after the quote goes with it', () => {
    expectSplit(quotequail('gmail_reply.html'), 'foo\n\nbar', ['On Wed, Mar 16, 2016', 'This is the reply', 'Senior Director']);
  });

  test('Yahoo: div.…yahoo_quoted with a per-message class prefix', () => {
    expectSplit(
      quotequail('yahoo_reply_unescaped_address.html'),
      'Thanks Jane, that looks great. One question on item 2 - can we ship it before Friday?\n\nDan',
      ['On Thursday, September 4, 2025', 'Track lights'],
    );
  });

  test('Outlook desktop 2010: border-top div and "From:/Sent:/To:/Subject:" in MsoNormal paragraphs', () => {
    expectSplit(quotequail('outlook_forward.html'), 'Original message\n\nMore text', ['From: John Doe', 'The subject!', 'How are you doing?']);
  });

  test('Outlook.com: #appendonsend, <hr> and #divRplyFwdMsg (real Outlook HTML with a reply added above)', () => {
    const html = readFileSync(corpusDir('mimekit/UnitTests/TestData/tnef/panic/message.html'), 'latin1');
    expectSplit(html.replace('<p><br>', '<p>Erledigt.<br>'), 'Erledigt.', ['Andreas Wallenberg', 'Flytta ner']);
  });

  for (const [client, file, kept] of [
    ['Gmail', 'gmail_forward.html', 'Some text'],
    ['Apple Mail', 'apple_forward.html', 'Text of the original email'],
    ['Thunderbird', 'thunderbird_forward.html', 'This is a test.'],
    ['Mail.ru', 'mailru_forward.html', 'Это тест!'],
  ] as const) {
    test(`${client} forward: what was written above the forward is kept, a bare forward stays visible`, () => {
      const result = splitCustomerReply({ html: quotequail(file) });
      if (file === 'thunderbird_forward.html' || file === 'mailru_forward.html') {
        // Nothing written above the forwarded mail: the case shows the forwarded mail.
        assert.ok(result.replyText.includes(kept), result.replyText);
      } else {
        assert.equal(result.replyText, 'test\n\nblah');
        assert.ok(result.quotedText.includes(kept));
      }
    });
  }
});

const REPLY = 'Danke, das Problem ist gelöst.';

/** Outlook desktop 2013–2021/365 (Word HTML): the reply in MsoNormal paragraphs, then a border-top div. */
function outlookDesktop(labels: [from: string, sent: string, to: string, subject: string], border = '#E1E1E1 1.0pt'): string {
  const [from, sent, to, subject] = labels;
  return `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta name="Generator" content="Microsoft Word 15 (filtered medium)"><style><!-- p.MsoNormal {margin:0cm;} --></style></head>
<body lang="DE" link="#0563C1" vlink="#954F72"><div class="WordSection1">
<p class="MsoNormal">${REPLY}<o:p></o:p></p>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<div style="border:none;border-top:solid ${border};padding:3.0pt 0cm 0cm 0cm">
<p class="MsoNormal"><b>${from}:</b> Support &lt;support@example.com&gt; <br><b>${sent}:</b> Dienstag, 12. März 2024 10:15<br><b>${to}:</b> Max Mustermann &lt;max@example.com&gt;<br><b>${subject}:</b> [#123] Ihre Anfrage<o:p></o:p></p>
</div>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<p class="MsoNormal">Alter Text der Anfrage<o:p></o:p></p>
</div></body></html>`;
}

describe('HTML replies from clients without a public sample (written here)', () => {
  for (const [language, labels] of [
    ['German', ['Von', 'Gesendet', 'An', 'Betreff']],
    ['English', ['From', 'Sent', 'To', 'Subject']],
    ['French', ['De', 'Envoyé', 'À', 'Objet']],
    ['Spanish', ['De', 'Enviado el', 'Para', 'Asunto']],
    ['Italian', ['Da', 'Inviato', 'A', 'Oggetto']],
    ['Dutch', ['Van', 'Verzonden', 'Aan', 'Onderwerp']],
    ['Russian', ['От', 'Отправлено', 'Кому', 'Тема']],
  ] as const) {
    test(`Outlook desktop 365 (${language}): border-top div with "${labels.join('/')}"`, () => {
      expectSplit(outlookDesktop([...labels]), REPLY, [`${labels[0]}:`, 'Alter Text der Anfrage']);
    });
  }

  test('Outlook 2007: border-top #B5C4DF and Tahoma header, quotequail\'s Outlook test input', () => {
    // The input of quotequail's test_quote_html[Outlook] (tests/test_quote_html.py), as Outlook 2007/2010 writes it.
    const html = `<html><body lang=EN-US link=blue vlink=purple><div class=WordSection1><p class=MsoNormal><span style='font-size:11.0pt;color:#1F497D'>Thanks,<o:p></o:p></span></p><p class=MsoNormal><span style='font-size:11.0pt;color:#1F497D'><o:p>&nbsp;</o:p></span></p><div><div style='border:none;border-top:solid #B5C4DF 1.0pt;padding:3.0pt 0in 0in 0in'><p class=MsoNormal><b><span style='font-size:10.0pt;font-family:"Tahoma","sans-serif"'>From:</span></b><span style='font-size:10.0pt;font-family:"Tahoma","sans-serif"'> John Doe [mailto:john@example.com] <br><b>Sent:</b> Tuesday, December 30, 2014 5:31 PM<br><b>To:</b> recipient@example.com<br><b>Subject:</b> Excited to have you on board!<o:p></o:p></span></p></div></div><p class=MsoNormal><o:p>&nbsp;</o:p></p><p>Hey,<o:p></o:p></p></div></body></html>`;
    expectSplit(html, 'Thanks,', ['John Doe', 'Excited to have you on board!', 'Hey,']);
  });

  test('Outlook / Windows Live Hotmail: <hr id="stopSpelling"> before "From:/To:/Subject:/Date:"', () => {
    // Modelled on the HTML Windows Live Hotmail and Outlook Express wrote (the rule's id is
    // "stopSpelling"; the header lines are separated by <br>).
    const html = `<html><body class="hmmessage"><div dir="ltr">${REPLY}<br><br><div><hr id="stopSpelling">From: support@example.com<br>To: max@hotmail.com<br>Subject: RE: [#123] Ihre Anfrage<br>Date: Tue, 12 Mar 2024 10:15:00 +0100<br><br>Alter Text<br></div></div></body></html>`;
    expectSplit(html, REPLY, ['support@example.com', 'Alter Text']);
  });

  test('Outlook for Mac: border-top div with bold "From:/Date:/To:/Subject:" in one span', () => {
    // Modelled on Outlook for Mac 16: the header block starts with From and uses Date, not Sent.
    const html = CLIENT_REPLY_HTML.outlookMac(REPLY);
    expectSplit(html, REPLY, ['Support <support@example.com>', 'Old request text']);
  });

  test('Windows Mail (Windows 10/11): "Gesendet von Mail für Windows" is the signature, then the header block', () => {
    // Modelled on the Windows 10 Mail app: Word HTML, the app's sign-off line, then a
    // para-border-div with "Von:/Gesendet:/An:/Betreff:".
    const html = CLIENT_REPLY_HTML.windowsMail(REPLY);
    expectSplit(html, REPLY, ['Von:', 'Alter Text'], 'Gesendet von Mail');
  });

  test('Thunderbird: moz-cite-prefix, the signature (div.moz-signature, "-- ") above the quote', () => {
    // Modelled on Thunderbird 115 with "start my reply above the quote" and "place my signature below my reply".
    const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head><body><p>${REPLY}</p><div class="moz-signature">-- <br>Max Mustermann<br>ACME GmbH</div><div class="moz-cite-prefix">Am 12.03.24 um 10:15 schrieb Support:<br></div><blockquote type="cite" cite="mid:abc@example.com">Alter Text</blockquote></body></html>`;
    expectSplit(html, REPLY, ['Am 12.03.24 um 10:15 schrieb Support:', 'Alter Text'], '--');
  });

  test('Gmail (Android, German): div.gmail_quote with gmail_attr "Am … schrieb … <…>:"', () => {
    // Modelled on Gmail for Android: the reply in div[dir=auto], the attribution in div.gmail_attr.
    const html = `<div dir="auto">${REPLY}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">Am Di., 12. März 2024, 10:15 schrieb Support &lt;<a href="mailto:support@example.com">support@example.com</a>&gt;:<br></div><blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">Alter Text</blockquote></div>`;
    expectSplit(html, REPLY, ['Am Di., 12. März 2024', 'Alter Text']);
  });

  test('GMX / Web.de: "Gesendet:" above "Von:/An:/Betreff:" in a bordered div, no blockquote', () => {
    // Modelled on the GMX and Web.de webmailer (one product of 1&1 Mail & Media): the header
    // starts with "Gesendet:", the quote is a div with a left border and name="quote".
    const html = CLIENT_REPLY_HTML.gmxWebDe(REPLY);
    expectSplit(html, REPLY, ['Gesendet:', 'Alter Text']);
  });

  test('T-Online: "-----Original-Nachricht-----" then "Betreff:/Datum:/Von:/An:"', () => {
    // Modelled on the T-Online webmailer's reply: a marker line and the header fields as divs.
    const html = CLIENT_REPLY_HTML.tOnline(REPLY);
    expectSplit(html, REPLY, ['Original-Nachricht', 'Alter Text']);
  });

  test('Mail.ru: "…, 10:15 +03:00 от Support <…>:" above a plain <blockquote>', () => {
    // Modelled on Mail.ru's webmailer: the attribution ends with "от <sender>:" and the quote is a styled blockquote.
    const html = `<html><body><div>Спасибо, всё работает.</div><div>&nbsp;</div><div>&nbsp;</div>Вторник, 12 марта 2024, 10:15 +03:00 от Support &lt;support@example.com&gt;:<br><blockquote style="border-left:1px solid #0857A6; margin:10px; padding:0 0 0 10px;"><div id="">Старый текст</div></blockquote></body></html>`;
    expectSplit(html, 'Спасибо, всё работает.', ['Вторник, 12 марта 2024', 'Старый текст']);
  });

  test('Yandex: "12.03.2024, 10:15, "Support" <…>:" above a plain <blockquote>', () => {
    // Modelled on Yandex Mail: date, time and sender, then the quote in a bare blockquote.
    const html = CLIENT_REPLY_HTML.yandex('Спасибо, всё работает.');
    expectSplit(html, 'Спасибо, всё работает.', ['12.03.2024, 10:15', 'Старый текст']);
  });

  test('Outlook on the web: the signature element (div#Signature) and the reply container are both cut', () => {
    // Modelled on Outlook on the web / new Outlook: reply in div.elementToProof, the signature in
    // div#Signature, then #appendonsend, <hr> and #divRplyFwdMsg.
    const html = `<html><body><div class="elementToProof" style="font-family:Aptos">${REPLY}</div><div id="Signature"><div>Max Mustermann</div><div>ACME GmbH · Tel. 0123 456</div></div><div id="appendonsend"></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><b>Von:</b> Support &lt;support@example.com&gt;<br><b>Gesendet:</b> Dienstag, 12. März 2024 10:15<br><b>An:</b> Max<br><b>Betreff:</b> Ihre Anfrage</div><div>Alter Text</div></body></html>`;
    expectSplit(html, REPLY, ['Von:', 'Alter Text'], 'Max Mustermann');
  });

  test('Gmail: the signature element (div.gmail_signature) without a quote below it', () => {
    const html = `<div dir="ltr">${REPLY}<br clear="all"><div><br></div><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature"><div dir="ltr">Max Mustermann<div>ACME GmbH</div></div></div></div>`;
    const result = splitCustomerReply({ html });
    assert.equal(result.replyText, REPLY);
    assert.match(result.quotedText, /^--\s+Max Mustermann/);
  });

  test('iOS Mail: div#AppleMailSignature holds the signature even when it is not boilerplate', () => {
    const html = `<html><body dir="auto"><div dir="ltr">${REPLY}</div><div dir="ltr"><br id="lineBreakAtBeginningOfSignature"><div dir="ltr" id="AppleMailSignature">Max Mustermann, ACME GmbH</div></div></body></html>`;
    const result = splitCustomerReply({ html });
    assert.equal(result.replyText, REPLY);
    assert.equal(result.quotedText, 'Max Mustermann, ACME GmbH');
  });

  test('plain text sent as HTML in <pre> (as text-only clients\' gateways write it): the text node is cut at the header line', () => {
    const html = `<html><body><pre>${REPLY}\r\n\r\nAm 12.03.2024 um 10:15 schrieb Support &lt;support@example.com&gt;:\r\n&gt; Alter Text\r\n</pre></body></html>`;
    const result = splitCustomerReply({ html });
    assert.equal(result.replyText, REPLY);
    assert.equal(result.replyHtml, `<html><body><pre>${REPLY}\r\n\r\n</pre></body></html>`);
    assert.match(result.quotedText, /^Am 12\.03\.2024/);
  });

  test('a webmailer\'s "… пишет:" above a plain <blockquote>', () => {
    const html = `<div>Спасибо, всё работает.</div><div>12.03.2024 10:15, Support пишет:</div><blockquote>Старый текст</blockquote>`;
    expectSplit(html, 'Спасибо, всё работает.', ['пишет:', 'Старый текст']);
  });
});
