/**
 * `npm run fuzz -- [--seconds N] [--target NAME] [--seed N]`: runs every fuzz target (or one)
 * for N seconds each (default 60), then the linear-time checks and the SMTP command fuzzer.
 * Failing inputs are written to test/fuzz/crashes/<target>/ and replayed by the suite from then
 * on. Prints one line per target and exits 1 when anything failed. See docs/reliability.md.
 */
import { FUZZ_TARGETS, fuzzTarget } from '../test/fuzz/targets.js';
import { runFuzzTarget, runLinearCheck, type FuzzRun } from '../test/fuzz/run-fuzz.js';
import { runSmtpFuzz } from '../test/fuzz/smtp-fuzz.js';
import { closeParseWorkers } from '../src/inbound/parse/parse-worker-pool.js';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

function number(name: string, fallback: number): number {
  const value = option(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`fuzz: --${name} takes a positive number, not "${value}"`);
    process.exit(2);
  }
  return n;
}

let targets = FUZZ_TARGETS;
const only = option('target');
if (only !== undefined) {
  try {
    targets = only === 'smtp' ? [] : [fuzzTarget(only)];
  } catch (err) {
    console.error(`fuzz: ${(err as Error).message}`);
    process.exit(2);
  }
}
const seconds = number('seconds', 60);
const seedOption = option('seed');
const seed = seedOption === undefined ? undefined : number('seed', 1);

const runs: FuzzRun[] = [];
function report(run: FuzzRun): void {
  runs.push(run);
  const rate = run.inputs / Math.max(0.001, run.ms / 1000);
  const verdict = run.failure ? `FAILED: ${run.failure.message}${run.failure.file ? ` (saved as ${run.failure.file})` : ''}` : 'ok';
  console.log(`${run.target.padEnd(26)} inputs=${String(run.inputs).padStart(8)} (${rate.toFixed(0)}/s) seconds=${(run.ms / 1000).toFixed(0).padStart(4)} seed=${run.seed} ${verdict}`);
}

for (const target of targets) report(await runFuzzTarget(target, { timeLimitMs: seconds * 1000, seed }));
for (const target of targets.filter((t) => t.linear)) report(await runLinearCheck(target, { runs: Math.max(10, Math.round(seconds / 2)), seed }));
if (only === undefined || only === 'smtp') report(await runSmtpFuzz({ timeLimitMs: seconds * 1000, seed }));
await closeParseWorkers();

const failed = runs.filter((r) => r.failure).length;
const inputs = runs.reduce((n, r) => n + r.inputs, 0);
const ms = runs.reduce((n, r) => n + r.ms, 0);
console.log(`fuzz: targets=${runs.length} inputs=${inputs} failures=${failed} seconds=${(ms / 1000).toFixed(0)}`);
process.exit(failed === 0 ? 0 : 1);
