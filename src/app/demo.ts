import { addUser, ensureOrganisation } from './users.js';
import { openCase, closeCase } from './cases.js';
import { randomUUID } from 'node:crypto';
import type { UsersDeps } from './users.js';
import type { CasesDeps } from './cases.js';
import type { AppSlice } from './context.js';

/** What this module's use cases reach of the context. */
export type DemoDeps = AppSlice<'cases' | 'products' | 'users', never> & CasesDeps & UsersDeps;

/**
 * Demo data for trying Supportal out. Idempotent: every item is looked up before it is created,
 * so a second run changes nothing. The passwords are fixed and printed on purpose: this is a
 * demo, not an installation's accounts.
 */
export const DEMO_LOGINS = [
  { role: 'admin', email: 'admin@example.com', name: 'Ada Admin', password: 'demo-admin-pass', lang: 'en' },
  { role: 'agent', email: 'agent@example.com', name: 'Alex Agent', password: 'demo-agent-pass', lang: 'de' },
  { role: 'customer', email: 'anna@kunde.example', name: 'Anna Kunde', password: 'demo-anna-pass', lang: 'de', orgAdmin: true },
  { role: 'customer', email: 'ben@kunde.example', name: 'Ben Customer', password: 'demo-ben-pass', lang: 'en' },
] as const;

const DEMO_ORG = { name: 'Kunde GmbH', customerNo: 'K-1001' };
const DEMO_PRODUCTS = [
  { name: 'Supportal Server', versions: ['4.0', '4.1', '5.0'] },
  { name: 'Supportal Desktop', versions: ['2.3', '2.4'] },
];

export interface DemoResult {
  created: string[];
  logins: Array<{ role: string; email: string; password: string }>;
}

export async function seedDemo(ctx: DemoDeps): Promise<DemoResult> {
  const created: string[] = [];
  for (const p of DEMO_PRODUCTS) {
    let product = await ctx.store.products.findByName(p.name);
    if (!product) {
      await ctx.store.products.insert({ id: randomUUID(), name: p.name });
      product = (await ctx.store.products.findByName(p.name))!;
      created.push(`product ${p.name}`);
    }
    for (const v of p.versions) if (!product.versions.includes(v)) await ctx.store.products.addVersion(product.id, v);
  }
  await ensureOrganisation(ctx, DEMO_ORG.name, DEMO_ORG.customerNo);
  for (const l of DEMO_LOGINS) {
    if (await ctx.store.users.findByEmail(l.email)) continue;
    await addUser(ctx, {
      role: l.role,
      email: l.email,
      name: l.name,
      password: l.password,
      lang: l.lang,
      ...(l.role === 'customer' ? { org: DEMO_ORG.name, orgAdmin: 'orgAdmin' in l ? l.orgAdmin : false } : {}),
    });
    created.push(`user ${l.email}`);
  }
  // Cases only on the first run: their presence is the marker.
  const anna = (await ctx.store.users.findByEmail('anna@kunde.example'))!;
  const existing = await ctx.store.cases.list({ customerId: anna.id, limit: 1 });
  if (existing.length === 0) {
    const c1 = await openCase(ctx, {
      customer: 'anna@kunde.example',
      subject: 'Export nach PDF bricht ab',
      body: 'Beim Export eines Berichts mit mehr als 200 Seiten bricht der Server mit einem Timeout ab.',
      product: 'Supportal Server',
      version: '4.1',
      environment: 'Debian 12, PostgreSQL 15',
    });
    await openCase(ctx, {
      customer: 'ben@kunde.example',
      subject: 'Licence key not accepted after upgrade',
      body: 'After upgrading to 2.4 the desktop client says my licence key is invalid.',
      product: 'Supportal Desktop',
      version: '2.4',
      environment: 'Windows 11',
      channel: 'phone',
    });
    const c3 = await openCase(ctx, {
      customer: 'anna@kunde.example',
      subject: 'Frage zur Lizenzverlängerung',
      body: 'Wie verlängern wir unsere Lizenz für 2027?',
      product: 'Supportal Server',
    });
    await closeCase(ctx, c3.number);
    created.push(`cases ${c1.number}-${c3.number}`);
  }
  return { created, logins: DEMO_LOGINS.map((l) => ({ role: l.role, email: l.email, password: l.password })) };
}
