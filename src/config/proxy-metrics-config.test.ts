import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, describeConfig, loadConfig } from './config.js';
import { privateFileWarnings } from './private-files.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'supportal-config-'));
const SECRET = { SUPPORTAL_SECRET: 'x'.repeat(40) };

test('SUPPORTAL_TRUST_PROXY: addresses, CIDRs and proxy-addr names, comma-separated; off by default', () => {
  assert.deepEqual(loadConfig({ SUPPORTAL_DATA_DIR: tmp(), ...SECRET }).trustProxy, []);
  const c = loadConfig({ SUPPORTAL_DATA_DIR: tmp(), ...SECRET, SUPPORTAL_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8, loopback' });
  assert.deepEqual(c.trustProxy, ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
  assert.equal(describeConfig(c).find((d) => d.env === 'SUPPORTAL_TRUST_PROXY')!.value, '127.0.0.1,10.0.0.0/8,::1,fd00::/8,loopback');
});

test('a bad proxy address, listen address or metrics token stops with one line naming the setting', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ SUPPORTAL_TRUST_PROXY: '10.0.0.0/33' }, /^invalid setting SUPPORTAL_TRUST_PROXY="10.0.0.0\/33": "10.0.0.0\/33" is not an IP address, a CIDR range/],
    [{ SUPPORTAL_TRUST_PROXY: '127.0.0.1,nginx' }, /SUPPORTAL_TRUST_PROXY.*"nginx" is not an IP address/],
    [{ SUPPORTAL_TRUST_PROXY: '300.1.1.1' }, /SUPPORTAL_TRUST_PROXY/],
    [{ SUPPORTAL_METRICS_LISTEN: '9464' }, /SUPPORTAL_METRICS_LISTEN="9464": must be host:port/],
    [{ SUPPORTAL_METRICS_LISTEN: '127.0.0.1:99999' }, /SUPPORTAL_METRICS_LISTEN/],
    [{ SUPPORTAL_METRICS_TOKEN: 'short' }, /SUPPORTAL_METRICS_TOKEN=\(hidden\): must be at least 16/],
    [{ SUPPORTAL_ACCESS_LOG: 'yes' }, /SUPPORTAL_ACCESS_LOG="yes"/],
  ];
  for (const [env, re] of cases) {
    assert.throws(() => loadConfig({ SUPPORTAL_DATA_DIR: tmp(), ...SECRET, ...env }), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.doesNotMatch(e.message, /\n/);
      assert.match(e.message, re);
      return true;
    });
  }
});

test('print-config masks the metrics token and shows the metrics listener as host:port', () => {
  const c = loadConfig({ SUPPORTAL_DATA_DIR: tmp(), ...SECRET, SUPPORTAL_METRICS_TOKEN: 'a-long-metrics-token-value', SUPPORTAL_METRICS_LISTEN: '[::1]:9464', SUPPORTAL_ACCESS_LOG: 'on' });
  assert.equal(c.metricsToken, 'a-long-metrics-token-value');
  assert.deepEqual(c.metricsListen, { host: '::1', port: 9464 });
  assert.equal(c.accessLog, true);
  const shown = Object.fromEntries(describeConfig(c).map((d) => [d.env, d.value]));
  assert.equal(shown.SUPPORTAL_METRICS_TOKEN, '********');
  assert.equal(shown.SUPPORTAL_METRICS_LISTEN, '[::1]:9464');
  assert.ok(!JSON.stringify(shown).includes('a-long-metrics-token-value'));
});

test('a new data folder is 0700 and the generated secret 0600', () => {
  const dir = join(tmp(), 'data');
  loadConfig({ SUPPORTAL_DATA_DIR: dir }, { createSecret: true });
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
  assert.deepEqual(privateFileWarnings(loadConfig({ SUPPORTAL_DATA_DIR: dir })), []);
});

test('files others can read are named, one line each, with the chmod that fixes them', () => {
  const dir = tmp();
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'secret.key'), 'y'.repeat(40), { mode: 0o644 });
  chmodSync(join(dir, 'secret.key'), 0o644);
  for (const f of ['supportal.sqlite', 'supportal.sqlite-wal']) {
    writeFileSync(join(dir, f), '');
    chmodSync(join(dir, f), 0o640);
  }
  const c = loadConfig({ SUPPORTAL_DATA_DIR: dir });
  assert.deepEqual(privateFileWarnings(c), [
    `${dir} can be read by other users (mode 755); fix: chmod 700 ${dir}`,
    `${join(dir, 'secret.key')} can be read by other users (mode 644); fix: chmod 600 ${join(dir, 'secret.key')}`,
    `${join(dir, 'supportal.sqlite')} can be read by other users (mode 640); fix: chmod 600 ${join(dir, 'supportal.sqlite')}`,
    `${join(dir, 'supportal.sqlite-wal')} can be read by other users (mode 640); fix: chmod 600 ${join(dir, 'supportal.sqlite-wal')}`,
  ]);
  // A PostgreSQL setup has no database file to check.
  const pg = loadConfig({ SUPPORTAL_DATA_DIR: dir, SUPPORTAL_DATABASE_URL: 'postgres://u:p@localhost/db' });
  assert.equal(privateFileWarnings(pg).length, 2);
});

test('SUPPORTAL_DNS_SERVERS takes IP addresses with optional ports, and refuses names', () => {
  assert.deepEqual(loadConfig({ SUPPORTAL_DATA_DIR: tmp(), ...SECRET, SUPPORTAL_DNS_SERVERS: '127.0.0.1:5353, 10.0.0.2' }).dnsServers, ['127.0.0.1:5353', '10.0.0.2']);
  assert.deepEqual(loadConfig({ SUPPORTAL_DATA_DIR: tmp(), ...SECRET }).dnsServers, []);
  assert.throws(() => loadConfig({ SUPPORTAL_DATA_DIR: tmp(), ...SECRET, SUPPORTAL_DNS_SERVERS: 'dns.example.com' }), /SUPPORTAL_DNS_SERVERS/);
});
