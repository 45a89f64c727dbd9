/**
 * The two ways parsing refuses a mail. Both are deterministic (the same bytes fail the same
 * way), so the pipeline can reject instead of retrying; any other error is our own fault.
 */
export class MalformedMailError extends Error {
  readonly code = 'malformed' as const;
  constructor(readonly detail: string) {
    super(`malformed mail: ${detail}`);
    this.name = 'MalformedMailError';
  }
}

/** More `Received:` fields than any real route produces: a mail loop (RELIABILITY L4). */
export class MailLoopError extends Error {
  readonly code = 'loop' as const;
  constructor(readonly received: number) {
    super(`mail loop: ${received} Received headers`);
    this.name = 'MailLoopError';
  }
}
