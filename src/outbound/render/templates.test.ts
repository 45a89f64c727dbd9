import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate } from './templates.js';
import type { TemplateName } from '../../app/outbound/mail-composer.js';
import { LANGUAGES } from '../../domain/case.js';

const NAMES: TemplateName[] = ['agent_reply', 'receipt', 'notice', 'case_opened', 'signup', 'password_reset', 'agent_notification'];

/** Every variable any template uses, with a value that shows where it lands. */
const ALL_VARS = {
  subject: 'SUBJ', body: 'BODY', bodyHtml: '<p>BODYHTML</p>', agentName: 'AGENT', history: 'HIST', historyHtml: '<blockquote>HISTHTML</blockquote>',
  productName: 'PRODUCT', caseToken: '#10042', caseUrl: 'https://portal.example.com/cases/10042', receivedAt: 'RECEIVED',
  reasonText: 'REASON', fileLine: 'FILELINE', advice: 'ADVICE', mailLogUrl: 'https://portal.example.com/mails', customerName: 'CUSTOMER',
  name: 'NAME', link: 'https://portal.example.com/link', portalUrl: 'https://portal.example.com',
};

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
const HOSTILE_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;';

describe('mail templates', () => {
  test('every template exists in German and English and fills every placeholder', () => {
    for (const name of NAMES) {
      for (const lang of LANGUAGES) {
        const r = renderTemplate(name, lang, ALL_VARS);
        for (const part of [r.subject, r.text, r.html]) assert.doesNotMatch(part, /\{\{|\}\}/, `${name}/${lang}`);
        assert.ok(r.subject.length > 0 && !/[\r\n]/.test(r.subject), `${name}/${lang}: one-line subject`);
        assert.ok(r.text.endsWith('\n') && !r.text.endsWith('\n\n'), `${name}/${lang}: text ends with one newline`);
        assert.match(r.html, new RegExp(`^<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"></head><body[^>]*>.*</body></html>$`, 's'));
      }
      assert.notEqual(renderTemplate(name, 'de', ALL_VARS).text, renderTemplate(name, 'en', ALL_VARS).text, `${name}: de and en differ`);
    }
  });

  test('the language shows in the wording', () => {
    assert.match(renderTemplate('receipt', 'de', ALL_VARS).subject, /^Eingangsbestätigung: SUBJ$/);
    assert.match(renderTemplate('receipt', 'en', ALL_VARS).subject, /^Received: SUBJ$/);
    assert.match(renderTemplate('agent_reply', 'de', ALL_VARS).text, /Antworten Sie einfach auf diese E-Mail/);
    assert.match(renderTemplate('agent_reply', 'en', ALL_VARS).text, /Simply reply to this e-mail/);
    assert.match(renderTemplate('notice', 'de', ALL_VARS).text, /Grund: REASON/);
    assert.match(renderTemplate('notice', 'en', ALL_VARS).text, /Reason: REASON/);
  });

  test('agent reply: the new text first, then the signature, then the quoted history', () => {
    for (const lang of LANGUAGES) {
      const r = renderTemplate('agent_reply', lang, ALL_VARS);
      assert.ok(r.text.startsWith('BODY\n\n-- \nAGENT, PRODUCT Support\n'), r.text);
      assert.ok(r.text.indexOf('HIST') > r.text.indexOf('AGENT'));
      assert.ok(r.html.indexOf('<p>BODYHTML</p>') < r.html.indexOf('<blockquote>HISTHTML</blockquote>'));
    }
  });

  test('W4: {{var}} is escaped in HTML, kept verbatim in text; {{{var}}} inserts our own HTML', () => {
    for (const name of NAMES) {
      for (const lang of LANGUAGES) {
        const vars = Object.fromEntries(Object.entries(ALL_VARS).map(([k, v]) => [k, k === 'bodyHtml' || k === 'historyHtml' ? v : HOSTILE]));
        const r = renderTemplate(name, lang, vars);
        assert.doesNotMatch(r.html, /<script|<img/, `${name}/${lang}`);
        assert.ok(r.html.includes(HOSTILE_ESCAPED), `${name}/${lang}: escaped in HTML`);
        assert.ok(r.text.includes(HOSTILE), `${name}/${lang}: verbatim in text`);
      }
    }
    const reply = renderTemplate('agent_reply', 'en', { ...ALL_VARS, agentName: HOSTILE, body: HOSTILE });
    assert.ok(reply.html.includes(`-- <br>${HOSTILE_ESCAPED}, PRODUCT Support`));
    assert.ok(reply.text.startsWith(`${HOSTILE}\n`), 'text keeps the characters');
    assert.ok(reply.html.includes('<p>BODYHTML</p>') && reply.html.includes('<blockquote>HISTHTML</blockquote>'), 'triple braces are not escaped');
  });

  test('W4: a subject with HTML stays text in the HTML body of receipts, notices and agent notifications', () => {
    for (const name of ['receipt', 'notice', 'agent_notification'] as const) {
      const r = renderTemplate(name, 'de', { ...ALL_VARS, subject: '<b onmouseover=alert(1)>Hi</b>' });
      assert.match(r.subject, /<b onmouseover=alert\(1\)>Hi<\/b>/, 'the subject line is plain text');
      assert.doesNotMatch(r.html, /<b onmouseover/);
    }
  });

  test('W9: CR, LF, TAB and NUL in a variable never break the subject line', () => {
    for (const lang of LANGUAGES) {
      const r = renderTemplate('receipt', lang, { ...ALL_VARS, subject: 'Hi\r\nBcc: victim@example.com\t\0x' });
      assert.doesNotMatch(r.subject, /[\r\n\t\0]/);
      assert.match(r.subject, /Hi Bcc: victim@example\.com x$/);
    }
  });

  test('missing variables render as empty, never as "undefined"', () => {
    const r = renderTemplate('notice', 'en', { subject: 'S' });
    for (const part of [r.subject, r.text, r.html]) assert.doesNotMatch(part, /undefined|null/);
    assert.doesNotMatch(r.text, /\n{3,}/, 'empty lines collapse');
  });
});
