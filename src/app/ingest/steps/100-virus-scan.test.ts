import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { virusScanStep } from './100-virus-scan.js';
import { DeferError, type ScanResult, type VirusScanner } from '../ports.js';
import { context } from '../../../../test/support/pipeline-step.js';

const RAW = `From: anna@kunde.example
To: support@support.example.com
Subject: Re: [Case #7] x
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

Anbei.
--b
Content-Type: image/png; name="a.png"
Content-Disposition: attachment; filename="a.png"
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--b
Content-Type: image/png; name="b.png"
Content-Disposition: attachment; filename="b.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoA
--b--
`;

function scanner(results: ScanResult[]): VirusScanner & { calls: number } {
  const s = { calls: 0, scan: async () => results[s.calls++] ?? { status: 'clean' as const } };
  return s;
}

describe('100-virus-scan', () => {
  test('every attachment clean → continue, scan "clean"', async () => {
    const s = scanner([{ status: 'clean' }, { status: 'clean' }]);
    const p = await context(RAW, { deps: { scanner: s } });
    assert.deepEqual(await virusScanStep.run(p), { kind: 'continue' });
    assert.equal(p.scan, 'clean');
    assert.equal(s.calls, 2);
  });

  test('A9: an infected file → quarantined/virus with a notice naming the file', async () => {
    const p = await context(RAW, { deps: { scanner: scanner([{ status: 'clean' }, { status: 'infected', signature: 'Eicar-Test-Signature' }]) } });
    const v = await virusScanStep.run(p);
    assert.deepEqual(v.kind === 'terminal' && [v.status, v.reason, v.notice, v.detail], ['quarantined', 'virus', true, 'b.png: Eicar-Test-Signature']);
    assert.deepEqual(p.offendingFiles, ['b.png']);
    assert.notEqual(p.scan, 'clean');
  });

  test('A8/A10: a scan error (clamd down, size limit) → DeferError scan_unavailable, never clean', async () => {
    const p = await context(RAW, { deps: { scanner: scanner([{ status: 'error', detail: 'connect ECONNREFUSED' }]) } });
    await assert.rejects(virusScanStep.run(p), (e: unknown) => e instanceof DeferError && e.reason === 'scan_unavailable' && /ECONNREFUSED/.test(e.message));
    assert.equal(p.scan, null);
  });

  test('no scanner configured → continue, "not scanned" noted', async () => {
    const p = await context(RAW);
    assert.deepEqual(await virusScanStep.run(p), { kind: 'continue' });
    assert.equal(p.scan, 'not_scanned');
    assert.match(p.notes.join(), /not scanned/);
  });
});
