/**
 * Start-up of the compiled command (bin/supportal.js → dist/) against `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../test/support/corpus.js';
import { pct } from './stats.js';

/**
 * Wall time, CPU time (user + system) and peak RSS of the compiled command against `node -e 0`,
 * run alternately so that a busy machine slows both alike; medians of STARTUP_RUNS. Every run,
 * the baseline too, imports one data: URL module that reports CPU and RSS at exit. The headline
 * is the wall-time ratio; CPU time is the steadier figure on a machine shared with other work.
 */
export function measureStartup(env: Record<string, string>, caseNo: number, runs: number): { helpRatio: number; rows: Array<[string, string, string]> } {
  const bin = join(repoRoot, 'bin/supportal.js');
  const report = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('startup-usage='+u.maxRSS+','+(u.userCPUTime+u.systemCPUTime)+'\\n')})`;
  let n = 0;
  const mail = () =>
    Buffer.from(
      `From: bench-0@kunde.example\r\nTo: support@support.example.com\r\nSubject: Re: [Case #${caseNo}] Bench\r\nMessage-ID: <startup-${n++}-${Date.now()}@kunde.example>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nA small reply.\r\n`,
    );
  const cases: Array<{ name: string; args: string[]; input?: () => Buffer; target: string }> = [
    { name: 'node -e 0', args: ['-e', '0'], target: '' },
    { name: 'supportal --help', args: [bin, '--help'], target: '(≤ 5 ×)' },
    { name: 'supportal print-config', args: [bin, 'print-config'], target: '(≤ 5 ×)' },
    { name: 'supportal ingest (one small reply)', args: [bin, 'ingest'], input: mail, target: '' },
  ];
  const samples = cases.map(() => ({ wall: [] as number[], cpu: [] as number[], rss: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    cases.forEach((c, k) => {
      const input = c.input?.();
      const t = performance.now();
      const r = spawnSync(process.execPath, ['--import', report, ...c.args], { env: { ...process.env, ...env }, input, encoding: 'utf8' });
      const wall = performance.now() - t;
      const usage = /startup-usage=(\d+),(\d+)/.exec(r.stderr);
      if (r.status !== 0 || !usage) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
      samples[k]!.wall.push(wall);
      samples[k]!.rss.push(Number(usage[1]) / 1024);
      samples[k]!.cpu.push(Number(usage[2]) / 1000);
    });
  }
  const median = (xs: number[]) => pct([...xs].sort((a, b) => a - b), 0.5);
  const base = { wall: median(samples[0]!.wall), cpu: median(samples[0]!.cpu) };
  const help = median(samples[1]!.wall) / base.wall;
  const rows = cases.map((c, k): [string, string, string] => {
    const m = { wall: median(samples[k]!.wall), cpu: median(samples[k]!.cpu), rss: median(samples[k]!.rss) };
    return [
      `startup: ${c.name}`,
      k === 0 ? `${m.wall.toFixed(0)} ms` : `${(m.wall / base.wall).toFixed(1)} ×`,
      `${k === 0 ? '' : `${m.wall.toFixed(0)} ms; CPU ${(m.cpu / base.cpu).toFixed(1)} ×, `}${k === 0 ? `CPU ${m.cpu.toFixed(0)} ms, ` : `${m.cpu.toFixed(0)} ms; `}${m.rss.toFixed(0)} MiB peak RSS ${c.target}`.trim(),
    ];
  });
  return { helpRatio: help, rows };
}
