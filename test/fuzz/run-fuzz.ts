/**
 * Runs one fuzz target for a given time with fast-check and reports what it tried and found.
 * A failing input is shrunk by fast-check and written to test/fuzz/crashes/<target>/, where
 * crash-fixtures.test.ts replays it for ever after (the "every crash becomes a fixture").
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { repoRoot } from '../support/corpus.js';
import { fuzzBytes } from './mutations.js';
import type { FuzzTarget } from './targets.js';

export const CRASH_DIR = join(repoRoot, 'test', 'fuzz', 'crashes');

export interface FuzzRun {
  target: string;
  seed: number;
  /** Inputs run through the target, shrinking included. */
  inputs: number;
  ms: number;
  /** The (shrunk) failing input and what was wrong, when one was found. */
  failure: { input: Buffer; message: string; file: string | null } | null;
}

/**
 * Memory: no input of at most 256 KiB may take the fuzzing process past 1 GiB (it holds about
 * 110 MiB with every seed loaded); a real 25 MiB mail grows `serve` by 19 MiB.
 * Each target's checkOutput bounds what its result holds on to.
 */
const MAX_RSS_BYTES = 1024 * 2 ** 20;

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Checks one input against everything the target promises; throws a description of the first
 * broken promise.
 */
/** Wall time after which one input counts as a hang: far above any CPU budget, so a busy machine does not trip it. */
const HANG_MS = 30_000;

/** Console output made while a fuzz target runs; installed once per run, so an abandoned input cannot leave it behind. */
const printed: string[] = [];
async function capturingConsole<T>(run: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  console.log = console.warn = console.error = console.info = (...args: unknown[]): void => void printed.push(args.map(String).join(' '));
  try {
    return await run();
  } finally {
    Object.assign(console, saved);
  }
}

/**
 * Checks one input against everything the target promises; throws a description of the first
 * broken promise. Nothing an input does may write to the console past the logger either: a
 * hostile mail could fill a disk with it.
 */
export async function checkInput(target: FuzzTarget, input: Buffer): Promise<void> {
  printed.length = 0;
  const before = process.cpuUsage();
  let output: unknown;
  let timer: NodeJS.Timeout | undefined;
  try {
    output = await Promise.race([
      Promise.resolve().then(() => target.run(input)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new HangError()), HANG_MS);
      }),
    ]);
  } catch (err) {
    if (err instanceof HangError) throw new Error(`${target.name} did not finish within ${HANG_MS / 1000} s on ${input.length} bytes`, { cause: err });
    if (target.isOwnError(err)) return;
    throw new Error(`${target.name} threw something that is not its own typed error: ${describe(err)}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  const spent = cpuMs(process.cpuUsage(before));
  if (spent > target.cpuBudgetMs) throw new Error(`${target.name} took ${spent.toFixed(0)} ms of CPU on ${input.length} bytes (budget ${target.cpuBudgetMs} ms)`);
  const rss = process.memoryUsage.rss();
  if (rss > MAX_RSS_BYTES) throw new Error(`${target.name}: the process grew to ${(rss / 2 ** 20).toFixed(0)} MiB on ${input.length} bytes (bound ${MAX_RSS_BYTES / 2 ** 20} MiB)`);
  if (printed.length > 0) throw new Error(`${target.name} wrote to the console ${printed.length} times, first: ${printed[0]!.slice(0, 200)}`);
  const problem = target.checkOutput?.(input, output) ?? null;
  if (problem !== null) throw new Error(`${target.name}: ${problem}`);
}

class HangError extends Error {}

/** Replays one input with the console captured, as the fuzz run checks it. */
export function replayInput(target: FuzzTarget, input: Buffer): Promise<void> {
  return capturingConsole(() => checkInput(target, input));
}

function saveCrash(target: string, input: Buffer): string {
  const dir = join(CRASH_DIR, target);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash('sha256').update(input).digest('hex').slice(0, 16)}.bin`);
  writeFileSync(file, input);
  return file;
}

export async function runFuzzTarget(target: FuzzTarget, opts: { timeLimitMs: number; seed?: number; saveCrashes?: boolean }): Promise<FuzzRun> {
  const seeds = target.seeds();
  if (seeds.length === 0) throw new Error(`fuzz target ${target.name} has no seeds in test/corpus`);
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  let inputs = 0;
  const started = Date.now();
  const result = await capturingConsole(() =>
    fc.check(
      fc.asyncProperty(fuzzBytes(seeds, target.tokens, target.maxBytes), async (input) => {
        inputs++;
        await checkInput(target, input);
      }),
      { seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: opts.timeLimitMs, markInterruptAsFailure: false, endOnFailure: false },
    ),
  );
  let failure: FuzzRun['failure'] = null;
  if (result.failed && result.counterexample) {
    const [input] = result.counterexample;
    failure = { input, message: result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance), file: opts.saveCrashes === false ? null : saveCrash(target.name, input) };
  }
  return { target: target.name, seed, inputs, ms: Date.now() - started, failure };
}

/**
 * Linear time: the target's `linear` run on an input built from a unit repeated to about
 * 16 KiB, and on the same unit repeated sixteen times as often. Linear work grows 16×,
 * quadratic work 256×; the bound is 64× (a fourfold margin for caches and garbage collection).
 * CPU time, the best of three, so a busy machine does not count; inputs under 1 ms count as 1 ms.
 */
export const LINEAR_FACTOR = 16;
export const LINEAR_BOUND = 64;

function bestCpuMs(run: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const before = process.cpuUsage();
    run();
    best = Math.min(best, cpuMs(process.cpuUsage(before)));
  }
  return best;
}

export function repeatTo(unit: Buffer, bytes: number): Buffer {
  return Buffer.concat(Array<Buffer>(Math.max(1, Math.ceil(bytes / Math.max(1, unit.length)))).fill(unit));
}

export function checkLinear(target: FuzzTarget, unit: Buffer): void {
  const linear = target.linear;
  if (!linear || unit.length === 0) return;
  const small = repeatTo(unit, 16 * 1024);
  const big = repeatTo(unit, 16 * 1024 * LINEAR_FACTOR);
  // The target's own refusal (a mail loop once the repeated unit holds 101 Received fields) ends its work early: that is linear too.
  const run = (input: Buffer) => () => {
    try {
      linear(input);
    } catch (err) {
      if (!target.isOwnError(err)) throw err;
    }
  };
  const tSmall = Math.max(1, bestCpuMs(run(small)));
  const tBig = bestCpuMs(run(big));
  if (tBig > LINEAR_BOUND * tSmall) {
    throw new Error(`${target.name} is not linear: ${small.length} bytes took ${tSmall.toFixed(1)} ms, ${big.length} bytes ${tBig.toFixed(1)} ms (${(tBig / tSmall).toFixed(0)}×, bound ${LINEAR_BOUND}×)`);
  }
}

export async function runLinearCheck(target: FuzzTarget, opts: { runs: number; seed?: number; saveCrashes?: boolean }): Promise<FuzzRun> {
  const seeds = target.seeds();
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  let inputs = 0;
  const started = Date.now();
  const result = fc.check(
    fc.property(fuzzBytes(seeds, target.tokens, 4096), (unit) => {
      inputs++;
      checkLinear(target, unit);
    }),
    { seed, numRuns: opts.runs, endOnFailure: false },
  );
  let failure: FuzzRun['failure'] = null;
  if (result.failed && result.counterexample) {
    const [input] = result.counterexample;
    failure = { input, message: result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance), file: opts.saveCrashes === false ? null : saveCrash(`${target.name}.linear`, input) };
  }
  return { target: `${target.name} (linear time)`, seed, inputs, ms: Date.now() - started, failure };
}
