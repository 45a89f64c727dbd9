import type { Config } from './config/config.js';
import type { IngestDeps } from './app/ingest/ports.js';
import { parseMailInWorker } from './inbound/parse/parse-worker-pool.js';
import { inspectAttachments } from './inbound/attachments/inspect-attachments.js';
import { createClamdScanner } from './inbound/clamav/clamd-client.js';
import { createMailauthAuthenticator } from './inbound/sender-auth/mailauth-authenticator.js';
import { sanitizeCustomerHtml } from './inbound/html/customer-html.js';
import { DEFAULT_ATTACHMENT_POLICY } from './domain/attachment-policy.js';
import proxyAddr from '@fastify/proxy-addr';

/**
 * Whether an LMTP peer is one of our MTAs (SUPPORTAL_LMTP_TRUSTED_MTAS, checked by the parser the
 * configuration validated it with). A Unix socket peer (no IP) is: only local users the socket's
 * permissions admit can connect.
 */
export function lmtpPeerTrust(trusted: readonly string[]): (peerIp: string | null) => boolean {
  const trusts = proxyAddr.compile([...trusted]);
  return (ip) => {
    if (ip === null) return true;
    try {
      return trusts(ip, 0);
    } catch {
      return false; // not an IP address at all
    }
  };
}

/** The inbound adapters as the ingest use cases need them, from the configuration. */
export function createIngestDeps(config: Config, overrides: Partial<IngestDeps> = {}): IngestDeps {
  return {
    parser: { parse: (raw) => parseMailInWorker(raw, {}, { transfer: raw.freshChunks === true }) },
    inspector: { inspect: (files, policy) => inspectAttachments(files, policy) },
    scanner: config.clamav ? createClamdScanner(config.clamav) : null,
    authenticator: config.senderAuth ? createMailauthAuthenticator({ mta: config.mailDomain, dnsServers: config.dnsServers }) : null,
    policy: DEFAULT_ATTACHMENT_POLICY,
    sanitizeHtml: sanitizeCustomerHtml,
    trustsReceivedFrom: lmtpPeerTrust(config.lmtpTrustedMtas),
    ...overrides,
  };
}
