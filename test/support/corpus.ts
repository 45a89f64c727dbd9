import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The shared real-world mail corpus lives beside the repository (../shared/corpus). Tests that
 * need it fail loudly when it is missing: a silent skip would hide that nothing was tested.
 */
export function corpusDir(...parts: string[]): string {
  const dir = process.env.SUPPORTAL_CORPUS_DIR ?? resolve(repoRoot, '../shared/corpus');
  if (!existsSync(dir)) {
    throw new Error(`mail corpus not found at ${dir} (set SUPPORTAL_CORPUS_DIR)`);
  }
  return join(dir, ...parts);
}
