import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { EICAR, startClamd } from '../../../test/support/clamd.js';
import type { ClamdHandle } from '../../../test/support/clamd.js';
import { buildZip } from '../../../test/support/zip-writer.js';
import { createClamdScanner, interpretScanReply, parseClamdTarget } from './clamd-client.js';

const MIB = 1024 * 1024;
const STREAM_MAX = 2 * MIB;

/** A local TCP server with a scripted behaviour, for the failure modes a real clamd rarely shows. */
async function fakeServer(onConnection: (socket: Socket) => void): Promise<{ target: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    target: `tcp://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('clamd client against a real clamd', () => {
  let clamd: ClamdHandle;
  before(async () => {
    clamd = await startClamd({ streamMaxLength: STREAM_MAX });
  });
  after(async () => {
    await clamd?.stop();
  });

  test('ping answers true', async () => {
    assert.equal(await createClamdScanner(clamd.target).ping(), true);
  });

  test('RELIABILITY A9: EICAR is infected, with the signature name', async () => {
    const result = await createClamdScanner(clamd.target).scan(EICAR);
    assert.equal(result.status, 'infected');
    assert.match(result.status === 'infected' ? result.signature : '', /^Test\.EICAR\.NDB\.UNOFFICIAL$/);
  });

  test('RELIABILITY A9: EICAR inside a ZIP, and in the middle of a text file, is infected', async () => {
    const scanner = createClamdScanner(clamd.target);
    const zipped = buildZip([
      { name: 'readme.txt', data: Buffer.from('nothing here\n') },
      { name: 'tools/test.com', data: EICAR, deflate: true },
    ]);
    assert.equal((await scanner.scan(zipped)).status, 'infected');
    const embedded = Buffer.concat([Buffer.alloc(100_000, 'a'), EICAR, Buffer.alloc(100_000, 'b')]);
    assert.equal((await scanner.scan(embedded)).status, 'infected');
  });

  test('clean content, an empty file and a clean ZIP are clean', async () => {
    const scanner = createClamdScanner(clamd.target);
    assert.deepEqual(await scanner.scan(Buffer.from('Hello, this is a perfectly normal log file.\n')), { status: 'clean' });
    assert.deepEqual(await scanner.scan(Buffer.alloc(0)), { status: 'clean' });
    assert.deepEqual(await scanner.scan(buildZip([{ name: 'a.txt', data: Buffer.alloc(200_000, 'z'), deflate: true }])), { status: 'clean' });
  });

  test('a stream is scanned as a whole, even when EICAR is split across chunks', async () => {
    const scanner = createClamdScanner(clamd.target);
    const pieces = [Buffer.alloc(70_000, 'x'), EICAR.subarray(0, 30), EICAR.subarray(30), Buffer.from('tail')];
    assert.equal((await scanner.scan(Readable.from(pieces))).status, 'infected');
    assert.deepEqual(await scanner.scan(Readable.from([Buffer.alloc(150_000, 'q')])), { status: 'clean' });
  });

  test('the unix socket works the same way', async () => {
    const scanner = createClamdScanner(clamd.socketPath);
    assert.equal(await scanner.ping(), true);
    assert.equal((await scanner.scan(EICAR)).status, 'infected');
  });

  test('RELIABILITY A8: content over StreamMaxLength is an error, never clean', async () => {
    const scanner = createClamdScanner(clamd.target);
    const big = Buffer.alloc(STREAM_MAX + MIB, 'a');
    const fromBuffer = await scanner.scan(big);
    assert.equal(fromBuffer.status, 'error');
    // clamd replies with an ERROR line and hangs up; the reset can beat the line to us.
    const limitHit = /size limit exceeded|StreamMaxLength/;
    assert.match(fromBuffer.status === 'error' ? fromBuffer.detail : '', limitHit);
    const chunks = Array.from({ length: 48 }, () => Buffer.alloc(64 * 1024, 'b'));
    const fromStream = await scanner.scan(Readable.from(chunks));
    assert.equal(fromStream.status, 'error');
    assert.match(fromStream.status === 'error' ? fromStream.detail : '', limitHit);
  });

  test('many scans at once each get their own answer', async () => {
    const scanner = createClamdScanner(clamd.target);
    const inputs = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? EICAR : Buffer.from(`clean ${i}`)));
    const results = await Promise.all(inputs.map((b) => scanner.scan(b)));
    assert.deepEqual(
      results.map((r) => r.status),
      inputs.map((_, i) => (i % 2 === 0 ? 'infected' : 'clean')),
    );
  });
});

describe('clamd client when clamd is not there or misbehaves', () => {
  test('RELIABILITY A10: a stopped clamd is an error, and ping is false', async () => {
    const clamd = await startClamd();
    const scanner = createClamdScanner(clamd.target);
    assert.equal((await scanner.scan(EICAR)).status, 'infected');
    await clamd.stop();
    const result = await scanner.scan(Buffer.from('clean text'));
    assert.equal(result.status, 'error');
    assert.match(result.status === 'error' ? result.detail : '', /ECONNREFUSED/);
    assert.equal(await scanner.ping(), false);
    const unix = await createClamdScanner(clamd.socketPath).scan(Buffer.from('x'));
    assert.equal(unix.status, 'error');
  });

  test('RELIABILITY A10: a server that accepts and never answers times out as an error', async () => {
    const silent = await fakeServer(() => undefined);
    try {
      const scanner = createClamdScanner(silent.target, { timeoutMs: 300 });
      const started = Date.now();
      const result = await scanner.scan(Buffer.from('clean text'));
      const elapsed = Date.now() - started;
      assert.equal(result.status, 'error');
      assert.match(result.status === 'error' ? result.detail : '', /within 300 ms/);
      assert.ok(elapsed >= 250 && elapsed < 3000, `took ${elapsed} ms`);
      assert.equal(await scanner.ping(), false);
    } finally {
      await silent.close();
    }
  });

  test('a server that hangs up or answers nonsense gives an error', async () => {
    const hangUp = await fakeServer((s) => s.destroy());
    const nonsense = await fakeServer((s) => s.end('stream: probably fine\0'));
    const noNul = await fakeServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    try {
      for (const server of [hangUp, nonsense, noNul]) {
        const result = await createClamdScanner(server.target, { timeoutMs: 2000 }).scan(Buffer.from('x'));
        assert.equal(result.status, 'error', server.target);
      }
    } finally {
      await Promise.all([hangUp.close(), nonsense.close(), noNul.close()]);
    }
  });

  test('an input stream that fails mid-way is an error, not a partial clean scan', async () => {
    const answersOk = await fakeServer((s) => {
      // A clamd that would call anything clean: the client must still report the broken input.
      s.on('data', () => undefined);
      setTimeout(() => s.end('stream: OK\0'), 200);
    });
    try {
      const broken = new Readable({
        read() {
          this.push(Buffer.alloc(1000, 'a'));
          this.destroy(new Error('disk read failed'));
        },
      });
      const result = await createClamdScanner(answersOk.target, { timeoutMs: 2000 }).scan(broken);
      assert.equal(result.status, 'error');
      assert.match(result.status === 'error' ? result.detail : '', /disk read failed/);
    } finally {
      await answersOk.close();
    }
  });
});

describe('interpretScanReply and parseClamdTarget', () => {
  test('only "stream: OK" is clean; FOUND is infected; everything else is an error', () => {
    assert.deepEqual(interpretScanReply('stream: OK'), { status: 'clean' });
    assert.deepEqual(interpretScanReply('stream: Win.Test.EICAR_HDB-1 FOUND'), { status: 'infected', signature: 'Win.Test.EICAR_HDB-1' });
    assert.deepEqual(interpretScanReply('stream: Heuristics.Limits.Exceeded.MaxFileSize FOUND'), {
      status: 'infected',
      signature: 'Heuristics.Limits.Exceeded.MaxFileSize',
    });
    for (const reply of ['INSTREAM size limit exceeded. ERROR', 'stream: OKAY', 'OK', '', 'stream: FOUND', 'COMMAND READ TIMED OUT']) {
      assert.equal(interpretScanReply(reply).status, 'error', reply);
    }
  });

  test('targets: tcp URLs and socket paths', () => {
    assert.deepEqual(parseClamdTarget('tcp://127.0.0.1:3310'), { host: '127.0.0.1', port: 3310 });
    assert.deepEqual(parseClamdTarget('tcp://[::1]:3310'), { host: '::1', port: 3310 });
    assert.deepEqual(parseClamdTarget('/run/clamav/clamd.ctl'), { path: '/run/clamav/clamd.ctl' });
    assert.deepEqual(parseClamdTarget('unix:///run/clamav/clamd.ctl'), { path: '/run/clamav/clamd.ctl' });
    assert.throws(() => parseClamdTarget('tcp://127.0.0.1'), /host and a port/);
    assert.throws(() => parseClamdTarget(''), /empty/);
  });
});
