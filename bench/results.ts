/**
 * The benchmark's machine-readable results: one object per database, each with the same numeric
 * fields (issue "Scale and speed" §1), written as JSON by `npm run bench -- --out FILE`.
 * `RESULT_FIELDS` is the one list of names: the table, the JSON and docs/benchmarks.md use it,
 * and results.test.ts checks that a written file holds every field as a finite number.
 */
import { writeFileSync } from 'node:fs';

export const RESULT_FIELDS = [
  'smtp_small_per_s',
  'smtp_small_stored_per_s',
  'pipe_small_per_s',
  'smtp_1mb_per_s',
  'receipt_queued_p99_ms',
  'receipt_sent_p50_ms',
  'receipt_sent_p99_ms',
  'rss_25mb_growth_mb',
  'case_list_p95_ms',
  'case_page_p95_ms',
  'search_common_word_p95_ms',
  'startup_help_ratio',
  'ref_postal_mime_small_per_s',
  'ref_mailparser_small_per_s',
  'ref_postal_mime_1mb_per_s',
  'ref_mailparser_1mb_per_s',
] as const;

export type ResultField = (typeof RESULT_FIELDS)[number];
export type DatabaseResults = Record<ResultField, number>;
export type DatabaseName = 'sqlite' | 'postgres';

export interface BenchResults {
  /** ISO time of the run, the machine's core count and Node's version: figures mean little without them. */
  at: string;
  machine: { cpus: number; node: string; loadAverage1m: number };
  quick: boolean;
  sqlite?: DatabaseResults;
  postgres?: DatabaseResults;
}

/** Targets on this machine with SQLite, as the issue sets them; `ratio` fields compare with an in-run reference. */
export const TARGETS: Partial<Record<ResultField, { op: '>=' | '<='; value: number; text: string }>> = {
  smtp_small_per_s: { op: '>=', value: 1000, text: '≥ 1,000/s and ≥ 10 % of postal-mime' },
  receipt_sent_p99_ms: { op: '<=', value: 1000, text: '≤ 1 s at 100 replies/s' },
  case_list_p95_ms: { op: '<=', value: 50, text: '≤ 50 ms at 1,000,000 messages' },
  case_page_p95_ms: { op: '<=', value: 50, text: '≤ 50 ms at 1,000,000 messages' },
  search_common_word_p95_ms: { op: '<=', value: 100, text: '≤ 100 ms for any one word' },
  pipe_small_per_s: { op: '>=', value: 30, text: '≥ 30/s with 2 feeders' },
  startup_help_ratio: { op: '<=', value: 5, text: '≤ 5 × node -e 0' },
};

/** Missing or non-finite fields, by name: a result that lost a figure is not a result. */
export function missingFields(r: Partial<Record<string, unknown>>): string[] {
  return RESULT_FIELDS.filter((f) => typeof r[f] !== 'number' || !Number.isFinite(r[f]));
}

export function writeResults(file: string, results: BenchResults): void {
  for (const db of ['sqlite', 'postgres'] as const) {
    const r = results[db];
    if (r && missingFields(r).length > 0) throw new Error(`bench: ${db} results lack ${missingFields(r).join(', ')}`);
  }
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

export function roundFigure(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
}
