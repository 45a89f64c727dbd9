import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './corpus.js';

/** The command from the TypeScript sources; the compiled bin/supportal.js has its own test. */
export const BIN = join(repoRoot, 'test/support/supportal-from-source.mjs');
/** The command as installed: the JavaScript compiled into dist/. */
export const COMPILED_BIN = join(repoRoot, 'bin/supportal.js');

export interface CliResult { status: number; stdout: string; stderr: string }

/**
 * English unless a test asks otherwise: the CLI prints its failures in SUPPORTAL_LANG or the
 * locale, and a developer's LANG=de_DE must not turn the tests' expected lines German.
 */
const ENGLISH = { SUPPORTAL_LANG: 'en' };

/** Runs the real `supportal` command in a child process. */
export function cli(args: string[], env: Record<string, string>, input?: string | Buffer): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...ENGLISH, ...env }, input, encoding: 'buffer', timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

export function cliAsync(args: string[], env: Record<string, string>, input?: Buffer): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...ENGLISH, ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (c) => out.push(c));
    p.stderr.on('data', (c) => err.push(c));
    p.on('error', reject);
    p.on('close', (code) => resolve({ status: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    p.stdin.end(input ?? Buffer.alloc(0));
  });
}
