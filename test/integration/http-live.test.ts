import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { dialectLeftOut, testedDialects } from '../support/databases.js';
import { Client, httpHarness, inboundMail, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';

interface Sse {
  res: IncomingMessage;
  events: Array<{ type: string; id: string | null; data: Record<string, unknown> }>;
  ended: Promise<void>;
  waitFor(pred: (e: { type: string; data: Record<string, unknown> }) => boolean, what: string): Promise<{ type: string; data: Record<string, unknown> }>;
  close(): void;
}

/** An EventSource-like reader over a real socket; waits on events, never on fixed sleeps. */
function openStream(base: string, cookie: string): Promise<Sse> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/events`, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
      const events: Sse['events'] = [];
      const waiters = new Set<() => void>();
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let type = 'message';
          let id: string | null = null;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) type = line.slice(7);
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length) events.push({ type, id, data: JSON.parse(data.join('\n')) as Record<string, unknown> });
        }
        for (const w of [...waiters]) w();
      });
      const ended = new Promise<void>((r) => res.on('end', () => r()));
      resolve({
        res,
        events,
        ended,
        waitFor(pred, what) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no ${what} within 10 s; got ${JSON.stringify(events)}`));
            }, 10_000);
            const check = () => {
              const e = events.find(pred);
              if (e) {
                clearTimeout(timer);
                waiters.delete(check);
                ok(e);
              }
            };
            waiters.add(check);
            check();
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

for (const dialect of testedDialects()) {
  describe(`live updates (server-sent events) on ${dialect}`, () => {
    let h: Harness;
    let w: World;
    let base: string;
    const as: Record<'alice' | 'bob' | 'agent', Client> = {} as never;
    before(async () => {
      h = await httpHarness(dialect, undefined, { livePollMs: 50 });
      w = await seedWorld(h);
      for (const name of ['alice', 'bob', 'agent'] as const) {
        as[name] = new Client(h.app);
        assert.equal((await as[name].login(w[name].email, PASSWORD)).statusCode, 200);
      }
      base = await h.app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => {
      await h.dispose();
      assert.equal(h.app.liveStreams.open, 0, 'closing the app ended every stream');
    });

    test('a customer sees the outcome of their own mail, never another customer\'s; staff see all', async () => {
      const alice = await openStream(base, as.alice.cookie!);
      const agent = await openStream(base, as.agent.cookie!);
      assert.equal(alice.res.statusCode, 200);
      assert.match(String(alice.res.headers['content-type']), /^text\/event-stream/);
      assert.equal(alice.res.headers['x-content-type-options'], 'nosniff');
      const bobMail = await inboundMail(h, w.bob.email, 'LIVE bob', w.bobCase.id, 'rejected');
      const aliceMail = await inboundMail(h, w.alice.email, 'LIVE alice', w.aliceCase.id, 'accepted');
      const got = await alice.waitFor((e) => e.type === 'mail' && e.data.id === aliceMail, 'mail event for Alice');
      assert.equal(got.data.status, 'accepted');
      assert.equal(got.data.caseNumber, w.aliceCase.number);
      assert.equal(got.data.decisions, undefined, 'the customer view, not the staff view');
      assert.ok(!alice.events.some((e) => e.data.id === bobMail), 'Bob\'s mail never reaches Alice');
      await agent.waitFor((e) => e.type === 'mail' && e.data.id === bobMail, 'Bob\'s mail for the agent');
      await agent.waitFor((e) => e.type === 'mail' && e.data.id === aliceMail, 'Alice\'s mail for the agent');
      alice.close();
      agent.close();
    });

    test('case events: an agent reply reaches the customer; an internal note does not; other customers see nothing', async () => {
      const alice = await openStream(base, as.alice.cookie!);
      const bob = await openStream(base, as.bob.cookie!);
      await as.agent.request('POST', `/api/cases/${w.aliceCase.number}/notes`, { body: 'LIVE internal' });
      assert.equal((await as.agent.request('POST', `/api/cases/${w.aliceCase.number}/replies`, { body: 'LIVE answer' })).statusCode, 201);
      const e = await alice.waitFor((x) => x.type === 'case' && x.data.number === w.aliceCase.number, 'case event');
      assert.equal(e.data.status, 'waiting_for_customer');
      assert.equal(alice.events.filter((x) => x.type === 'case').length, 1, 'one event: the note did not show');
      const bobMail = await inboundMail(h, w.bob.email, 'LIVE bob 2', w.bobCase.id, 'accepted');
      await bob.waitFor((x) => x.data.id === bobMail, 'Bob\'s own mail');
      assert.ok(!bob.events.some((x) => x.type === 'case' && x.data.number === w.aliceCase.number), 'Bob never hears of Alice\'s case');
      alice.close();
      bob.close();
    });

    test('the stream ends when the session ends (logout)', async () => {
      const c = new Client(h.app);
      await c.login(w.alice.email, PASSWORD);
      const s = await openStream(base, c.cookie!);
      assert.equal((await c.request('POST', '/api/auth/logout')).statusCode, 204);
      await s.ended;
    });

    test('without Accept: text/event-stream the same changes come as JSON, resumable by cursor', async () => {
      const first = (await as.alice.request('GET', '/api/events')).json();
      assert.ok(first.events.some((e: { type: string; data: { subject?: string } }) => e.type === 'mail' && e.data.subject === 'LIVE alice'));
      assert.ok(!JSON.stringify(first).includes('LIVE bob'));
      const mail = await inboundMail(h, w.alice.email, 'LIVE after cursor', null, 'rejected');
      const next = (await as.alice.request('GET', `/api/events?cursor=${encodeURIComponent(first.cursor)}`)).json();
      assert.ok(next.events.some((e: { data: { id: string } }) => e.data.id === mail));
      assert.ok(!next.events.some((e: { data: { subject?: string } }) => e.data.subject === 'LIVE alice'), 'older changes are not repeated');
    });
  });
}

describe('live updates wake on the in-process bus', { skip: dialectLeftOut('sqlite') }, () => {
  let h: Harness;
  let w: World;
  before(async () => {
    // A poll interval far beyond the test: only the bus can deliver in time.
    h = await httpHarness('sqlite', undefined, { livePollMs: 600_000 });
    w = await seedWorld(h);
  });
  after(async () => h.dispose());

  test('a published mail event is delivered at once', async () => {
    const c = new Client(h.app);
    await c.login(w.alice.email, PASSWORD);
    const base = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const s = await openStream(base, c.cookie!);
    const id = await inboundMail(h, w.alice.email, 'BUS mail', null, 'rejected');
    h.app.events.publish({ kind: 'mail', mailId: id });
    const e = await s.waitFor((x) => x.data.id === id, 'the bus-woken event');
    assert.equal(e.data.status, 'rejected');
    s.close();
  });
});
