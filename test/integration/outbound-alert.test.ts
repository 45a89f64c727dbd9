import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { BIN, cli } from '../support/cli.js';
import { freePort } from '../support/postgres.js';
import { startSmtpSink } from '../support/smtp-sink.js';

test('promise 5: serve raises an alert in its log when it gives up on an outbound mail (relay answers 550)', async () => {
  const sink = await startSmtpSink();
  sink.answer(550, 'mailbox unavailable');
  const dir = mkdtempSync(join(tmpdir(), 'supportal-alert-'));
  const env = { SUPPORTAL_DATA_DIR: dir, SUPPORTAL_RELAY_URL: sink.url, SUPPORTAL_HTTP_PORT: String(await freePort()), SUPPORTAL_SMTP_PORT: '', SUPPORTAL_LOG_LEVEL: 'info' };
  try {
    assert.equal(cli(['user', 'add', '--role', 'customer', '--email', 'kim@example.org', '--name', 'Kim'], env).status, 0);
    assert.equal(cli(['user', 'add', '--role', 'agent', '--email', 'agent@vendor.example', '--name', 'Agent'], env).status, 0);
    const n = cli(['case', 'open', '--customer', 'kim@example.org', '--subject', 'S', '--body', 'B'], env).stdout.trim();
    assert.equal(cli(['case', 'reply', n, '--agent', 'agent@vendor.example', '--body', 'Answer'], env).status, 0);
    const serve = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let logs = '';
    const alerted = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no alert within 30 s:\n${logs}`)), 30_000);
      serve.stderr.on('data', (c: Buffer) => {
        logs += c.toString();
        const line = logs.split('\n').find((l) => l.includes('"alert":"outbound_failed"'));
        if (line) {
          clearTimeout(timer);
          resolve(line);
        }
      });
    });
    try {
      const line = JSON.parse(await alerted) as { level: number; error: string };
      assert.equal(line.level, 50, 'logged at level error');
      assert.match(line.error, /mailbox unavailable/);
    } finally {
      serve.kill('SIGTERM');
      await once(serve, 'exit');
    }
    const list = JSON.parse(cli(['outbox', 'list', '--json'], env).stdout) as Array<{ status: string }>;
    assert.deepEqual(list.map((m) => m.status), ['failed']);
  } finally {
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
