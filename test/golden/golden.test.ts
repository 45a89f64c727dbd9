// The golden corpus (test/golden/README.md): every mail through the real pipeline, as a reply to
// a test case, on each database; what the case, the mail log and the sender get is compared
// field by field with NNN-what.expected.json (`npm run golden -- --update` rewrites those).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testedDialects } from '../support/databases.js';
import { REASON_CODES } from '../../src/domain/reason-codes.js';
import { deliveries, goldenDir, goldenNames, startGoldenRun, type GoldenResult, type GoldenRun } from './golden-run.js';

const names = goldenNames();
const expected = new Map(names.map((n) => [n, JSON.parse(readFileSync(join(goldenDir, `${n}.expected.json`), 'utf8')) as GoldenResult]));

test('the golden corpus covers every reason code but processing_failed, and each delivery names a mail', () => {
  const reasons = new Set([...expected.values()].map((e) => e.reason));
  // processing_failed is what an internal error or a parse over its time budget on a busy machine gives: no mail causes it by itself.
  assert.deepEqual(REASON_CODES.filter((r) => r !== 'processing_failed' && !reasons.has(r)), []);
  assert.deepEqual(Object.keys(deliveries()).filter((n) => !names.includes(n)), []);
  assert.ok(names.length >= 50, `${names.length} golden mails`);
});

for (const dialect of testedDialects()) {
  describe(`golden mails on ${dialect}`, () => {
    let run: GoldenRun;
    before(async () => {
      run = await startGoldenRun(dialect);
    });
    after(async () => run.dispose());

    for (const name of names) {
      test(name, async () => {
        const actual = await run.run(name);
        const want = expected.get(name)!;
        // Field by field, so that a failure names the field; then the whole, so that no field is left out.
        for (const field of Object.keys(want) as Array<keyof GoldenResult>) assert.deepEqual(actual[field], want[field], `${name}: ${field}`);
        assert.deepEqual(actual, want);
      });
    }
  });
}
