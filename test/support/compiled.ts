import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './corpus.js';

const STAMP = join(repoRoot, 'dist/cli/entry.js');

function newestSource(dir = join(repoRoot, 'src')): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestSource(p) : name.endsWith('.ts') ? s.mtimeMs : 0);
  }
  return newest;
}

/**
 * dist/ compiled from the current src/: `npm test` compiles it before the tests start; a test file
 * run alone compiles it here when it is missing or older than a source file.
 */
export function ensureCompiled(): void {
  if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestSource()) return;
  execFileSync('npm', ['run', '--silent', 'build:server'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
}
