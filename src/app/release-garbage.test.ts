import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { releaseGarbage } from './release-garbage.js';

test('releaseGarbage frees dead buffers at once, without --expose-gc on the command line', async () => {
  assert.equal(process.execArgv.includes('--expose-gc'), false, 'the test runs without the flag');
  assert.equal(typeof runInNewContext('gc'), 'function', 'the module exposed gc at run time');
  releaseGarbage();
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 20; i++) Buffer.alloc(1024 * 1024, i).length; // 20 MiB of garbage
  const garbage = process.memoryUsage().arrayBuffers - before;
  assert.ok(garbage >= 15 * 1024 * 1024, `the garbage is still counted: ${garbage} bytes`);
  releaseGarbage();
  await new Promise((r) => setImmediate(r));
  const left = process.memoryUsage().arrayBuffers - before;
  assert.ok(left < 4 * 1024 * 1024, `after a minor collection ${left} bytes are left`);
});
