import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { bodyHash, deduplicateStep } from './025-deduplicate.js';
import { rawMailFromBuffer } from '../../../domain/raw-mail.js';
import { context } from '../../../../test/support/pipeline-step.js';

const head = `From: anna@kunde.example
To: support@support.example.com
Subject: Re: [Case #7] Export
Message-ID: <same@client.example.org>
`;

function storeWith(earlier: { id: string; raw: string; receivedAt: string } | null) {
  return {
    inbound: {
      findOriginalByMessageId: async (id: string, except: string) => (earlier && id === 'same@client.example.org' && except === 'mail-1' ? { id: earlier.id, sha256: 'x' } : null),
      // Read in 7-byte chunks, so that the header/body boundary falls across chunks.
      rawMail: async () => (earlier ? rawMailFromBuffer(Buffer.from(earlier.raw.replace(/\r?\n/g, '\r\n')), 7) : null),
      findById: async () => (earlier ? { id: earlier.id, receivedAt: earlier.receivedAt } : null),
    },
  };
}

describe('025-deduplicate', () => {
  test('S6: same Message-ID and body as an earlier mail (other trace headers) → duplicate, no notice', async () => {
    const earlier = { id: 'mail-0', raw: `Received: by imap.example\n${head}\nDer Text.\n`, receivedAt: '2026-11-26T09:59:00.000Z' };
    const v = await deduplicateStep.run(await context(`${head}\nDer Text.\n`, { store: storeWith(earlier) }));
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice], ['duplicate', 'duplicate', false]);
    assert.match(v.kind === 'terminal' ? v.detail : '', /mail-0/);
  });

  test('same Message-ID with other content → continue, noted', async () => {
    const p = await context(`${head}\nAnderer Text.\n`, { store: storeWith({ id: 'mail-0', raw: `${head}\nDer Text.\n`, receivedAt: '2026-11-26T09:59:00.000Z' }) });
    assert.deepEqual(await deduplicateStep.run(p), { kind: 'continue' });
    assert.deepEqual(p.notes, ['Message-ID seen before with other content']);
  });

  test('a new Message-ID, or none → continue', async () => {
    assert.deepEqual(await deduplicateStep.run(await context(`${head}\nDer Text.\n`, { store: storeWith(null) })), { kind: 'continue' });
    assert.deepEqual(await deduplicateStep.run(await context(`${head.replace(/Message-ID:.*\n/, '')}\nDer Text.\n`, { store: storeWith(null) })), { kind: 'continue' });
  });
});

describe('bodyHash', () => {
  const hashIn = (text: string, chunk: number) => bodyHash(rawMailFromBuffer(Buffer.from(text, 'latin1'), chunk));

  test('the same for every chunk size, CRLF or LF, whatever the header block holds', async () => {
    const crlf = await hashIn('Subject: a\r\nX: y\r\n\r\nBody\r\nline\r\n', 1 << 20);
    for (const size of [1, 2, 3, 5, 8]) {
      assert.equal(await hashIn('Subject: a\r\nX: y\r\n\r\nBody\r\nline\r\n', size), crlf, `chunks of ${size}`);
      assert.equal(await hashIn('Received: other\r\nSubject: b\r\n\r\nBody\r\nline\r\n', size), crlf, `other headers, chunks of ${size}`);
    }
    assert.equal(await hashIn('Subject: a\nX: y\n\nBody\nline\n', 3), await hashIn('Subject: c\n\nBody\nline\n', 1), 'LF mails agree with each other');
  });

  test('another body gives another hash; a mail without an empty line hashes as an empty body', async () => {
    assert.notEqual(await hashIn('Subject: a\r\n\r\nBody\r\n', 4), await hashIn('Subject: a\r\n\r\nBody!\r\n', 4));
    assert.equal(await hashIn('Subject: a\r\nX: y\r\n', 2), await hashIn('', 2));
  });
});
