import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { testedDialects } from '../support/databases.js';
import { testRuntime, manualClock, type TestRuntime } from '../support/runtime.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { repoRoot } from '../support/corpus.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { addAgentReply } from '../../src/app/outbound/agent-reply.js';
import { runOutboxOnce } from '../../src/app/outbound/outbox-relay.js';
import { createSmtpTransport } from '../../src/outbound/smtp-transport.js';
import { LIMITS } from '../../src/config/limits.js';

const WORKER = join(repoRoot, 'test/fixtures/outbox-crash-worker.ts');

/** Runs the crash worker against the test database; resolves with how it ended. */
async function runCrashWorker(env: Record<string, string>, now: Date): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const p = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    cwd: repoRoot,
    env: { ...process.env, ...env, OUTBOX_WORKER_NOW: now.toISOString() },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code, signal] = (await once(p, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stderr };
}

for (const dialect of testedDialects()) {
  describe(`outbox worker crash on ${dialect}`, () => {
    let sink: SmtpSink;
    let rt: TestRuntime;
    const clock = manualClock();
    before(async () => {
      sink = await startSmtpSink();
      rt = await testRuntime(dialect, { SUPPORTAL_RELAY_URL: sink.url }, clock);
      await addUser(rt.ctx, { role: 'agent', email: 'agent@support.example.com', name: 'Anna Agent' });
      await addUser(rt.ctx, { role: 'customer', email: 'kunde@example.org', name: 'Klaus Kunde', lang: 'de' });
    });
    after(async () => {
      await sink.stop();
      await rt.dispose();
    });

    test('C3: killed after the relay said 250 and before the status update → sent again after the lease, same Message-ID and bytes', async () => {
      const c = await openCase(rt.ctx, { customer: 'kunde@example.org', subject: 'Absturz beim Speichern', body: 'Es stürzt ab.' });
      const q = await addAgentReply(rt.ctx, { caseNumber: c.number, agent: 'agent@support.example.com', body: 'Bitte Version 4.2 installieren.' });

      const child = await runCrashWorker(rt.env, clock.now());
      assert.equal(child.signal, 'SIGKILL', `the worker died by SIGKILL (exit ${child.code}): ${child.stderr}`);
      assert.equal(child.code, null);
      const [first] = await sink.waitFor(1);
      let m = await rt.ctx.store.outbound.findById(q.outboundId);
      assert.equal(m?.status, 'sending', 'the relay has it, the outbox does not know');
      assert.equal(m?.attempts, 0);
      assert.equal(m?.sentAt, null);

      const transport = createSmtpTransport(sink.url);
      try {
        // Another worker within the dead worker's lease leaves the mail alone.
        clock.advance(LIMITS.leaseMs - 1000);
        const early = await runOutboxOnce(rt.ctx, transport);
        assert.deepEqual(early.items, []);
        assert.equal(sink.accepted.length, 1);

        clock.advance(2000);
        const late = await runOutboxOnce(rt.ctx, transport);
        assert.deepEqual(late.items, [{ id: q.outboundId, outcome: 'sent' }]);
        const copies = await sink.waitFor(2);
        assert.equal(copies.length, 2, 'at-least-once: the relay got it twice');
        const [a, b] = await Promise.all(copies.map((x) => simpleParser(x.raw)));
        assert.equal(a!.messageId, `<${q.messageId}>`);
        assert.equal(b!.messageId, a!.messageId, 'the same Message-ID, so the receiver can drop the duplicate');
        assert.ok(copies[1]!.raw.equals(first!.raw), 'identical bytes');
        assert.deepEqual(copies[1]!.envelope, first!.envelope);
        assert.ok(first!.raw.equals((await rt.ctx.store.outbound.raw(q.outboundId))!), 'both are the stored bytes');

        m = await rt.ctx.store.outbound.findById(q.outboundId);
        assert.equal(m?.status, 'sent');
        assert.equal(m?.attempts, 1);
        assert.equal(m?.sentAt, clock.now().toISOString());
        // Nothing left to send.
        clock.advance(LIMITS.leaseMs * 2);
        assert.deepEqual((await runOutboxOnce(rt.ctx, transport)).items, []);
        assert.equal(sink.accepted.length, 2);
      } finally {
        transport.close();
      }
    });
  });
}
