import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRuntime } from '../../src/composition.js';
import { addUser } from '../../src/app/users.js';
import { openCase } from '../../src/app/cases.js';
import { receiveMail } from '../../src/app/ingest/receive-mail.js';
import { dialectLeftOut, freshDatabaseUrl } from '../support/databases.js';
import { serveEnv, startServe, type ServeProcess } from '../support/serve-process.js';
import { plainMail } from '../support/mail-builders.js';

/**
 * With PostgreSQL a worker hears queued work through LISTEN/NOTIFY. Its poll waits 15 s; each
 * mail below must be processed within 10 s of being stored by ANOTHER process, three times
 * in a row, and the worker must log the notification that woke it. A broken NOTIFY fails this:
 * the poll could at best catch one of the three within the bound.
 */
describe('LISTEN/NOTIFY between processes', { skip: dialectLeftOut('postgres') }, () => {
  test('a mail stored by one process wakes the worker of another at once; its outcome reaches the live events of a third', { timeout: 120_000 }, async () => {
    const db = await freshDatabaseUrl('postgres');
    const shared = { SUPPORTAL_DATABASE_URL: db.url, SUPPORTAL_SECRET: 'multi-node-test-secret-0123456789abcdef', SUPPORTAL_LOG_LEVEL: 'debug' };
    const nodes: ServeProcess[] = [];
    const other = await createRuntime({ env: { ...(await serveEnv(shared)) }, createSecret: false });
    try {
      await addUser(other.ctx, { role: 'customer', email: 'kim@kunde.example', name: 'Kim' });
      const c = await openCase(other.ctx, { customer: 'kim@kunde.example', subject: 'Drucker', body: 'Der Drucker raucht.' });
      const [worker, web] = await Promise.all([startServe(await serveEnv(shared), ['--roles', 'worker']), startServe(await serveEnv(shared), ['--roles', 'web'])]);
      nodes.push(worker!, web!);
      // The worker's first pass found nothing; from here on only a notification is quicker than 15 s.
      for (let i = 0; i < 3; i++) {
        const stored = await receiveMail(other.ctx, {
          raw: plainMail({ from: 'kim@kunde.example', to: 'support@support.example.com', subject: `Re: [Case #${c.number}] Drucker`, body: `Antwort ${i}` }),
          channel: 'smtp',
          envelopeFrom: 'kim@kunde.example',
          envelopeTo: ['support@support.example.com'],
        });
        const at = Date.now();
        const line = await worker!.waitForLine((l) => l.msg === 'inbound mail processed' && l.mail === stored.mailId, 30_000);
        const ms = Date.now() - at;
        assert.equal(line.status, 'accepted');
        assert.ok(ms < 10_000, `mail ${i} processed ${ms} ms after another process stored it (the poll waits 15 s)`);
        const heard = worker!.lines().filter((l) => l.msg === 'work queued by a node (notification)' && l.work === 'inbound').length;
        assert.ok(heard >= i + 1, `the worker heard of mail ${i} through a notification (${heard} heard)`);
      }
      // The outcome travels to the web node's live-update streams.
      await web!.waitForLine((l) => l.msg === 'live events from another node', 10_000);
      assert.ok(!worker!.lines().some((l) => l.msg === 'live events from another node'), 'a node does not hear its own events back');
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
      await other.close();
      db.cleanup();
    }
  });
});
