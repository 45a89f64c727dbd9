/**
 * The golden corpus (test/golden): runs every mail through the real pipeline on SQLite and shows
 * where the outcome differs from its NNN-what.expected.json; with --update it writes the
 * expectations instead, for review in the diff. golden.test.ts is the check on both databases.
 *
 *   npm run golden                 # lists the differences, exits 1 when there are any
 *   npm run golden -- --update     # rewrites test/golden/*.expected.json
 *   npm run golden -- 101 113      # only the mails whose names start with these
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { goldenDir, goldenNames, startGoldenRun } from '../test/golden/golden-run.js';
import { corpusOutcomes, corpusOutcomesFile } from '../test/golden/corpus-outcomes.js';
import { createIngestDeps } from '../src/ingest-deps.js';

const update = process.argv.includes('--update');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const names = goldenNames().filter((n) => only.length === 0 || only.some((o) => n.startsWith(o)));
const run = await startGoldenRun('sqlite');
let differences = 0;
try {
  for (const name of names) {
    const actual = await run.run(name);
    const file = join(goldenDir, `${name}.expected.json`);
    const expected: unknown = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
    if (isDeepStrictEqual(actual, expected)) continue;
    differences++;
    if (update) {
      writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      console.log(`${expected === null ? 'wrote' : 'updated'} test/golden/${name}.expected.json: ${actual.status}${actual.reason ? `/${actual.reason}` : ''} at ${actual.step}`);
    } else {
      console.log(`${name}: ${expected === null ? 'no expectation' : 'differs'}\n  got ${JSON.stringify(actual)}`);
    }
  }
  if (only.length === 0) {
    // The whole corpus as replies (ingest-pipe.test.ts), on a case of its own so that the golden mails above do not change it.
    const actual = await corpusOutcomes(run.rt.ctx, createIngestDeps(run.rt.config), run.customer, run.openReply, run.openCase);
    const expected: unknown = existsSync(corpusOutcomesFile) ? JSON.parse(readFileSync(corpusOutcomesFile, 'utf8')) : null;
    const changed = Object.keys(actual).filter((f) => (expected as Record<string, string> | null)?.[f] !== actual[f]);
    const counts: Record<string, number> = {};
    for (const o of Object.values(actual)) counts[o] = (counts[o] ?? 0) + 1;
    console.log(`corpus outcomes over ${Object.keys(actual).length} mails: ${JSON.stringify(counts)}`);
    if (changed.length > 0 || !isDeepStrictEqual(actual, expected)) {
      differences++;
      if (update) writeFileSync(corpusOutcomesFile, `${JSON.stringify(actual, null, 2)}\n`);
      for (const f of changed) console.log(`  ${f}: ${(expected as Record<string, string> | null)?.[f] ?? '-'} → ${actual[f]}`);
    }
  }
} finally {
  await run.dispose();
}
console.log(`${names.length} golden mails, ${differences} ${update ? 'written' : 'different'}`);
if (differences > 0 && !update) process.exitCode = 1;
