import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const web = join(root, 'web', 'src');

/** Server files the browser bundle may contain: pure lists and texts, no I/O, nothing of Node. */
const ALLOWED = [/^src\/domain\/[^/]+\.ts$/, /^src\/app\/ingest\/reason-texts\.ts$/];

function sources(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.tsx?$/.test(n)) out.push(p);
  }
  return out;
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
}

/** Every server file the web UI reaches, following the server files' own imports too. */
function serverFilesOfWeb(): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const queue: string[] = [];
  for (const file of sources(web)) {
    for (const spec of imports(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      if (!target.startsWith(web)) queue.push(target);
    }
  }
  while (queue.length) {
    const file = queue.pop()!;
    const rel = relative(root, file);
    if (reached.has(rel)) continue;
    const specs = imports(file);
    reached.set(rel, specs);
    for (const spec of specs) if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
  }
  return reached;
}

test('the web UI takes from the server only the pure domain lists and the reason texts', () => {
  const reached = serverFilesOfWeb();
  assert.ok(reached.has('src/domain/reason-codes.ts'), 'the reason codes come from the domain');
  assert.ok(reached.has('src/domain/case.ts'), 'the case statuses come from the domain');
  assert.ok(reached.has('src/app/ingest/reason-texts.ts'), 'the reason texts are the server\'s');
  for (const [file, specs] of reached) {
    assert.ok(ALLOWED.some((r) => r.test(file)), `the web UI reaches ${file}, which is no pure list or text`);
    const packages = specs.filter((s) => !s.startsWith('.'));
    assert.deepEqual(packages, [], `${file} is in the browser bundle but imports ${packages.join(', ')}`);
  }
});
