/**
 * Writes the golden mails that real client libraries compose (test/golden/README.md lists them):
 * nodemailer's MailComposer and MimeNode for the MIME structure, iconv-lite (mailparser's own
 * charset library) for the legacy charsets, OpenSSL for S/MIME and GnuPG for PGP. Run once; the
 * .eml files are committed, so the golden test never depends on these tools or on randomness.
 *
 *   node --import tsx scripts/golden-compose.ts          # writes only the files that are missing
 *   node --import tsx scripts/golden-compose.ts --force  # writes them all again (new boundaries, keys, signatures)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import iconv from 'iconv-lite';
import yazl from 'yazl';
import { CLIENT_REPLY_HTML } from '../test/fixtures/reply-clients.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const out = join(root, 'test', 'golden');
const corpus = (...p: string[]): Buffer => readFileSync(join(root, 'test', 'corpus', ...p));
const quotequail = (name: string): string => corpus('closeio-quotequail', 'tests', 'files', name).toString('utf8');
const force = process.argv.includes('--force');

const FROM = 'Kim Kunde <kim@example.org>';
const TO = 'Support <support@support.example.com>';
const DATE = new Date('2026-12-01T09:30:00Z');
const SUBJECT = 'Re: [Case #10001] Login fails after the update';

type Options = ConstructorParameters<typeof MailComposer>[0];

function compose(name: string, options: Options): Promise<Buffer> {
  const mail = new MailComposer({ from: FROM, to: TO, subject: SUBJECT, date: DATE, messageId: `<${name}@client.example.org>`, ...options });
  return mail.compile().build();
}

function node(name: string, contentType: string, content: Buffer, encoding: 'base64' | 'quoted-printable' | '7bit'): Promise<Buffer> {
  const headers = { From: FROM, To: TO, Subject: SUBJECT, Date: DATE.toUTCString(), 'Message-ID': `<${name}@client.example.org>` };
  if (encoding === '7bit') {
    // ISO-2022-JP and UTF-7 are 7-bit by design and sent as they are; MimeNode would quote the escape bytes.
    const head = Object.entries({ ...headers, 'MIME-Version': '1.0', 'Content-Type': contentType, 'Content-Transfer-Encoding': '7bit' }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    return Promise.resolve(Buffer.concat([Buffer.from(head + '\r\n'), Buffer.from(content.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1')]));
  }
  const n = new MimeNode(contentType);
  n.setHeader(headers);
  n.setHeader('Content-Transfer-Encoding', encoding);
  n.setContent(content);
  return new Promise((ok, fail) => n.build((e: Error | null, m: Buffer) => (e ? fail(e) : ok(m))));
}

function zip(files: Record<string, Buffer>): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) z.addBuffer(data, name, { mtime: DATE });
  z.end();
  const parts: Buffer[] = [];
  return new Promise((ok, fail) => {
    z.outputStream.on('data', (c: Buffer) => parts.push(c)).on('end', () => ok(Buffer.concat(parts))).on('error', fail);
  });
}

/** The EICAR test string, built from halves so that this file does not look like it. */
const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$' + 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'latin1');
const PNG = corpus('cpython-email', 'Lib', 'test', 'test_email', 'data', 'python.png');
const JPEG = corpus('cpython-email', 'Lib', 'test', 'test_email', 'data', 'python.jpg');
const PLAIN = 'Hello,\n\nthe login works again after clearing the cache. Thank you!\n\nKim\n\nOn Mon, 30 Nov 2026 at 10:00, Support <support@support.example.com> wrote:\n> Please clear the browser cache and try again.\n';

/** Runs a tool with a throw-away home, for S/MIME and PGP. */
function tool(cmd: string, args: string[], input?: Buffer, env: Record<string, string> = {}): Buffer {
  return execFileSync(cmd, args, { input, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
}

async function smime(dir: string): Promise<{ signed: Buffer; encrypted: Buffer }> {
  const key = join(dir, 'smime.key');
  const cert = join(dir, 'smime.crt');
  tool('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '3650', '-subj', '/CN=Kim Kunde/emailAddress=kim@example.org']);
  const inner = Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nThe certificate is renewed, the login works again.\r\n\r\nKim\r\n');
  const head = `From: ${FROM}\r\nTo: ${TO}\r\nSubject: ${SUBJECT}\r\nDate: ${DATE.toUTCString()}\r\n`;
  const signed = tool('openssl', ['smime', '-sign', '-signer', cert, '-inkey', key], inner);
  const encrypted = tool('openssl', ['smime', '-encrypt', '-aes256', cert], inner);
  return {
    signed: Buffer.concat([Buffer.from(`${head}Message-ID: <smime-signed@client.example.org>\r\n`), signed]),
    encrypted: Buffer.concat([Buffer.from(`${head}Message-ID: <smime-encrypted@client.example.org>\r\n`), encrypted]),
  };
}

async function pgp(dir: string): Promise<{ signed: Buffer; encrypted: Buffer }> {
  const home = join(dir, 'gnupg');
  tool('mkdir', ['-m', '700', home]);
  const gpg = (args: string[], input?: Buffer) => tool('gpg', ['--homedir', home, '--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], input);
  gpg(['--quick-generate-key', 'Kim Kunde <kim@example.org>', 'rsa2048', 'sign,encrypt', 'never']);
  // RFC 3156: the signed part is canonical (CRLF), the signature over exactly its bytes.
  const part = Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nThe key is renewed, the login works again.\r\n\r\nKim\r\n');
  const signature = gpg(['--armor', '--detach-sign', '--local-user', 'kim@example.org'], part);
  const signedBody = new MimeNode('multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"');
  signedBody.setHeader({ From: FROM, To: TO, Subject: SUBJECT, Date: DATE.toUTCString(), 'Message-ID': '<pgp-signed@client.example.org>' });
  signedBody.createChild('text/plain').setRaw(part);
  signedBody.createChild('application/pgp-signature; name="signature.asc"').setHeader('Content-Description', 'OpenPGP digital signature').setHeader('Content-Disposition', 'attachment; filename="signature.asc"').setHeader('Content-Transfer-Encoding', '7bit').setContent(signature);
  const encrypted = gpg(['--armor', '--encrypt', '--recipient', 'kim@example.org', '--trust-model', 'always'], part);
  const encBody = new MimeNode('multipart/encrypted; protocol="application/pgp-encrypted"');
  encBody.setHeader({ From: FROM, To: TO, Subject: SUBJECT, Date: DATE.toUTCString(), 'Message-ID': '<pgp-encrypted@client.example.org>' });
  encBody.createChild('application/pgp-encrypted').setHeader('Content-Description', 'PGP/MIME version identification').setContent('Version: 1\r\n');
  encBody.createChild('application/octet-stream; name="encrypted.asc"').setHeader('Content-Description', 'OpenPGP encrypted message').setHeader('Content-Disposition', 'inline; filename="encrypted.asc"').setHeader('Content-Transfer-Encoding', '7bit').setContent(encrypted);
  const build = (n: MimeNode): Promise<Buffer> => new Promise((ok, fail) => n.build((e: Error | null, m: Buffer) => (e ? fail(e) : ok(m))));
  return { signed: await build(signedBody), encrypted: await build(encBody) };
}

const outlookCom = (): string => corpus('mimekit', 'UnitTests', 'TestData', 'tnef', 'panic', 'message.html').toString('latin1').replace('<p><br>', '<p>Erledigt.<br>');

const MAILS: Record<string, () => Promise<Buffer>> = {
  '101-plain-reply': () => compose('101', { text: PLAIN }),
  '102-plain-reply-unknown-sender': () => compose('102', { text: PLAIN }),
  '103-plain-reply-no-reference': () => compose('103', { text: PLAIN, subject: 'Login fails after the update' }),
  '104-plain-reply-closed-case': () => compose('104', { text: PLAIN }),
  '105-plain-reply-delivered-twice': () => compose('105', { text: PLAIN }),
  '106-plain-reply-over-size-limit': () => compose('106', { text: PLAIN + '\nLog:\n' + 'Zeile: alles in Ordnung.\n'.repeat(200) }),
  '107-out-of-office': () => compose('107', { text: 'I am out of the office until 14 December.', subject: 'Automatic reply: [Case #10001] Login fails', headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } }),
  '108-mail-loop': () => compose('108', { text: PLAIN, headers: Array.from({ length: 101 }, (_, i) => ({ key: 'Received', value: `from relay${i}.example.org by relay${i + 1}.example.org; ${DATE.toUTCString()}` })) }),
  '109-forged-sender-dmarc-reject': () => compose('109', { text: PLAIN, from: 'Chef <ceo@forged.example>' }),
  '110-pdf-attachment': () => compose('110', { text: 'The report is attached.\n\nKim', attachments: [{ filename: 'report.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') }] }),
  '111-two-zip-archives': async () => compose('111', { text: 'Two log archives.\n\nKim', attachments: [{ filename: 'logs-1.zip', content: await zip({ 'a.log': Buffer.from('one\n') }) }, { filename: 'logs-2.zip', content: await zip({ 'b.log': Buffer.from('two\n') }) }] }),
  '112-broken-zip': () => compose('112', { text: 'The logs.\n\nKim', attachments: [{ filename: 'logs.zip', content: corpus('yauzl-zip', 'test', 'failure', 'invalid relative path xt.zip') }] }),
  '113-virus-in-zip': async () => compose('113', { text: 'The file from our server.\n\nKim', attachments: [{ filename: 'sample.zip', content: await zip({ 'eicar.com': EICAR }) }] }),
  '114-image-while-scanner-down': () => compose('114', { text: 'A screenshot.\n\nKim', attachments: [{ filename: 'screenshot.png', content: PNG }] }),
  '115-html-inline-image': () => compose('115', { html: '<p>The error looks like this:</p><p><img src="cid:shot@client.example.org" alt="screenshot"></p><p>Kim</p>', attachments: [{ filename: 'image001.png', content: PNG, cid: 'shot@client.example.org' }] }),
  '116-photo-and-zip': async () => compose('116', { text: 'A photo of the screen and the logs.\n\nKim', attachments: [{ filename: 'IMG_0001.JPG', content: JPEG }, { filename: 'logs.zip', content: await zip({ 'server.log': Buffer.from('2026-12-01 ok\n') }) }] }),
  '117-winmail-dat-unreadable': () => compose('117', { text: '', attachments: [{ filename: 'winmail.dat', contentType: 'application/ms-tnef', content: Buffer.concat([Buffer.from([0x78, 0x9f, 0x3e, 0x22]), Buffer.from('no TNEF after the signature')]) }] }),
  '118-winmail-dat-with-file': () => compose('118', { text: 'See the attached file.', attachments: [{ filename: 'winmail.dat', contentType: 'application/ms-tnef', content: corpus('mimekit', 'UnitTests', 'TestData', 'tnef', 'one-file.tnef') }] }),
  '119-gb2312': () => node('119', 'text/plain; charset=gb2312', iconv.encode('您好，\n\n更新后问题已经解决了。谢谢！\n\n金\n', 'gb2312'), 'base64'),
  '120-windows-1252': () => node('120', 'text/plain; charset=windows-1252', iconv.encode('Grüße,\n\ndas Problem ist gelöst – danke für die schnelle Hilfe! Kosten: 100 €.\n\nKim\n', 'win1252'), 'quoted-printable'),
  '121-utf-7': () => node('121', 'text/plain; charset=utf-7', iconv.encode('Grüße,\n\ndas Problem ist gelöst.\n\nKim\n', 'utf7'), '7bit'),
  '122-iso-2022-jp': () => node('122', 'text/plain; charset=iso-2022-jp', Buffer.from(execFileSync('iconv', ['-f', 'UTF-8', '-t', 'ISO-2022-JP'], { input: 'こんにちは。\n\n問題は解決しました。ありがとうございます。\n\nキム\n' })), '7bit'),
  '123-forwarded-eml-attachment': () => compose('123', { text: 'The mail from our provider is attached.\n\nKim', attachments: [{ filename: 'provider.eml', contentType: 'message/rfc822', content: corpus('nodemailer-mailparser', 'test', 'fixtures', 'nodemailer.eml') }] }),
  '124-calendar-invitation': () => compose('124', { text: 'Shall we talk on Thursday?\n\nKim', icalEvent: { method: 'REQUEST', filename: 'invite.ics', content: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Supportal golden//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:golden-124@client.example.org\r\nDTSTAMP:20261201T093000Z\r\nDTSTART:20261203T140000Z\r\nDTEND:20261203T143000Z\r\nSUMMARY:Login problem\r\nORGANIZER:mailto:kim@example.org\r\nATTENDEE:mailto:support@support.example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' } }),
  '129-to-header-with-1001-addresses': () => compose('129', { text: PLAIN, to: [TO, ...Array.from({ length: 1000 }, (_, i) => `list${i}@customers.example`)] }),
  // HTML replies of the clients of docs/mail-quality.md whose HTML the corpus holds (closeio/quotequail, MimeKit).
  '130-gmail-html-reply': () => compose('130', { html: quotequail('gmail_reply.html') }),
  '131-apple-mail-html-reply': () => compose('131', { html: quotequail('apple_reply.html') }),
  '132-ios-mail-html-reply': () => compose('132', { html: quotequail('ios_mail_reply_unescaped_address.html') }),
  '133-yahoo-html-reply': () => compose('133', { html: quotequail('yahoo_reply_unescaped_address.html') }),
  '134-outlook-desktop-html-reply': () => compose('134', { html: quotequail('outlook_forward.html') }),
  '135-outlook-com-html-reply': () => compose('135', { html: outlookCom() }),
  '136-thunderbird-html-forward': () => compose('136', { html: quotequail('thunderbird_forward.html') }),
  '137-mail-ru-html-forward': () => compose('137', { html: quotequail('mailru_forward.html') }),
  '138-gmail-html-forward-with-text': () => compose('138', { html: quotequail('gmail_forward.html') }),
  // The clients the corpus holds no HTML of, modelled on their markup (test/fixtures/reply-clients.ts).
  '139-outlook-mac-html-reply': () => compose('139', { html: CLIENT_REPLY_HTML.outlookMac('The update fixed it, thank you.') }),
  '140-windows-mail-html-reply': () => compose('140', { html: CLIENT_REPLY_HTML.windowsMail('Danke, das Update hat geholfen.') }),
  '141-gmx-web-de-html-reply': () => compose('141', { html: CLIENT_REPLY_HTML.gmxWebDe('Danke, das Update hat geholfen.') }),
  '142-t-online-html-reply': () => compose('142', { html: CLIENT_REPLY_HTML.tOnline('Danke, das Update hat geholfen.') }),
  '143-yandex-html-reply': () => compose('143', { html: CLIENT_REPLY_HTML.yandex('Спасибо, обновление помогло.') }),
};

const dir = mkdtempSync(join(tmpdir(), 'golden-compose-'));
try {
  const crypto: Record<string, () => Promise<Buffer>> = {};
  let s: Awaited<ReturnType<typeof smime>> | null = null;
  let p: Awaited<ReturnType<typeof pgp>> | null = null;
  crypto['125-smime-signed'] = async () => (s ??= await smime(dir)).signed;
  crypto['126-smime-encrypted'] = async () => (s ??= await smime(dir)).encrypted;
  crypto['127-pgp-signed'] = async () => (p ??= await pgp(dir)).signed;
  crypto['128-pgp-encrypted'] = async () => (p ??= await pgp(dir)).encrypted;
  for (const [name, make] of Object.entries({ ...MAILS, ...crypto })) {
    const file = join(out, `${name}.eml`);
    if (existsSync(file) && !force) continue;
    writeFileSync(file, await make());
    console.log(`wrote test/golden/${name}.eml`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
