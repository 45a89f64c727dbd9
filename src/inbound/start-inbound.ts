import type { Runtime } from '../composition.js';

/** The inbound side of `serve`: listeners and the processing worker. */
export interface InboundRuntime {
  smtpAddress: string | null;
  lmtpAddress: string | null;
  stopAccepting(): Promise<void>;
  drain(): Promise<void>;
}

export async function startInbound(_rt: Runtime, _opts: { onMailQueued: () => void }): Promise<InboundRuntime> {
  return { smtpAddress: null, lmtpAddress: null, stopAccepting: async () => undefined, drain: async () => undefined };
}
