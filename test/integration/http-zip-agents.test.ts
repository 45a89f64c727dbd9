import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testedDialects } from '../support/databases.js';
import { Client, httpHarness, realUploadGate, seedWorld, PASSWORD, type Harness, type World } from './http-harness.js';
import { buildZip } from '../support/zip-writer.js';
import type { UploadGate } from '../../src/app/portal/ports.js';

function multipart(fields: Record<string, string>, files: Array<{ name: string; content: Buffer }>): { body: Buffer; headers: Record<string, string> } {
  const b = `----supportal${randomUUID().replace(/-/g, '')}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) chunks.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: application/zip\r\n\r\n`), f.content, Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${b}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

const LOG = Buffer.from('2026-11-26 10:00:00 ERROR export timed out\n'.repeat(50));

for (const dialect of testedDialects()) {
  describe(`ZIP file lists and the agents list on ${dialect}`, () => {
    let h: Harness;
    let w: World;
    let inspections = 0;
    const as: Record<'alice' | 'anna' | 'bob' | 'agent', Client> = {} as never;
    before(async () => {
      const real = realUploadGate();
      // Counts the archive inspections, to see the listing cache at work.
      const counting: UploadGate = { ...real, inspector: { inspect: async (files, policy) => ((inspections += files.length), real.inspector.inspect(files, policy)) } };
      h = await httpHarness(dialect, undefined, { uploads: counting });
      w = await seedWorld(h);
      for (const name of ['alice', 'anna', 'bob', 'agent'] as const) {
        as[name] = new Client(h.app);
        assert.equal((await as[name].login(w[name].email, PASSWORD)).statusCode, 200);
      }
    });
    after(async () => h.dispose());

    async function caseWithZip(zip: Buffer): Promise<number> {
      const m = multipart({ payload: JSON.stringify({ subject: 'Logs attached', body: 'See the ZIP.' }) }, [{ name: 'logs.zip', content: zip }]);
      const res = await as.alice.request('POST', '/api/cases', m.body, m.headers);
      assert.equal(res.statusCode, 201, res.body);
      return res.json().case.number as number;
    }

    test('the case detail lists the files of a ZIP (name, size) for everyone who may see the case; listed once, then cached', async () => {
      const zip = buildZip([
        { name: 'logs/', data: Buffer.alloc(0) },
        { name: 'logs/server.log', data: LOG, deflate: true },
        { name: 'README.txt', data: Buffer.from('hello') },
      ]);
      const n = await caseWithZip(zip);
      const before = inspections;
      for (const who of ['alice', 'anna', 'agent'] as const) {
        const detail = (await as[who].request('GET', `/api/cases/${n}`)).json();
        const a = detail.attachments.find((x: { filename: string }) => x.filename === 'logs.zip');
        assert.equal(a.detectedType, 'application/zip');
        assert.deepEqual(a.entries, [{ name: 'logs/server.log', size: LOG.length }, { name: 'README.txt', size: 5 }], who);
        assert.equal(a.entriesTotal, 2);
      }
      assert.equal(inspections - before, 1, 'the archive was inspected once for three views');
      assert.equal((await as.bob.request('GET', `/api/cases/${n}`)).statusCode, 404, 'W1: another organisation sees nothing');
      const png = (await as.alice.request('GET', `/api/cases/${w.aliceCase.number}`)).json().attachments as Array<{ entries?: unknown }>;
      assert.ok(png.every((a) => a.entries === undefined), 'only ZIPs have a file list');
    });

    test('a ZIP with 250 files lists the first 200 and says how many there are', async () => {
      const zip = buildZip(Array.from({ length: 250 }, (_v, i) => ({ name: `f/${String(i).padStart(3, '0')}.txt`, data: Buffer.from(`file ${i}`) })));
      const n = await caseWithZip(zip);
      const a = (await as.agent.request('GET', `/api/cases/${n}`)).json().attachments[0];
      assert.equal(a.entries.length, 200);
      assert.equal(a.entries[0].name, 'f/000.txt');
      assert.equal(a.entriesTotal, 250);
    });

    test('GET /api/agents: enabled agents and admins for the assignee select; an agent assigns a colleague', async () => {
      const res = await as.agent.request('GET', '/api/agents');
      assert.equal(res.statusCode, 200, res.body);
      const agents = res.json().agents as Array<{ id: string; email: string; role: string }>;
      assert.deepEqual(agents.map((a) => [a.email, a.role]).sort(), [[w.admin.email, 'admin'], [w.agent.email, 'agent']]);
      assert.equal((await as.alice.request('GET', '/api/agents')).statusCode, 403);
      assert.equal((await new Client(h.app).request('GET', '/api/agents')).statusCode, 401);

      const assign = await as.agent.request('POST', `/api/cases/${w.aliceCase.number}/assign`, { assigneeId: w.admin.id });
      assert.equal(assign.statusCode, 200, assign.body);
      assert.equal(assign.json().case.assigneeId, w.admin.id);

      await h.ctx.store.users.update(w.admin.id, { disabled: true });
      assert.deepEqual((await as.agent.request('GET', '/api/agents')).json().agents.map((a: { email: string }) => a.email), [w.agent.email], 'a disabled colleague is not offered');
      await h.ctx.store.users.update(w.admin.id, { disabled: false });
    });
  });
}
