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

/**
 * Parsing ran past its CPU budget. Usually the mail's fault (M2, M3), but the budget is measured
 * as the worker's event-loop active time, which also grows while an overloaded machine gives the
 * thread no CPU: at a load average of 30 on 2 cores, ordinary 2 KB replies ran over 2 s. So the
 * pipeline retries such a mail once, later, before it counts as malformed (020-parse).
 */
export class ParseBudgetError extends MalformedMailError {
  readonly overBudget = true as const;
  constructor(readonly budgetMs: number) {
    super(`parsing took more than ${budgetMs} ms`);
    this.name = 'ParseBudgetError';
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
