/** Where the mailbox channel connects: the IMAP URL of the configuration, parsed. */
export interface ImapEndpoint {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

/** Parses `imap[s]://user:pass@host[:port]/MAILBOX`; user and password may be percent-encoded. */
export function parseImapUrl(url: string): ImapEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('the IMAP URL is not a URL: expected imap[s]://user:pass@host:port/MAILBOX');
  }
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') throw new Error(`unsupported IMAP URL scheme ${u.protocol}`);
  if (!u.hostname || !u.username) throw new Error('the IMAP URL needs a user and a host: imap[s]://user:pass@host:port/MAILBOX');
  const secure = u.protocol === 'imaps:';
  const mailbox = decodeURIComponent(u.pathname.replace(/^\/+/, '')) || 'INBOX';
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    mailbox,
  };
}
