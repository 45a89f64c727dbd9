import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { attachmentsStep } from './090-attachments.js';
import { inspectAttachments } from '../../../inbound/attachments/inspect-attachments.js';
import { buildZip } from '../../../../test/support/zip-writer.js';
import { context } from '../../../../test/support/pipeline-step.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082', 'hex');

function withFiles(files: Array<{ name: string; type: string; content: Buffer }>): string {
  const parts = files.map((f) => `--b\nContent-Type: ${f.type}; name="${f.name}"\nContent-Disposition: attachment; filename="${f.name}"\nContent-Transfer-Encoding: base64\n\n${f.content.toString('base64')}\n`);
  return `From: anna@kunde.example\nTo: support@support.example.com\nSubject: Re: [Case #7] x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nAnbei.\n${parts.join('')}--b--\n`;
}

async function judge(files: Array<{ name: string; type: string; content: Buffer }>) {
  const p = await context(withFiles(files), { deps: { inspector: { inspect: (f, policy) => inspectAttachments(f, policy) } } });
  const v = await attachmentsStep.run(p);
  return { verdict: v.kind === 'terminal' ? `${v.status}/${v.reason}` : v.kind, files: p.offendingFiles };
}

describe('090-attachments', () => {
  test('an image and one ZIP → continue', async () => {
    const zip = buildZip([{ name: 'log.txt', data: Buffer.from('log') }]);
    assert.deepEqual(await judge([{ name: 'a.png', type: 'image/png', content: PNG }, { name: 'logs.zip', type: 'application/zip', content: zip }]), { verdict: 'continue', files: [] });
  });

  test('A2: a PDF, or HTML named .png → rejected/attachment_type naming the file', async () => {
    assert.deepEqual(await judge([{ name: 'bericht.pdf', type: 'application/pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') }]), { verdict: 'rejected/attachment_type', files: ['bericht.pdf'] });
    assert.deepEqual(await judge([{ name: 'bild.png', type: 'image/png', content: Buffer.from('<html><script>alert(1)</script></html>') }]), { verdict: 'rejected/attachment_type', files: ['bild.png'] });
  });

  test('A7: two ZIPs → rejected/too_many_archives', async () => {
    const zip = (n: string) => buildZip([{ name: `${n}.txt`, data: Buffer.from(n) }]);
    const r = await judge([{ name: 'a.zip', type: 'application/zip', content: zip('a') }, { name: 'b.zip', type: 'application/zip', content: zip('b') }]);
    assert.equal(r.verdict, 'rejected/too_many_archives');
    assert.deepEqual(r.files.sort(), ['a.zip', 'b.zip']);
  });

  test('an agent accepted the mail without the refused files: they are left out, the allowed ones stay, the mail goes on', async () => {
    const files = [{ name: 'a.png', type: 'image/png', content: PNG }, { name: 'bericht.pdf', type: 'application/pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') }];
    const p = await context(withFiles(files), { deps: { inspector: { inspect: (f, policy) => inspectAttachments(f, policy) } } });
    p.agentAccept = { acceptedBy: 'agent-1', dropRefusedAttachments: true };
    assert.deepEqual(await attachmentsStep.run(p), { kind: 'continue' });
    assert.deepEqual(p.parsed!.attachments.map((a) => a.filename), ['a.png']);
    assert.deepEqual(p.files.map((f) => [f.name, f.detectedType]), [['a.png', 'image/png']]);
    assert.deepEqual(p.offendingFiles, []);
    assert.deepEqual(p.notes, ['left out by an agent: bericht.pdf']);
    // Without the agent's decision the same mail is rejected.
    assert.deepEqual(await judge(files), { verdict: 'rejected/attachment_type', files: ['bericht.pdf'] });
  });

  test('A4: a ZIP with a traversal entry → rejected/bad_archive', async () => {
    const r = await judge([{ name: 'x.zip', type: 'application/zip', content: buildZip([{ name: '../../etc/cron.d/x', data: Buffer.from('x') }]) }]);
    assert.deepEqual(r, { verdict: 'rejected/bad_archive', files: ['x.zip'] });
  });
});
