import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countReceivedHeaders, topReceivedClient } from './trace-headers.js';

const mail = (head: string) => Buffer.from(`${head}\r\nSubject: x\r\n\r\nReceived: in the body does not count\r\n`);

test('counts Received headers of the header block only', () => {
  assert.equal(countReceivedHeaders(mail('Received: a\r\nReceived: b\r\n\tfolded')), 2);
  assert.equal(countReceivedHeaders(mail('X-Received: a')), 0);
});

test('the client of the topmost Received header (Postfix, Exim, IPv6, folded)', () => {
  assert.deepEqual(topReceivedClient(mail('Received: from mail.kunde.example (mail.kunde.example [203.0.113.7])\r\n\tby mx.vendor.example (Postfix) with ESMTPS id 4F; Thu, 26 Nov 2026\r\nReceived: from inner ([10.0.0.1])')), { ip: '203.0.113.7', helo: 'mail.kunde.example' });
  assert.deepEqual(topReceivedClient(mail('Received: from [IPv6:2001:db8::5] (port=1234 helo=client)\r\n  by mx with esmtp (Exim 4.96)')), { ip: '2001:db8::5', helo: '[IPv6:2001:db8::5]' });
  assert.equal(topReceivedClient(mail('Subject: none')), null);
});

test('M12: a hostile Received header is read in linear time', () => {
  const t = process.hrtime.bigint();
  topReceivedClient(mail('Received: from ' + '['.repeat(100_000)));
  countReceivedHeaders(mail('Received: x\r\n'.repeat(20_000)));
  assert.ok(Number(process.hrtime.bigint() - t) / 1e6 < 1000);
});
