import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testedDialects } from '../../../test/support/databases.js';
import { manualClock, testRuntime, type TestRuntime } from '../../../test/support/runtime.js';
import { createRelayStateStore } from '../../db/stores/service-states.js';
import type { RelayStateStore } from '../ports.js';
import { RELAY_STATE_RECHECK_MS, createRelayStateTracker, relayStateOf, relayTargetOf, showRelayState } from './relay-state.js';

const PREFIX = 'relay login failed';
const sent = (id = 'm1') => ({ id, outcome: 'sent' as const });
const retrying = (error: string, id = 'm1') => ({ id, outcome: 'retrying' as const, error });
const failed = (error: string, id = 'm1') => ({ id, outcome: 'failed' as const, error });

describe('what an outbox pass says about the relay', () => {
  test('sent is ok, a refused login is login_refused with the relay\'s words, a connection error is unreachable', () => {
    assert.deepEqual(relayStateOf([sent()], PREFIX), { code: 'ok', detail: null });
    assert.deepEqual(relayStateOf([retrying(`${PREFIX}: 535 5.7.8 Authentication credentials invalid`)], PREFIX), { code: 'login_refused', detail: '535 5.7.8 Authentication credentials invalid' });
    assert.deepEqual(relayStateOf([retrying('connect ECONNREFUSED 127.0.0.1:2525')], PREFIX), { code: 'unreachable', detail: 'connect ECONNREFUSED 127.0.0.1:2525' });
    assert.deepEqual(relayStateOf([retrying('Connection timeout')], PREFIX), { code: 'unreachable', detail: 'Connection timeout' });
    assert.deepEqual(relayStateOf([retrying('421 4.7.0 Too many connections, closing')], PREFIX), { code: 'unreachable', detail: '421 4.7.0 Too many connections, closing' });
  });

  test('an answer about one mail, a failure for good and an empty pass say nothing about the relay', () => {
    assert.equal(relayStateOf([retrying('451 4.3.0 mailbox busy, try later')], PREFIX), null);
    assert.equal(relayStateOf([failed('550 5.1.1 no such user')], PREFIX), null);
    assert.equal(relayStateOf([], PREFIX), null);
  });

  test('the last outcome of the pass counts', () => {
    assert.equal(relayStateOf([retrying(`${PREFIX}: 535 no`, 'a'), sent('b')], PREFIX)?.code, 'ok');
    assert.equal(relayStateOf([sent('a'), retrying(`${PREFIX}: 535 no`, 'b'), retrying('451 busy', 'c')], PREFIX)?.code, 'login_refused');
  });

  test('the relay URL gives its host and OAuth2 mailbox, and its password only as secrets to cut out', () => {
    const r = relayTargetOf('smtp://support%40example.com:p%40ss@smtp.example.com?oauth=support&tls=strict');
    assert.deepEqual(r.target, { host: 'smtp.example.com:587', oauthMailbox: 'support' });
    assert.ok(r.secrets.includes('p@ss'));
    assert.ok(r.secrets.includes(Buffer.from('\0support@example.com\0p@ss').toString('base64')));
    assert.deepEqual(relayTargetOf('smtps://relay.example.org').target, { host: 'relay.example.org:465', oauthMailbox: null });
    assert.deepEqual(relayTargetOf(null), { target: { host: null, oauthMailbox: null }, secrets: [] });
  });
});

for (const dialect of testedDialects()) {
  describe(`the relay's state on ${dialect}`, () => {
    let rt: TestRuntime;
    let store: RelayStateStore;
    before(async () => {
      rt = await testRuntime(dialect);
      store = createRelayStateStore(rt.db);
    });
    after(async () => rt?.dispose());

    /** The store, counting its writes. */
    function counted(): RelayStateStore & { writes: number } {
      const c = {
        writes: 0,
        read: () => store.read(),
        write: (s: Parameters<RelayStateStore['write']>[0]) => {
          c.writes++;
          return store.write(s);
        },
      };
      return c;
    }

    test('new → login_refused → ok, written only when the state changes; a restart keeps it, another relay starts at new', async () => {
      const clock = manualClock();
      const states = counted();
      const target = { host: 'smtp.example.com:587', oauthMailbox: null };
      assert.deepEqual(await showRelayState(states, true), { configured: true, host: null, oauthMailbox: null, state: { code: 'new', detail: null, at: null } });

      const relay = createRelayStateTracker({ states, clock, target, loginFailedPrefix: PREFIX, secrets: ['hunter2'] });
      await relay.start();
      const started = await store.read();
      assert.deepEqual(started, { code: 'new', detail: null, at: clock.now().toISOString(), target });

      clock.advance(1000);
      const refusedAt = clock.now().toISOString();
      await relay.observe([retrying(`${PREFIX}: 535 5.7.8 Error: authentication failed for hunter2`)]);
      assert.deepEqual(await store.read(), { code: 'login_refused', detail: '535 5.7.8 Error: authentication failed for …', at: refusedAt, target });
      const writes = states.writes;
      // The same again (the next retries): no statement at all.
      clock.advance(1000);
      await relay.observe([retrying(`${PREFIX}: 535 5.7.8 Error: authentication failed for hunter2`, 'm2')]);
      await relay.observe([retrying('451 4.3.0 busy', 'm3')]);
      await relay.observe([]);
      assert.equal(states.writes, writes, 'no write while nothing changed');

      // New words in the same state are kept, the time the state began too.
      await relay.observe([retrying(`${PREFIX}: 535 5.7.3 Authentication unsuccessful [AM0PR]`)]);
      assert.deepEqual(await store.read(), { code: 'login_refused', detail: '535 5.7.3 Authentication unsuccessful [AM0PR]', at: refusedAt, target });

      clock.advance(1000);
      await relay.observe([sent('m1'), sent('m2')]);
      const ok = await store.read();
      assert.deepEqual(ok, { code: 'ok', detail: null, at: clock.now().toISOString(), target });
      const afterOk = states.writes;
      for (let i = 0; i < 50; i++) await relay.observe([sent(`x${i}`)]);
      assert.equal(states.writes, afterOk, 'never a write per sent mail');
      assert.deepEqual(await showRelayState(states, true), { configured: true, host: 'smtp.example.com:587', oauthMailbox: null, state: { code: 'ok', detail: null, at: ok!.at } });

      // A restart of the node with the same relay keeps the state; another relay starts again.
      clock.advance(1000);
      await createRelayStateTracker({ states, clock, target, loginFailedPrefix: PREFIX }).start();
      assert.deepEqual(await store.read(), ok);
      const other = { host: 'smtp.office365.com:587', oauthMailbox: 'support' };
      await createRelayStateTracker({ states, clock, target: other, loginFailedPrefix: PREFIX }).start();
      assert.deepEqual(await store.read(), { code: 'new', detail: null, at: clock.now().toISOString(), target: other });
    });

    test('a state another node wrote is put right within the recheck interval, without writes meanwhile', async () => {
      const clock = manualClock();
      const target = { host: 'relay.example.net:25', oauthMailbox: null };
      const a = counted();
      const nodeA = createRelayStateTracker({ states: a, clock, target, loginFailedPrefix: PREFIX });
      const nodeB = createRelayStateTracker({ states: store, clock, target, loginFailedPrefix: PREFIX });
      await nodeA.start();
      await nodeA.observe([sent()]);
      assert.equal((await store.read())?.code, 'ok');
      // Node B finds the relay down and says so.
      await nodeB.observe([retrying('connect ECONNREFUSED 192.0.2.1:25')]);
      assert.equal((await store.read())?.code, 'unreachable');
      // Node A still sends: within the interval it does not even ask…
      const writes = a.writes;
      clock.advance(RELAY_STATE_RECHECK_MS - 1);
      await nodeA.observe([sent()]);
      assert.equal(a.writes, writes);
      assert.equal((await store.read())?.code, 'unreachable');
      // …after it, it writes its own finding again.
      clock.advance(1);
      await nodeA.observe([sent()]);
      assert.equal(a.writes, writes + 1);
      assert.deepEqual(await store.read(), { code: 'ok', detail: null, at: clock.now().toISOString(), target });
      // A write that finds the row saying the same changes nothing.
      assert.equal(await store.write({ code: 'ok', detail: null, at: new Date(0).toISOString(), target }), false);
      assert.equal((await store.read())?.at, clock.now().toISOString());
    });

    test('without a relay configured the view says so, whatever a row says', async () => {
      assert.deepEqual(await showRelayState(store, false), { configured: false, host: null, oauthMailbox: null, state: null });
    });
  });
}
