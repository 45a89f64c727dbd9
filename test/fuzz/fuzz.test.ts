/**
 * The short fuzz run of the suite (issue "Faults and fuzzing" §2; RELIABILITY M1–M3, M12):
 * every target for FUZZ_SECONDS (default 6) seconds with a fresh random seed, the linear-time
 * checks, and the SMTP command fuzzer; about 80 s in all. Every input a fuzzer ever found
 * failing is kept under test/fuzz/crashes/ and replayed here first. A failure names its seed:
 * `npm run fuzz -- --target NAME --seed N` runs the same inputs again.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUZZ_TARGETS, fuzzTarget } from './targets.js';
import { replayInput, checkLinear, CRASH_DIR, runFuzzTarget, runLinearCheck, type FuzzRun } from './run-fuzz.js';
import { runSmtpFuzz } from './smtp-fuzz.js';
import { closeParseWorkers } from '../../src/inbound/parse/parse-worker-pool.js';

const seconds = Number(process.env.FUZZ_SECONDS ?? 6);

function verdict(run: FuzzRun): string | null {
  if (!run.failure) return null;
  return `${run.target} (seed ${run.seed}): ${run.failure.message}${run.failure.file ? `; input saved as ${run.failure.file}` : ''}`;
}

after(() => closeParseWorkers());

describe('fuzz: every input found failing once stays fixed', () => {
  const dirs = existsSync(CRASH_DIR) ? readdirSync(CRASH_DIR) : [];
  test('the crash fixtures belong to known targets', () => {
    for (const dir of dirs) assert.ok(FUZZ_TARGETS.some((t) => t.name === dir.replace(/\.linear$/, '')), `test/fuzz/crashes/${dir} names no fuzz target`);
  });
  for (const dir of dirs) {
    const target = fuzzTarget(dir.replace(/\.linear$/, ''));
    for (const file of readdirSync(join(CRASH_DIR, dir))) {
      test(`${dir}/${file}`, async () => {
        const input = readFileSync(join(CRASH_DIR, dir, file));
        if (dir.endsWith('.linear')) checkLinear(target, input);
        else await replayInput(target, input);
      });
    }
  }
});

describe(`fuzz: ${seconds} s per target`, () => {
  for (const target of FUZZ_TARGETS) {
    test(target.name, { timeout: (seconds + 60) * 1000 }, async () => {
      const run = await runFuzzTarget(target, { timeLimitMs: seconds * 1000 });
      assert.ok(run.inputs > 0, `${target.name} ran no input`);
      assert.equal(verdict(run), null);
    });
  }
  for (const target of FUZZ_TARGETS.filter((t) => t.linear)) {
    test(`${target.name}: linear time`, { timeout: 120_000 }, async () => {
      const run = await runLinearCheck(target, { runs: 8 });
      assert.equal(run.inputs, 8);
      assert.equal(verdict(run), null);
    });
  }
  test('smtp command layer', { timeout: (seconds * 2 + 60) * 1000 }, async () => {
    const run = await runSmtpFuzz({ timeLimitMs: seconds * 2 * 1000 });
    assert.ok(run.inputs > 0, 'no SMTP session ran');
    assert.equal(verdict(run), null);
  });
});
