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
 * With PostgreSQL a worker hears queued work through LISTEN/NOTIFY; its poll waits 15 s. Each of
 * three mails (after one that warms the worker up) must be processed within 10 s of being stored
 * by ANOTHER process, and the worker must log the notification it heard. Without the
 * notification each would wait for the poll, 15 s after the worker's last pass: too late for all.
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
      // Mail 0 warms the worker up (its parse threads start with the first mail: seconds on a busy
      // machine) and is not timed. After each mail the worker finds nothing more and waits 15 s:
      // only a notification gets the next one processed sooner.
      for (let i = 0; i < 4; i++) {
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
        if (i > 0) assert.ok(ms < 10_000, `mail ${i} processed ${ms} ms after another process stored it (the poll waits 15 s)`);
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
