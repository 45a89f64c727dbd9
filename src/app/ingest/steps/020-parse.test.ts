import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseStep } from './020-parse.js';
import { context } from '../../../../test/support/pipeline-step.js';

const REPLY = `From: Anna Kunde <Anna@Kunde.Example>
To: support@support.example.com
Subject: Re: [Case #7] Export
Message-ID: <a1@client.example.org>

Danke.
`;

describe('020-parse', () => {
  test('a readable mail continues; the sender is From, lower-cased', async () => {
    const p = await context(REPLY, { parse: false });
    assert.deepEqual(await parseStep.run(p), { kind: 'continue' });
    assert.equal(p.sender, 'anna@kunde.example');
    assert.equal(p.parsed?.subject, 'Re: [Case #7] Export');
  });

  test('L4: 101 Received headers → ignored/loop without notice; 100 are fine', async () => {
    const hops = (n: number) => Array.from({ length: n }, (_, i) => `Received: from a${i}.example by b${i}.example; Thu, 26 Nov 2026 10:00:00 +0100`).join('\n');
    const loop = await parseStep.run(await context(`${hops(101)}\n${REPLY}`, { parse: false }));
    assert.equal(loop.kind, 'terminal');
    assert.deepEqual(loop.kind === 'terminal' && [loop.status, loop.reason, loop.notice], ['ignored', 'loop', false]);
    assert.deepEqual(await parseStep.run(await context(`${hops(100)}\n${REPLY}`, { parse: false })), { kind: 'continue' });
  });

  test('over a parse bound → quarantined/malformed without notice', async () => {
    const to = Array.from({ length: 1001 }, (_, i) => `u${i}@kunde.example`).join(', ');
    const v = await parseStep.run(await context(REPLY.replace('To: support@support.example.com', `To: ${to}`), { parse: false }));
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice], ['quarantined', 'malformed', false]);
  });

  test('over the time budget: deferred on the first run (a busy machine may have used the time), malformed on the next', async () => {
    // The shape of ParseBudgetError (inbound/parse/parse-errors.ts), as the parser port delivers it.
    const overBudget = () => Promise.reject(Object.assign(new Error('parsing took more than 2000 ms'), { code: 'malformed', overBudget: true }));
    const first = await context(REPLY, { parse: false, attempt: 1, deps: { parser: { parse: overBudget } } });
    await assert.rejects(parseStep.run(first), (e: Error & { reason?: string }) => e.name === 'DeferError' && e.reason === 'processing_failed' && /2000 ms; tried again later/.test(e.message));
    const second = await context(REPLY, { parse: false, attempt: 2, deps: { parser: { parse: overBudget } } });
    const v = await parseStep.run(second);
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice], ['quarantined', 'malformed', false]);
  });

  test('a parser fault of our own is thrown (the mail is deferred, not judged)', async () => {
    const p = await context(REPLY, { parse: false, deps: { parser: { parse: () => Promise.reject(new Error('worker died')) } } });
    await assert.rejects(parseStep.run(p), /worker died/);
  });
});
