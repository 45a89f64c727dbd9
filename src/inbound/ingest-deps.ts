import { Readable } from 'node:stream';
import { RAW_CHUNK_BYTES, readWholeRawMail } from '../domain/raw-mail.js';
import sanitize from 'sanitize-html';
import { Resolver } from 'node:dns/promises';
import type { Config } from '../config/config.js';
import type { IngestDeps, SenderAuthenticator } from '../app/ingest/ports.js';
import { parseMailInWorker } from './parse/mime-parser.js';
import { inspectAttachments } from './attachments/inspect-attachments.js';
import { createClamdScanner } from './clamav/clamd-client.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../domain/attachment-policy.js';

/**
 * HTML from customers: no scripts, event handlers, forms, iframes or styles that load things;
 * images only from cid: and data: (remote images are not loaded without the reader's consent:
 * the web view turns `data-remote-src` back on when asked). RELIABILITY W3, W5.
 */
export function sanitizeCustomerHtml(html: string): string {
  return sanitize(html, {
    allowedTags: sanitize.defaults.allowedTags.concat(['img', 'span', 'font', 'center']),
    allowedAttributes: {
      '*': ['style', 'dir', 'lang', 'title', 'align'],
      a: ['href', 'name'],
      img: ['src', 'alt', 'width', 'height', 'data-remote-src'],
      td: ['colspan', 'rowspan', 'width'],
      th: ['colspan', 'rowspan', 'width'],
      font: ['color', 'size', 'face'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['cid', 'data'] },
    allowedStyles: { '*': { color: [/^[#a-z0-9(),. %]+$/i], 'background-color': [/^[#a-z0-9(),. %]+$/i], 'text-align': [/^(left|right|center|justify)$/], 'font-weight': [/^\w+$/], 'font-style': [/^\w+$/] } },
    transformTags: {
      img: (tagName, attribs) => {
        const src = attribs.src ?? '';
        if (/^(cid|data):/i.test(src)) return { tagName, attribs };
        const { src: _dropped, ...rest } = attribs;
        return { tagName, attribs: { ...rest, 'data-remote-src': src, alt: attribs.alt ?? '[image]' } };
      },
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer', target: '_blank' } }),
    },
  });
}

/**
 * The DNS used when no fixed records are given: 2 s per try and 2 tries, because Node's default
 * (5 s, 4 tries) would hold each of the dozen lookups of one mail for up to 20 s when the
 * resolver is unreachable. mailauth turns a failed lookup into `temperror`, never an exception.
 */
function shortTimeoutResolver(): (name: string, type: string) => Promise<unknown> {
  const r = new Resolver({ timeout: 2000, tries: 2 });
  return (name, type) => r.resolve(name, type);
}

/** SPF/DKIM/DMARC with mailauth; DNS lookups time out quickly and may be replaced by fixed records. */
export function createMailauthAuthenticator(opts: { mta: string; resolver?: (name: string, type: string) => Promise<unknown> }): SenderAuthenticator {
  const resolver = opts.resolver ?? shortTimeoutResolver();
  return {
    async check(raw, env) {
      // A small mail goes as one Buffer; a big one as a stream of its stored chunks.
      const input = raw.size <= RAW_CHUNK_BYTES ? await readWholeRawMail(raw) : Readable.from(raw.chunks());
      // Imported on first use: loading mailauth takes ~0.75 s of CPU (measured, `ingest` on the
      // 2-core development machine), which a pipe ingest with SUPPORTAL_SENDER_AUTH=off never needs.
      const { authenticate } = await import('mailauth');
      const r = (await authenticate(input, {
        ip: env.ip ?? '127.0.0.1',
        helo: env.helo ?? undefined,
        sender: env.sender ?? '',
        mta: opts.mta,
        resolver: resolver as never,
        trustReceived: false,
        // BIMI (brand logos) decides nothing here and would cost one more lookup per mail.
        disableBimi: true,
      } as never)) as { spf?: { status?: { result?: string } }; dkim?: { results?: Array<{ status?: { result?: string; aligned?: string | boolean } }> }; dmarc?: { status?: { result?: string }; policy?: string } };
      const spf = r.spf?.status?.result ?? 'none';
      const dkimResults = r.dkim?.results ?? [];
      const dkim = dkimResults.find((d) => d.status?.result === 'pass')?.status?.result ?? dkimResults[0]?.status?.result ?? 'none';
      const dmarc = r.dmarc?.status?.result ?? 'none';
      const policy = r.dmarc?.policy ?? 'none';
      return {
        spf,
        dkim,
        dmarc,
        // p=none asks only for reports: a failure there is not a reason to withhold the mail.
        dmarcFailed: dmarc === 'fail' && policy !== 'none',
        authenticated: spf === 'pass' || dkim === 'pass',
      };
    },
  };
}

export function createIngestDeps(config: Config, overrides: Partial<IngestDeps> = {}): IngestDeps {
  return {
    parser: { parse: (raw) => parseMailInWorker(raw, {}, { transfer: raw.freshChunks === true }) },
    inspector: { inspect: (files, policy) => inspectAttachments(files, policy) },
    scanner: config.clamav ? createClamdScanner(config.clamav) : null,
    authenticator: config.senderAuth ? createMailauthAuthenticator({ mta: config.mailDomain }) : null,
    policy: DEFAULT_ATTACHMENT_POLICY,
    sanitizeHtml: sanitizeCustomerHtml,
    ...overrides,
  };
}
