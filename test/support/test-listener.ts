import { startSmtpListener } from '../../src/inbound/sources/smtp-listener.js';
import { openRawSpool } from '../../src/app/ingest/receive-mail.js';
import { recipientFilter } from '../../src/start-inbound.js';
import type { Runtime } from '../../src/composition.js';

/**
 * The SMTP (or LMTP) listener of `serve` over a test runtime, on a free loopback port, storing
 * into the runtime's database as serve does; `lmtp: true` for the LMTP one.
 */
export function startTestListener(rt: Runtime, opts: { lmtp?: boolean } = {}): ReturnType<typeof startSmtpListener> {
  return startSmtpListener({
    host: '127.0.0.1',
    port: 0,
    lmtp: opts.lmtp === true,
    maxMessageBytes: rt.config.maxMessageBytes,
    acceptsRecipient: recipientFilter(rt),
    openSpool: (envelope) => openRawSpool(rt.ctx, envelope),
    log: rt.log,
  });
}
