import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restoreRemoteImages } from './message-html.js';

test('W5: only http(s) remote images are turned back into src, and only on img tags', () => {
  const html = '<img data-remote-src="https://x.example/a.png" alt="a"><img data-remote-src="javascript:alert(1)"><a data-remote-src="https://y">y</a>';
  const out = restoreRemoteImages(html);
  assert.match(out, /<img src="https:\/\/x\.example\/a\.png" alt="a">/);
  assert.match(out, /<img data-remote-src="javascript:alert\(1\)">/);
  assert.match(out, /<a data-remote-src="https:\/\/y">/);
});
