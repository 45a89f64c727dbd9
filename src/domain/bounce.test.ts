import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { corpusDir } from '../../test/support/corpus.js';
import { parseBounce, type BounceInput, type BounceReport } from './bounce.js';

const opts = { bounceLocalPart: 'bounces', mailDomain: 'mail.example.com' };

/**
 * Reads only the top header block: split at the first blank line, unfold, lower-case names.
 * Deliberately tiny; the real MIME adapter lives in inbound/parse.
 */
function readHeaders(raw: string): Map<string, string[]> {
  let text = raw.replace(/^\uFEFF/, '');
  if (text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1); // mbox separator line
  const lines = text.split(/\r?\n/);
  const blank = lines.findIndex((l) => l.trim() === '');
  const headers = new Map<string, string[]>();
  let current: { name: string; value: string } | null = null;
  const flush = (): void => {
    if (current) headers.set(current.name, [...(headers.get(current.name) ?? []), current.value.trim()]);
    current = null;
  };
  for (const line of lines.slice(0, blank < 0 ? lines.length : blank)) {
    if (/^[ \t]/.test(line) && current) {
      current.value += ` ${line.trim()}`;
      continue;
    }
    flush();
    const m = /^([^:\s]+)[ \t]*:(.*)$/.exec(line);
    if (m) current = { name: m[1]!.toLowerCase(), value: m[2]! };
  }
  flush();
  return headers;
}

/** Raw text only: no attachments, no decoded text, as when the MIME adapter is not involved. */
function fromRaw(raw: string | Buffer, envelopeTo: string[] = []): BounceInput {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  return { raw, headers: readHeaders(text), text: null, attachments: [], envelopeTo };
}

function corpus(path: string, envelopeTo: string[] = []): BounceReport {
  return parseBounce(fromRaw(readFileSync(corpusDir(path)), envelopeTo), opts);
}

const EMPTY: BounceReport = {
  originalMessageId: null,
  verpToken: null,
  recipient: null,
  status: null,
  action: null,
  diagnostic: null,
  permanent: false,
};

describe('parseBounce: corpus DSNs from the raw text alone', () => {
  test('L3: postal-mime bounce.eml (Postfix at Fastmail)', () => {
    assert.deepEqual(corpus('postal-mime/test/fixtures/bounce.eml', ['bounces+Q7x-9aZ@mail.example.com']), {
      originalMessageId: 'e85f1c9b-9b51-4028-8ec0-0a657155028e@app.fastmail.com',
      verpToken: 'Q7x-9aZ',
      recipient: 'htfgvhyufthdgcvhgjyfthgc@ethereal.email',
      status: '5.0.0',
      action: 'failed',
      diagnostic: '550 No such user here',
      permanent: true,
    });
  });

  test('L3: nodemailer delivery-status.eml (Amazon SES suppression list)', () => {
    const r = corpus('nodemailer-mailparser/test/fixtures/delivery-status.eml');
    assert.equal(r.originalMessageId, 'xxxxx@email.amazonses.com');
    assert.equal(r.recipient, 'xxxx@xxxx.com');
    assert.equal(r.status, '5.1.1');
    assert.equal(r.action, 'failed');
    assert.match(r.diagnostic ?? '', /^Amazon SES did not send the message to this address because it is on the suppression list/);
    assert.equal(r.permanent, true);
    assert.equal(r.verpToken, null);
  });

  test('L3: mimekit bounce.txt (a gateway base64-encoded the per-recipient block inside the DSN)', () => {
    assert.deepEqual(corpus('mimekit/UnitTests/TestData/messages/bounce.txt'), {
      originalMessageId: '44565655.JitbitHelpdesk.13439.691a0afc-a0a0-457c-8208-f20b7c4a4cb1@jitbit.com',
      verpToken: null,
      recipient: 'netec.test@netecgc.com',
      status: '5.1.1',
      action: 'failed',
      diagnostic: '550 5.1.1 <netec.test@netecgc.com>: Recipient address rejected: User unknown',
      permanent: true,
    });
  });

  for (const f of ['delivery-status.txt', 'delivery-status-no-blank-line.txt']) {
    test(`L3: mimekit ${f} (no Status field: permanence from Action)`, () => {
      assert.deepEqual(corpus(`mimekit/UnitTests/TestData/messages/${f}`), {
        originalMessageId: '31FC7EB4.41C6@netscape.com',
        verpToken: null,
        recipient: 'newsletter-request@imusic.com',
        status: null,
        action: 'failed',
        diagnostic: '500 (err.nosuchuser)',
        permanent: true,
      });
    });
  }

  test('L3: mimekit delivery-status-multiple-blank-lines.txt (only Original-Recipient, no Action)', () => {
    assert.deepEqual(corpus('mimekit/UnitTests/TestData/messages/delivery-status-multiple-blank-lines.txt'), {
      ...EMPTY,
      recipient: 'orig_recip@customer.com',
      status: '5.5.0',
      diagnostic: '550 Requested action not taken',
      permanent: true,
    });
  });

  test('L3: mimekit delivery-status2.txt (Exim; the returned copy has no Message-ID)', () => {
    assert.deepEqual(corpus('mimekit/UnitTests/TestData/messages/delivery-status2.txt'), {
      ...EMPTY,
      recipient: 'source@domain.com',
      status: '5.0.0',
      action: 'failed',
      permanent: true,
    });
  });

  test('L3: cpython msg_16 (Sun mail server, DSN relayed through a list; upper-case MIME types)', () => {
    assert.deepEqual(corpus('cpython-email/Lib/test/test_email/data/msg_16.txt'), {
      ...EMPTY,
      originalMessageId: '002001c144a6$8752e060$56104586@oxy.edu',
      recipient: 'jangel1@cougar.noc.ucla.edu',
      status: '5.0.0',
      action: 'failed',
      permanent: true,
    });
  });

  test('L3: cpython msg_25 (sendmail "too many hops", text/rfc822-headers, truncated boundary parameter)', () => {
    const r = corpus('cpython-email/Lib/test/test_email/data/msg_25.txt');
    assert.equal(r.originalMessageId, '01040616033903.00962@server');
    assert.equal(r.recipient, 'scoffman@wellpartner.com');
    assert.equal(r.status, '5.4.6');
    assert.equal(r.permanent, true);
  });

  test('L3: cpython msg_43 (five recipients: the first failed one is reported)', () => {
    assert.deepEqual(corpus('cpython-email/Lib/test/test_email/data/msg_43.txt'), {
      originalMessageId: 'edab.7804f5cb8070@python.org',
      verpToken: null,
      recipient: 'xxxxxxx@dot.ca.gov',
      status: '5.7.1',
      action: 'failed',
      diagnostic: '550 5.7.1 Message content rejected, id=01956-02-2 - BANNED: auto__mail.python.bat',
      permanent: true,
    });
  });

  test('cpython msg_05 (a delivery report with no DSN fields at all) gives nulls, not an error', () => {
    assert.deepEqual(corpus('cpython-email/Lib/test/test_email/data/msg_05.txt'), EMPTY);
  });

  test('mimekit delivery-status.anonymized.eml (fields x-ed out) does not invent a recipient', () => {
    const r = corpus('mimekit/UnitTests/TestData/messages/delivery-status.anonymized.eml');
    assert.equal(r.recipient, null);
    assert.equal(r.status, null);
    assert.equal(r.originalMessageId, 'xxxxxxxx.xxxx@xxxxxxxx.xxx');
  });

  test('postal-mime arf.eml (abuse report): no delivery status, but the reported message is named', () => {
    assert.deepEqual(corpus('postal-mime/test/fixtures/arf.eml'), { ...EMPTY, originalMessageId: '8787KJKJ3K4J3K4J3K4J3.mail@example.net' });
  });

  test('CRLF line endings give the same result', () => {
    const lf = readFileSync(corpusDir('postal-mime/test/fixtures/bounce.eml'), 'utf8').replace(/\r\n/g, '\n');
    const crlf = lf.replace(/\n/g, '\r\n');
    assert.deepEqual(parseBounce(fromRaw(crlf), opts), parseBounce(fromRaw(lf), opts));
    assert.equal(parseBounce(fromRaw(crlf), opts).recipient, 'htfgvhyufthdgcvhgjyfthgc@ethereal.email');
  });
});

const DSN = [
  'Reporting-MTA: dns; mx.customer.example',
  '',
  'Final-Recipient: rfc822; Jane@Customer.Example',
  'Action: failed',
  'Status: 5.1.1 (bad destination mailbox)',
  'Diagnostic-Code: smtp; 550 5.1.1 <jane@customer.example>:',
  '    Recipient address rejected: User unknown',
  '',
].join('\n');

const RETURNED_HEADERS = ['Return-Path: <bounces+AbC123@mail.example.com>', 'From: support@help.example.com', 'Message-ID: <sp.10042.abc@mail.example.com>', 'Subject: [Case #10042]', ''].join(
  '\n',
);

describe('parseBounce: RFC 3464 details', () => {
  test('L3: attachments from the MIME adapter are used when given', () => {
    const r = parseBounce(
      {
        raw: 'Subject: Undelivered Mail Returned to Sender\n\n',
        headers: new Map(),
        text: 'The mail system',
        attachments: [
          { contentType: 'message/delivery-status', content: Buffer.from(DSN) },
          { contentType: 'text/rfc822-headers', content: Buffer.from(RETURNED_HEADERS) },
        ],
        envelopeTo: [],
      },
      opts,
    );
    assert.deepEqual(r, {
      originalMessageId: 'sp.10042.abc@mail.example.com',
      verpToken: 'AbC123',
      recipient: 'jane@customer.example',
      status: '5.1.1',
      action: 'failed',
      diagnostic: '550 5.1.1 <jane@customer.example>: Recipient address rejected: User unknown',
      permanent: true,
    });
  });

  function multipart(dsn: string, partHeaders = 'Content-Type: message/delivery-status', returned = RETURNED_HEADERS): string {
    return [
      'From: MAILER-DAEMON@mx.customer.example',
      'To: bounces+T0K@mail.example.com',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="BB"',
      '',
      '--BB',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--BB',
      partHeaders,
      '',
      dsn,
      '--BB',
      'Content-Type: text/rfc822-headers',
      '',
      returned,
      '--BB--',
      '',
    ].join('\n');
  }

  test('VERP token from the To header when the envelope is unknown (IMAP), envelope first otherwise', () => {
    assert.equal(parseBounce(fromRaw(multipart(DSN)), opts).verpToken, 'T0K');
    assert.equal(parseBounce(fromRaw(multipart(DSN), ['Bounces+envTok@Mail.Example.com']), opts).verpToken, 'envTok');
  });

  test('VERP token from the returned copy when no address header carries it', () => {
    const raw = multipart(DSN).replace('To: bounces+T0K@mail.example.com', 'To: helpdesk@mail.example.com');
    assert.equal(parseBounce(fromRaw(raw), opts).verpToken, 'AbC123');
  });

  test('VERP: another local part, another domain or an empty token are not ours', () => {
    for (const to of ['support+T0K@mail.example.com', 'bounces+T0K@mail.example.com.evil.example', 'bounces+T0K@example.com', 'bounces+@mail.example.com', 'xbounces+T0K@mail.example.com']) {
      const r = parseBounce({ raw: '', headers: new Map(), text: null, attachments: [], envelopeTo: [to] }, opts);
      assert.equal(r.verpToken, null, to);
    }
  });

  test('delayed DSN (Action: delayed, 4.x.x) is not permanent', () => {
    const dsn = DSN.replace('Action: failed', 'Action: delayed').replace('Status: 5.1.1 (bad destination mailbox)', 'Status: 4.4.1');
    const r = parseBounce(fromRaw(multipart(dsn)), opts);
    assert.equal(r.action, 'delayed');
    assert.equal(r.status, '4.4.1');
    assert.equal(r.permanent, false);
  });

  test('an MTA that gave up on a 4.x.x failure (mailbox full) is still not permanent', () => {
    const dsn = DSN.replace('Status: 5.1.1 (bad destination mailbox)', 'Status: 4.2.2');
    const r = parseBounce(fromRaw(multipart(dsn)), opts);
    assert.equal(r.action, 'failed');
    assert.equal(r.permanent, false);
  });

  test('status taken from the Diagnostic-Code when the Status field is missing', () => {
    const r = parseBounce(fromRaw(multipart(DSN.replace(/^Status:.*\n/m, ''))), opts);
    assert.equal(r.status, '5.1.1');
  });

  test('the failed recipient wins over a delivered one listed first', () => {
    const dsn = ['Reporting-MTA: dns; mx', '', 'Final-Recipient: rfc822; ok@customer.example', 'Action: delivered', 'Status: 2.0.0', '', DSN.split('\n\n')[1]].join('\n');
    assert.equal(parseBounce(fromRaw(multipart(dsn)), opts).recipient, 'jane@customer.example');
  });

  test('RFC 6533 message/global-delivery-status and a base64-encoded DSN part', () => {
    const b64 = Buffer.from(DSN).toString('base64').replace(/.{60}/g, '$&\n');
    const raw = multipart(b64, 'Content-Type: message/global-delivery-status\nContent-Transfer-Encoding: base64');
    const r = parseBounce(fromRaw(raw), opts);
    assert.equal(r.recipient, 'jane@customer.example');
    assert.equal(r.status, '5.1.1');
  });

  test('quoted-printable DSN part', () => {
    const qp = DSN.replace('Action: failed', 'Action: fail=\ned').replace('5.1.1 (bad', '5.1.1=20(bad');
    const r = parseBounce(fromRaw(multipart(qp, 'Content-Type: message/delivery-status\nContent-Transfer-Encoding: quoted-printable')), opts);
    assert.equal(r.action, 'failed');
    assert.equal(r.status, '5.1.1');
  });

  test('M5: a missing closing boundary runs the part to the end; a boundary that is a prefix of another does not end it', () => {
    const cut = multipart(DSN).split('--BB\nContent-Type: text/rfc822-headers')[0]!.replace(/--BB\n$/, '');
    assert.equal(parseBounce(fromRaw(cut), opts).recipient, 'jane@customer.example');
    const prefixed = multipart(DSN.replace('Action: failed', '--BBX\nAction: failed'));
    assert.equal(parseBounce(fromRaw(prefixed), opts).action, 'failed');
  });

  test('M9: DSN fields named __proto__ or constructor are only data', () => {
    const r = parseBounce(fromRaw(multipart(`__proto__: polluted\nconstructor: x\n${DSN}`)), opts);
    assert.equal(r.recipient, 'jane@customer.example');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  test('M11: an empty mail, bare text and binary noise give nulls without throwing', () => {
    assert.deepEqual(parseBounce({ raw: Buffer.alloc(0), headers: new Map(), text: null, attachments: [], envelopeTo: [] }, opts), EMPTY);
    assert.deepEqual(parseBounce(fromRaw('no headers at all'), opts), EMPTY);
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) % 256));
    assert.doesNotThrow(() => parseBounce(fromRaw(noise), opts));
  });
});

describe('parseBounce: bounces without a DSN', () => {
  test('qmail: "Hi. This is the qmail-send program"', () => {
    const raw = [
      'From: MAILER-DAEMON@mx.customer.example',
      'To: bounces+qm4il@mail.example.com',
      'Subject: failure notice',
      '',
      'Hi. This is the qmail-send program at mx.customer.example.',
      "I'm afraid I wasn't able to deliver your message to the following addresses.",
      "This is a permanent error; I've given up. Sorry it didn't work out.",
      '',
      '<jane@customer.example>:',
      '192.0.2.25 does not like recipient.',
      'Remote host said: 550 5.1.1 <jane@customer.example>... User unknown',
      'Giving up on 192.0.2.25.',
      '',
      '--- Below this line is a copy of the message.',
      '',
      'Return-Path: <bounces+qm4il@mail.example.com>',
      'Message-ID: <sp.10042.qmail@mail.example.com>',
      'Subject: [Case #10042]',
      '',
      'Hallo Jane',
    ].join('\n');
    assert.deepEqual(parseBounce(fromRaw(raw, []), opts), {
      originalMessageId: 'sp.10042.qmail@mail.example.com',
      verpToken: 'qm4il',
      recipient: 'jane@customer.example',
      status: '5.1.1',
      action: null,
      diagnostic: '192.0.2.25 does not like recipient. Remote host said: 550 5.1.1 <jane@customer.example>... User unknown Giving up on 192.0.2.25.',
      permanent: true,
    });
  });

  test('Exchange NDR text (English) with the decoded text from the MIME adapter', () => {
    const text = [
      'Delivery has failed to these recipients or groups:',
      '',
      'Jane Doe (jane@customer.example)',
      "The e-mail address you entered couldn't be found.",
      '',
      'Diagnostic information for administrators:',
      'Generating server: EX01.customer.example',
      'jane@customer.example',
      "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##",
      '',
      'Original message headers:',
      'Message-ID: <sp.10042.exch@mail.example.com>',
    ].join('\n');
    const r = parseBounce({ raw: 'Subject: Undeliverable: x\n\n(body)', headers: new Map(), text, attachments: [], envelopeTo: ['bounces+ex1@mail.example.com'] }, opts);
    assert.deepEqual(r, {
      originalMessageId: 'sp.10042.exch@mail.example.com',
      verpToken: 'ex1',
      recipient: 'jane@customer.example',
      status: '5.1.1',
      action: null,
      diagnostic: '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found',
      permanent: true,
    });
  });

  test('Exchange NDR text (German) with "Remote Server returned"', () => {
    const text = [
      'Fehler bei der Zustellung an folgende Empfänger oder Verteilerlisten:',
      '',
      'jane@kunde.example',
      'Die E-Mail-Adresse wurde nicht gefunden.',
      '',
      "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'",
    ].join('\n');
    const r = parseBounce({ raw: '', headers: new Map(), text, attachments: [], envelopeTo: [] }, opts);
    assert.equal(r.recipient, 'jane@kunde.example');
    assert.equal(r.status, '5.1.10');
    assert.equal(r.diagnostic, '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup');
    assert.equal(r.permanent, true);
  });

  test('"Original-Recipient:" quoted in the text', () => {
    const r = parseBounce({ raw: '', headers: new Map(), text: 'Your message was not delivered.\n  Original-Recipient: rfc822;Jane@Kunde.Example\n', attachments: [], envelopeTo: [] }, opts);
    assert.equal(r.recipient, 'jane@kunde.example');
  });

  test('Exim text bounce with X-Failed-Recipients', () => {
    const raw = [
      'From: Mail Delivery System <Mailer-Daemon@mx.customer.example>',
      'X-Failed-Recipients: jane@customer.example',
      'Subject: Mail delivery failed: returning message to sender',
      '',
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of its',
      'recipients. This is a permanent error. The following address(es) failed:',
      '',
      '  jane@customer.example',
      '    SMTP error from remote mail server after RCPT TO:<jane@customer.example>:',
      '    550 5.1.1 User unknown',
      '',
      '------ This is a copy of the message, including all the headers. ------',
      '',
      'Message-Id: <sp.10042.exim@mail.example.com>',
    ].join('\n');
    const r = parseBounce(fromRaw(raw), opts);
    assert.equal(r.recipient, 'jane@customer.example');
    assert.equal(r.diagnostic, '550 5.1.1 User unknown');
    assert.equal(r.status, '5.1.1');
    assert.equal(r.permanent, true);
    assert.equal(r.originalMessageId, 'sp.10042.exim@mail.example.com');
  });

  test('In-Reply-To of the bounce (Gmail threads its DSN) is the last resort for the Message-ID', () => {
    const r = parseBounce({ raw: '', headers: new Map([['in-reply-to', ['<sp.1.x@mail.example.com>']]]), text: 'Delivery incomplete', attachments: [], envelopeTo: [] }, opts);
    assert.equal(r.originalMessageId, 'sp.1.x@mail.example.com');
  });
});

describe('parseBounce: M12 bounded work on hostile input', () => {
  test('M12: a 20 MiB "bounce" of blank lines takes < 1 s of CPU (only the first MiB is read)', () => {
    const raw = Buffer.concat([Buffer.from('Subject: x\n\n'), Buffer.alloc(20 * 1024 * 1024, 0x0a)]);
    const text = raw.toString('latin1');
    // CPU time, not wall time: on a busy machine the wall time reached 1.6 s.
    const start = process.cpuUsage();
    const report = parseBounce({ raw, headers: new Map(), text, attachments: [], envelopeTo: [] }, opts);
    const used = process.cpuUsage(start);
    const ms = (used.user + used.system) / 1000;
    assert.deepEqual(report, EMPTY);
    assert.ok(ms < 1000, `${ms} ms of CPU`);
  });

  const big = 50 * 1024;
  for (const [label, body] of [
    ['"bounces+"', 'bounces+'.repeat(big / 8)],
    ['"a@"', 'a@'.repeat(big / 2)],
    ['"<a@"', `<${'a@'.repeat(big / 2)}`],
    ['"remote server returned \'"', "remote server returned '".repeat(big / 24)],
    ['"Final-Recipient: " + letters', `Final-Recipient: ${'a'.repeat(big)}`],
    ['"5.5.5.5"', '5.'.repeat(big / 2)],
    ['"Content-Type: message/rfc822" lines', 'Content-Type: message/rfc822\n'.repeat(big / 29)],
    ['blank lines', '\n'.repeat(big)],
  ] as const) {
    test(`M12: 50 KB of ${label} takes < 1 s of CPU`, () => {
      const raw = `Subject: x\n\n${body}`;
      const start = process.cpuUsage();
      parseBounce({ raw, headers: new Map([['to', [body]], ['x-failed-recipients', [body]]]), text: body, attachments: [{ contentType: 'message/delivery-status', content: Buffer.from(body) }], envelopeTo: [body] }, opts);
      parseBounce(fromRaw(raw), opts);
      const used = process.cpuUsage(start);
      assert.ok((used.user + used.system) / 1000 < 1000);
    });
  }
});
