import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/corpus.js';
import { findExecutable } from '../support/service-process.js';
import { LIMITS } from '../../src/config/limits.js';

const DEPLOY = join(repoRoot, 'deploy');
const UNIT = readFileSync(join(DEPLOY, 'supportal.service'), 'utf8');
const LMTP_DROP_IN = readFileSync(join(DEPLOY, 'supportal.service.d', 'lmtp.conf'), 'utf8');

function systemdAnalyze(): string {
  const bin = findExecutable('systemd-analyze');
  // Never a skip: the test runner installs it (scripts/test.mjs, SYSTEM_DEPENDENCIES).
  assert.ok(bin, 'systemd-analyze is missing: install the Debian package "systemd" (apt-get install systemd)');
  return bin;
}

/**
 * `systemd-analyze verify` of the unit with its drop-ins, from a scratch directory (verify reads
 * `<unit>.d/` next to the unit file). It checks that ExecStart's program exists, and the unit
 * names the installed path /usr/bin/node, which need not be where Node.js is on this machine;
 * the copy therefore runs the Node.js of this test. verify exits 0 even for a directive it
 * ignores (an unknown key, a bad value), so everything it prints counts as a finding.
 */
function verify(unit: string, dropIns: Record<string, string> = {}): { status: number | null; findings: string } {
  const dir = mkdtempSync(join(tmpdir(), 'supportal-units-'));
  try {
    const execStart = /^ExecStart=(\S+)/m.exec(unit);
    assert.ok(execStart, 'the unit has an ExecStart');
    writeFileSync(join(dir, 'supportal.service'), unit.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
    mkdirSync(join(dir, 'supportal.service.d'));
    for (const [name, text] of Object.entries(dropIns)) writeFileSync(join(dir, 'supportal.service.d', name), text);
    const r = spawnSync(systemdAnalyze(), ['verify', join(dir, 'supportal.service')], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, findings: (r.stdout + r.stderr).trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The values of a directive in unit text, in order. */
function values(text: string, key: string): string[] {
  return [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!.trim());
}

test('deploy/supportal.service passes systemd-analyze verify, alone and with the LMTP drop-in', () => {
  assert.deepEqual(verify(UNIT), { status: 0, findings: '' });
  assert.deepEqual(verify(UNIT, { 'lmtp.conf': LMTP_DROP_IN }), { status: 0, findings: '' });
});

test('the verification finds a broken directive in the unit and in a drop-in', () => {
  const broken = verify(UNIT.replace('ProtectSystem=strict', 'ProtectSystem=sometimes'));
  assert.match(broken.findings, /ProtectSystem|protect system/i);
  const unknown = verify(UNIT, { 'lmtp.conf': LMTP_DROP_IN + 'ListenLMTP=2424\n' });
  assert.match(unknown.findings, /Unknown key 'ListenLMTP'/);
});

test('the unit runs serve hardened, as its own user, and gives the graceful stop time', () => {
  assert.deepEqual(values(UNIT, 'User'), ['supportal']);
  assert.deepEqual(values(UNIT, 'ProtectSystem'), ['strict']);
  assert.deepEqual(values(UNIT, 'NoNewPrivileges'), ['yes']);
  assert.deepEqual(values(UNIT, 'PrivateTmp'), ['yes']);
  assert.deepEqual(values(UNIT, 'KillSignal'), ['SIGTERM']);
  assert.deepEqual(values(UNIT, 'Restart'), ['on-failure']);
  assert.deepEqual(values(UNIT, 'EnvironmentFile'), ['/etc/supportal/supportal.env']);
  assert.match(values(UNIT, 'ExecStart')[0]!, / serve$/);
  // The data directory is the one place it may write, and it is the one serve uses.
  assert.deepEqual(values(UNIT, 'ReadWritePaths'), ['/var/lib/supportal']);
  assert.match(values(UNIT, 'Environment').join(' '), /\bSUPPORTAL_DATA_DIR=\/var\/lib\/supportal\b/);
  // serve needs the grace period plus 5 s for the last sockets to close; systemd must not SIGKILL first.
  const stopSec = Number(values(UNIT, 'TimeoutStopSec')[0]);
  assert.ok(stopSec * 1000 >= LIMITS.shutdownGraceMs + 5_000 + 30_000, `TimeoutStopSec=${stopSec} leaves too little room after the ${LIMITS.shutdownGraceMs} ms grace`);
});

test('the LMTP drop-in listens on loopback only, turns SMTP off, and docs/operations.md points Postfix at the same port', () => {
  const env = Object.fromEntries(values(LMTP_DROP_IN, 'Environment').join(' ').split(/\s+/).map((kv) => kv.split('=') as [string, string]));
  assert.equal(env.SUPPORTAL_SMTP_HOST, '127.0.0.1');
  assert.equal(env.SUPPORTAL_SMTP_PORT, '');
  assert.match(env.SUPPORTAL_LMTP_PORT ?? '', /^\d+$/);
  // RELIABILITY E8: LMTP on loopback, and only that loopback MTA's Received header is believed.
  assert.equal(env.SUPPORTAL_LMTP_HOST, '127.0.0.1');
  assert.equal(env.SUPPORTAL_LMTP_TRUSTED_MTAS, '127.0.0.1');
  const ops = readFileSync(join(repoRoot, 'docs', 'operations.md'), 'utf8');
  const hops = [...ops.matchAll(/^\S+\s+(\w+):inet:([\d.]+):(\d+)$/gm)];
  assert.ok(hops.length > 0, 'docs/operations.md has a Postfix transport entry');
  for (const [line, service, host, port] of hops) {
    assert.equal(host, '127.0.0.1', line);
    assert.equal(port, env.SUPPORTAL_LMTP_PORT, `${line}: the drop-in's port`);
    // The service of the entry is one that master.cf defines: ours, or Postfix's stock lmtp.
    assert.ok(service === 'lmtp' || new RegExp(`^${service}\\s+unix\\s+.*\\slmtp$`, 'm').test(ops), `${line}: master.cf line for "${service}"`);
  }
});
