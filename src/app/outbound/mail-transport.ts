/** Hands composed bytes to the relay. Implemented in src/outbound/smtp-transport.ts with nodemailer. */
export interface MailTransport {
  /** Resolves when the relay accepted the mail; rejects with a TransportError otherwise. */
  send(envelope: { from: string; to: string[] }, raw: Buffer): Promise<{ response: string }>;
  close(): void;
}

export class TransportError extends Error {
  /** True for a 5xx answer: retrying cannot help. */
  readonly permanent: boolean;
  constructor(message: string, permanent: boolean) {
    super(message);
    this.name = 'TransportError';
    this.permanent = permanent;
  }
}
