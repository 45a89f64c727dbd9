import { Readable } from 'node:stream';
import { Resolver } from 'node:dns/promises';
import { RAW_CHUNK_BYTES, readWholeRawMail } from '../../domain/raw-mail.js';
import type { SenderAuthenticator } from '../../app/ingest/ports.js';

/**
 * The DNS used when no fixed records are given: 2 s per try and 2 tries, because Node's default
 * (5 s, 4 tries) would hold each of the dozen lookups of one mail for up to 20 s when the
 * resolver is unreachable. mailauth turns a failed lookup into `temperror`, never an exception.
 */
function shortTimeoutResolver(servers: readonly string[]): (name: string, type: string) => Promise<unknown> {
  const r = new Resolver({ timeout: 2000, tries: 2 });
  if (servers.length > 0) r.setServers(servers);
  return (name, type) => r.resolve(name, type);
}

/** SPF/DKIM/DMARC with mailauth; DNS lookups time out quickly and may be replaced by fixed records. */
export function createMailauthAuthenticator(opts: { mta: string; dnsServers?: readonly string[]; resolver?: (name: string, type: string) => Promise<unknown> }): SenderAuthenticator {
  const resolver = opts.resolver ?? shortTimeoutResolver(opts.dnsServers ?? []);
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
      } as never)) as { spf?: { status?: { result?: string } }; dkim?: { headerFrom?: string[]; results?: Array<{ status?: { result?: string; aligned?: string | boolean } }> }; dmarc?: { status?: { result?: string }; policy?: string } };
      const spf = r.spf?.status?.result ?? 'none';
      const dkimResults = r.dkim?.results ?? [];
      const fromDomain = domainOf(r.dkim?.headerFrom?.length === 1 ? r.dkim.headerFrom[0]! : '');
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
        spfAligned: spf === 'pass' && fromDomain !== '' && domainsAlign(domainOf(env.sender ?? ''), fromDomain),
        // mailauth marks a signature aligned when its domain shares the From's organisational domain (DMARC relaxed).
        dkimAligned: dkimResults.some((d) => d.status?.result === 'pass' && Boolean(d.status.aligned)),
      };
    },
  };
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
}

/**
 * SPF alignment with the From domain: the same domain, or one a subdomain of the other. Stricter
 * than DMARC's relaxed rule (which compares organisational domains by the public suffix list):
 * `bounce.example.com` and `mail.example.com` do not align here, so such a mail counts as
 * unverified unless a DKIM signature aligns — never the other way round.
 */
export function domainsAlign(envelopeDomain: string, fromDomain: string): boolean {
  if (!envelopeDomain || !fromDomain) return false;
  return envelopeDomain === fromDomain || envelopeDomain.endsWith(`.${fromDomain}`) || fromDomain.endsWith(`.${envelopeDomain}`);
}
