import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Replies composed by a real client library (Python's `email` package), the way a mail client
 * answers a mail: Re: subject, In-Reply-To/References from the original, quoted text below.
 */
export function pythonReply(original: Buffer, opts: { from: string; to?: string; body: string; subject?: string; attachments?: Array<{ filename: string; content: Buffer; maintype: string; subtype: string }> }): Buffer {
  const script = `
import sys, json, base64, email
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid, formatdate
args = json.load(open(sys.argv[1]))
orig = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
msg = EmailMessage()
msg['From'] = args['from']
msg['To'] = args.get('to') or str(orig['Reply-To'] or orig['From'])
subj = str(orig['Subject'])
msg['Subject'] = args.get('subject') or ('Re: ' + subj)
msg['Date'] = formatdate(localtime=True)
msg['Message-ID'] = make_msgid(domain='client.example.org')
msg['In-Reply-To'] = orig['Message-ID']
refs = (str(orig['References']) + ' ' if orig['References'] else '') + str(orig['Message-ID'])
msg['References'] = refs
body = orig.get_body(preferencelist=('plain',))
quoted = '\\n'.join('> ' + l for l in body.get_content().splitlines()) if body else ''
msg.set_content(args['body'] + '\\n\\nOn ' + str(orig['Date']) + ', Support wrote:\\n' + quoted + '\\n')
for a in args.get('attachments', []):
    msg.add_attachment(base64.b64decode(a['content']), maintype=a['maintype'], subtype=a['subtype'], filename=a['filename'])
sys.stdout.buffer.write(msg.as_bytes(policy=policy.SMTP))
`;
  const args = JSON.stringify({ ...opts, attachments: (opts.attachments ?? []).map((a) => ({ ...a, content: a.content.toString('base64') })) });
  // The arguments go through a file: attachments of some MiB exceed what argv may hold.
  const dir = mkdtempSync(join(tmpdir(), 'supportal-reply-'));
  try {
    writeFileSync(join(dir, 'args.json'), args);
    return execFileSync('python3', ['-c', script, join(dir, 'args.json')], { input: original, maxBuffer: 256 * 1024 * 1024 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Sends raw bytes with Python's smtplib (a real SMTP client) and returns the server's answer.
 * Asynchronous on purpose: the server under test may run in this very process.
 */
export async function smtplibSend(port: number, from: string, to: string[], raw: Buffer, opts: { lmtp?: boolean } = {}): Promise<{ code: number; detail: string; perRecipient?: Record<string, [number, string]> }> {
  const script = `
import sys, json, smtplib
a = json.loads(sys.argv[1])
data = sys.stdin.buffer.read()
def out(code, detail, per=None):
    print(json.dumps({'code': code, 'detail': detail.decode(errors='replace') if isinstance(detail, bytes) else detail, 'perRecipient': per or {}}))
    sys.exit(0)
s = smtplib.LMTP('127.0.0.1', a['port']) if a['lmtp'] else smtplib.SMTP('127.0.0.1', a['port'], timeout=30)
s.ehlo()
opts = ['SIZE=%d' % len(data)] if s.has_extn('size') else []
code, msg = s.mail(a['from'], opts)
if code != 250: out(code, msg)
per = {}
for r in a['to']:
    c, m = s.rcpt(r)
    if c not in (250, 251): per[r] = [c, m.decode(errors='replace')]
if len(per) == len(a['to']): out(list(per.values())[0][0], list(per.values())[0][1], per)
code, msg = s.data(data)
try: s.quit()
except Exception: pass
out(code, msg, per)
`;
  const child = spawn('python3', ['-c', script, JSON.stringify({ port, from, to, lmtp: Boolean(opts.lmtp) })]);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c) => out.push(c));
  child.stderr.on('data', (c) => err.push(c));
  child.stdin.end(raw);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`smtplib failed: ${Buffer.concat(err).toString()}`);
  return JSON.parse(Buffer.concat(out).toString());
}

/** A plain mail as a customer's client would send it. */
export function plainMail(o: { from: string; to: string; subject: string; body: string; headers?: Record<string, string>; messageId?: string }): Buffer {
  const lines = [
    `From: ${o.from}`,
    `To: ${o.to}`,
    `Subject: ${o.subject}`,
    `Date: Thu, 26 Nov 2026 10:00:00 +0100`,
    `Message-ID: <${o.messageId ?? `${Math.random().toString(36).slice(2)}@client.example.org`}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    '',
    o.body,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
