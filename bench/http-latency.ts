/**
 * The desk's and the portal's reads through the HTTP API, as an agent and as a customer: the
 * case list, one case page, and a full-text search for a word found in every message. p95 of
 * `requests` sequential requests each (after 5 unmeasured ones), on a database seeded by
 * seed-large.ts.
 */
import { COMMON_WORD } from './seed-large.js';

async function login(base: string, email: string, password: string): Promise<string> {
  const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!r.ok) throw new Error(`login as ${email}: ${r.status} ${await r.text()}`);
  return r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * 0.95))] ?? NaN;
}

async function timed(base: string, cookie: string, path: () => string, requests: number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < requests + 5; i++) {
    const t = performance.now();
    const r = await fetch(`${base}${path()}`, { headers: { cookie } });
    if (!r.ok) throw new Error(`GET ${path()}: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
    if (i >= 5) ms.push(performance.now() - t);
  }
  return p95(ms);
}

export interface HttpFigures {
  agent: { list: number; page: number; search: number };
  customer: { list: number; page: number; search: number };
}

export async function measureHttp(opts: {
  base: string;
  requests: number;
  agent: { email: string; password: string };
  customer: { email: string; password: string };
  /** Case numbers: any seeded case for the agent, the customer's own for the customer. */
  anyCase: () => number;
  ownCase: () => number;
}): Promise<HttpFigures> {
  const agent = await login(opts.base, opts.agent.email, opts.agent.password);
  const customer = await login(opts.base, opts.customer.email, opts.customer.password);
  const search = `/api/cases?q=${COMMON_WORD}`;
  return {
    agent: {
      list: await timed(opts.base, agent, () => '/api/cases', opts.requests),
      page: await timed(opts.base, agent, () => `/api/cases/${opts.anyCase()}`, opts.requests),
      search: await timed(opts.base, agent, () => search, opts.requests),
    },
    customer: {
      list: await timed(opts.base, customer, () => '/api/cases', opts.requests),
      page: await timed(opts.base, customer, () => `/api/cases/${opts.ownCase()}`, opts.requests),
      search: await timed(opts.base, customer, () => search, opts.requests),
    },
  };
}
