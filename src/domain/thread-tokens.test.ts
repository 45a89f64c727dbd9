import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  caseSubject, findCaseToken, makeCaseMessageId, makePlusAddress, stripReplyPrefixes, threadIndex, verifyCaseMessageId, verifyPlusAddress,
} from './thread-tokens.js';

const SECRET = 'a-secret-of-enough-length-0123456789';

test('a Message-ID of ours verifies to its case; forged or altered ones do not (S2)', () => {
  const id = makeCaseMessageId(SECRET, 10042, 'support.example.com');
  assert.match(id, /^sp\.10042\.[a-z2-7]{16}\.[a-z2-7]{16}@support\.example\.com$/);
  assert.equal(verifyCaseMessageId(SECRET, id, 'support.example.com'), 10042);
  assert.equal(verifyCaseMessageId(SECRET, `<${id.toUpperCase()}>`, 'support.example.com'), 10042, 'clients may change case and add brackets');
  assert.equal(verifyCaseMessageId(SECRET, id.replace('sp.10042.', 'sp.10043.'), 'support.example.com'), null, 'other case number');
  assert.equal(verifyCaseMessageId('another-secret-of-enough-length-xyz', id, 'support.example.com'), null, 'other secret');
  assert.equal(verifyCaseMessageId(SECRET, id.replace('support.example.com', 'evil.example'), 'support.example.com'), null, 'other domain');
  assert.equal(verifyCaseMessageId(SECRET, 'CAFx1@mail.gmail.com', 'support.example.com'), null);
  assert.notEqual(makeCaseMessageId(SECRET, 10042, 'd'), makeCaseMessageId(SECRET, 10042, 'd'), 'unique per mail');
});

test('plus addresses verify; a guessed one does not', () => {
  const a = makePlusAddress(SECRET, 'support@example.com', 10042);
  assert.match(a, /^support\+10042-[a-z2-7]{8}@example\.com$/);
  assert.equal(verifyPlusAddress(SECRET, 'support@example.com', a.toUpperCase()), 10042);
  assert.equal(verifyPlusAddress(SECRET, 'support@example.com', 'support+10042-aaaaaaaa@example.com'), null);
  assert.equal(verifyPlusAddress(SECRET, 'support@example.com', 'support+10043' + a.slice(13)), null);
  assert.equal(verifyPlusAddress(SECRET, 'support@example.com', 'support@example.com'), null);
});

test('the case token survives every reply and forward prefix (Re/AW/WG/Fwd/SV… matrix)', () => {
  const subject = caseSubject('Case', 10042, 'Export bricht ab');
  assert.equal(subject, '[Case #10042] Export bricht ab');
  const prefixes = ['Re: ', 'RE: ', 'AW: ', 'Aw: ', 'WG: ', 'Fwd: ', 'FW: ', 'Fw: ', 'SV: ', 'VS: ', 'Antw: ', 'Re[2]: ', 'RE(3): ', 'Re: AW: WG: ', 'TR: ', 'Odp: ', 'R: ', 'Re : '];
  for (const p of prefixes) {
    assert.equal(findCaseToken('Case', p + subject), 10042, p);
    assert.equal(stripReplyPrefixes(p + 'Export bricht ab'), 'Export bricht ab', p);
  }
  assert.equal(findCaseToken('Case', 'Re: Export bricht ab [Case #10042]'), 10042, 'token moved to the end');
  assert.equal(findCaseToken('Fall', 'AW: [fall # 10042] x'), 10042, 'label spelled differently, spaces');
  assert.equal(findCaseToken('Case', 'Re: Export bricht ab'), null);
  assert.equal(findCaseToken('Case', 'Case 10042'), null, 'a bare number is not a token');
  assert.equal(caseSubject('Case', 7, 'AW: Re: Hello'), '[Case #7] Hello');
});

test('M12: hostile subjects are handled in linear time', () => {
  const started = process.hrtime.bigint();
  findCaseToken('Case', '['.repeat(50_000) + 'Case #'.repeat(5000));
  stripReplyPrefixes('Re: '.repeat(20_000) + ' '.repeat(50_000));
  findCaseToken('Case', '[Case #' + ' '.repeat(50_000));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(ms < 1000, `took ${ms} ms`);
});

test('Thread-Index: same 22-byte root per case, 5 bytes more per reply', () => {
  const a = Buffer.from(threadIndex(SECRET, 10042, 0), 'base64');
  const b = Buffer.from(threadIndex(SECRET, 10042, 2), 'base64');
  assert.equal(a.length, 22);
  assert.equal(b.length, 32);
  assert.deepEqual(b.subarray(0, 22), a);
  assert.notDeepEqual(Buffer.from(threadIndex(SECRET, 10043, 0), 'base64'), a);
});
