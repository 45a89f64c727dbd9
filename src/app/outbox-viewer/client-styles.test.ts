import { test } from 'node:test';
import assert from 'node:assert/strict';
import { styleReply, type OriginalMail } from './client-styles.js';

const original: OriginalMail = {
  fromName: 'Alex Agent',
  fromAddress: 'support+10001-abc@support.example.com',
  to: ['anna@kunde.example'],
  subject: '[Case #10001] Export bricht ab',
  date: new Date('2026-12-06T14:20:00Z'),
  text: 'Bitte senden Sie uns das Log.\n\n> Der Export bricht ab.\n',
  html: '<p>Bitte senden Sie uns das Log.</p>',
};
const who = { sender: 'anna@kunde.example', seed: 'seed-1' };

test('plain: the answer on top, the history quoted with ">" (quotes of quotes get ">>"), Thunderbird\'s attribution', () => {
  const r = styleReply('plain', 'de', 'Hier ist das Log.', original, who);
  assert.equal(r.subject, 'Re: [Case #10001] Export bricht ab');
  assert.equal(r.html, null);
  assert.equal(r.text, 'Hier ist das Log.\n\nAm 06.12.2026 um 14:20 schrieb Alex Agent:\n> Bitte senden Sie uns das Log.\n>\n>> Der Export bricht ab.\n');
  assert.equal(r.messageIdDomain, 'kunde.example');
  const en = styleReply('plain', 'en', 'Here it is.', original, who);
  assert.match(en.text, /^On 06\/12\/2026 14:20, Alex Agent wrote:$/m);
});

test('outlook: "AW:" in German, "RE:" in English, the "Von: … Gesendet: …" block under a rule, Outlook\'s headers', () => {
  const de = styleReply('outlook', 'de', 'Anbei <das> Log & mehr.', original, who);
  assert.equal(de.subject, 'AW: [Case #10001] Export bricht ab');
  assert.match(de.html!, /<b>Von:<\/b> Alex Agent &lt;support\+10001-abc@support\.example\.com&gt;<br>\n<b>Gesendet:<\/b> Sonntag, 6\. Dezember 2026 um 14:20/);
  assert.match(de.html!, /Anbei &lt;das&gt; Log &amp; mehr\./, 'the answer is escaped');
  assert.match(de.text, /^________________________________\nVon: Alex Agent <support\+10001-abc@support\.example\.com>\nGesendet: /m);
  assert.deepEqual(de.headers.map((h) => h.name), ['Thread-Topic', 'Thread-Index', 'Accept-Language', 'Content-Language', 'X-MS-Has-Attach', 'X-Mailer']);
  assert.equal(Buffer.from(de.headers[1]!.value, 'base64').length, 22, 'a Thread-Index is 22 bytes');
  assert.equal(styleReply('outlook', 'de', 'x', original, who).headers[1]!.value, de.headers[1]!.value, 'repeatable for the same seed');
  const en = styleReply('outlook', 'en', 'Attached.', original, who);
  assert.equal(en.subject, 'RE: [Case #10001] Export bricht ab');
  assert.match(en.html!, /<b>From:<\/b> .*<br>\n<b>Sent:<\/b> Sunday, 6 December 2026 at 14:20/);
});

test('gmail: a gmail_quote block with the attribution, the original HTML inside the blockquote', () => {
  const r = styleReply('gmail', 'en', 'Thanks!', original, who);
  assert.equal(r.subject, 'Re: [Case #10001] Export bricht ab');
  assert.match(r.html!, /^<div dir="ltr">Thanks!<\/div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Sun, 6 Dec 2026 at 14:20, Alex Agent &lt;support\+10001-abc@support\.example\.com&gt; wrote:<br><\/div><blockquote class="gmail_quote" [^>]*><p>Bitte senden Sie uns das Log\.<\/p><\/blockquote><\/div>/);
  assert.equal(r.messageIdDomain, 'mail.gmail.com');
});

test('a subject that has a reply prefix already keeps it', () => {
  const again = { ...original, subject: 'AW: [Case #10001] Export bricht ab' };
  assert.equal(styleReply('plain', 'de', 'x', again, who).subject, 'AW: [Case #10001] Export bricht ab');
  assert.equal(styleReply('outlook', 'de', 'x', again, who).subject, 'AW: [Case #10001] Export bricht ab');
});
