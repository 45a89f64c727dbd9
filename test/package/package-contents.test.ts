import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../support/corpus.js';
import { ensureCompiled } from '../support/compiled.js';

/** What `npm pack` would put into the package, from npm itself (the `files` field of package.json). */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
  const [info] = JSON.parse(out) as { files: { path: string }[] }[];
  assert.ok(info, 'npm pack --dry-run printed no package');
  return info.files.map((f) => f.path);
}

test('the package ships the program and none of the test data (GPL-2.0 TNEF lists, third-party mails) or tests', () => {
  ensureCompiled();
  const files = packedFiles();
  assert.ok(files.includes('bin/supportal.js'), 'the supportal command is in the package');
  assert.ok(files.includes('package.json') && files.includes('README.md'));
  assert.ok(files.includes('dist/cli/entry.js') && files.includes('dist/inbound/parse/parse-worker.js'), 'the compiled program is in the package');
  assert.ok(files.includes('deploy/nginx/supportal.conf'), 'the nginx configuration docs/operations.md quotes is in the package');
  // The compiled program runs without its sources; tsx is a development tool only.
  const unwanted = files.filter((f) => f.startsWith('test/') || f.startsWith('src/') || /\.test\.(ts|js)$/.test(f) || /(^|\/)(COPYING|corpus)(\/|$)/.test(f) || f.endsWith('.tnef'));
  assert.deepEqual(unwanted, []);
});

test('every corpus file is committed (an ignore rule such as "data/" once left 65 of them out of clones)', () => {
  const tracked = new Set(execFileSync('git', ['ls-files', '-z', 'test/corpus'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean));
  const ignored = execFileSync('git', ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', 'test/corpus'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
  assert.ok(tracked.size > 1000, `only ${tracked.size} corpus files are tracked`);
  assert.deepEqual(ignored, []);
});
