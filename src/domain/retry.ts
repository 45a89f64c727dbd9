/**
 * Back-off for retries of our own temporary faults: 1 minute, doubling to at most 1 hour, with
 * ±25 % jitter so that many mails failing at once do not retry in lock-step (RELIABILITY 3, 5).
 */
export const RETRY_BASE_MS = 60_000;
export const RETRY_MAX_MS = 3_600_000;

export function nextRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, Math.min(attempt - 1, 20)));
  const jitter = 1 + (random() * 0.5 - 0.25);
  return Math.round(base * jitter);
}
