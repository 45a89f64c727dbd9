import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { releaseGarbage } from './release-garbage.js';

test('releaseGarbage frees dead buffers at once, without --expose-gc on the command line', async () => {
  assert.equal(process.execArgv.includes('--expose-gc'), false, 'the test runs without the flag');
  assert.equal(typeof runInNewContext('gc'), 'function', 'the module exposed gc at run time');
  releaseGarbage();
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 20; i++) void Buffer.alloc(1024 * 1024, i); // 20 MiB of garbage
  const garbage = process.memoryUsage().arrayBuffers - before;
  assert.ok(garbage >= 15 * 1024 * 1024, `the garbage is still counted: ${garbage} bytes`);
  releaseGarbage();
  // V8 frees the backing stores of dead ArrayBuffers on a background thread after the scavenge:
  // on a busy machine that took longer than one turn of the event loop (9 MiB were left once),
  // so allow it a second. Without the collection nothing would free them at all: no allocation
  // follows that could trigger one.
  let left = Infinity;
  for (const until = Date.now() + 1000; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
    left = process.memoryUsage().arrayBuffers - before;
    if (left < 4 * 1024 * 1024) break;
  }
  assert.ok(left < 4 * 1024 * 1024, `after a minor collection ${left} bytes are left`);
});
