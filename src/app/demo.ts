import { addUser, ensureOrganisation } from './users.js';
import { openCase, closeCase } from './cases.js';
import { randomUUID } from 'node:crypto';
import type { UsersDeps } from './users.js';
import type { CasesDeps } from './cases.js';
import type { AppSlice } from './context.js';
import { addAgentReply, type AgentReplyDeps } from './outbound/agent-reply.js';
import { replyAsCustomer, type OutboxViewerDeps } from './outbox-viewer/outbox-viewer.js';
import type { OutboxTools } from './outbox-viewer/ports.js';

/** What this module's use cases reach of the context. */
export type DemoDeps = AppSlice<'cases' | 'products' | 'users', never> & CasesDeps & UsersDeps & AgentReplyDeps & OutboxViewerDeps;

/**
 * A 64×40 PNG (a window with a title bar and an orange box): the "screenshot" of the demo's
 * e-mailed reply, a real image that the attachment check recognises by its content.
 */
const DEMO_SCREENSHOT = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAEAAAAAoCAIAAADBrGu+AAAATklEQVR42u3XQQ0AIAwEQeRUE0qQgzoc8McDPJqG2ZyBeV6LPkuvAQAAAAA8AXbxAAAAAJIBa8T1AAAAAAAAAAAAAAAAAL4GOPUAAACpHXq7PT5lS+1kAAAAAElFTkSuQmCC',
  'base64',
);

/** The demo case's conversation as `demo` made it: numbers and outcomes, for the start output and tests. */
export interface DemoStory {
  caseNumber: number;
  agentReplyOutboxId: string;
  acceptedMailId: string;
  rejectedMailId: string;
}

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

/** The case whose story `demo` tells and the first-run guide points to. */
const DEMO_CASE = { customer: 'anna@kunde.example', subject: 'Export nach PDF bricht ab' };

const DEMO_ORG = { name: 'Kunde GmbH', customerNo: 'K-1001' };
const DEMO_PRODUCTS = [
  { name: 'Supportal Server', versions: ['4.0', '4.1', '5.0'] },
  { name: 'Supportal Desktop', versions: ['2.3', '2.4'] },
];

export interface DemoResult {
  created: string[];
  /** Made on the first run when the mail tools are given and no relay is configured. */
  story: DemoStory | null;
  logins: Array<{ role: string; email: string; password: string }>;
}

/**
 * `mail`: the composer and a way into the inbound pipeline. With them, the first run also tells
 * the story of the first case through the real pipeline: the customer's portal message, an agent
 * reply, an e-mailed answer with a screenshot (accepted) and one with a PDF (refused, with its
 * reason and a notice in the outbox).
 */
export async function seedDemo(ctx: DemoDeps, mail?: OutboxTools): Promise<DemoResult> {
  const created: string[] = [];
  let story: DemoStory | null = null;
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
      customer: DEMO_CASE.customer,
      subject: DEMO_CASE.subject,
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
    if (mail && !ctx.mail.relayConfigured) {
      story = await tellStory(ctx, mail, c1.number);
      created.push(`the conversation of case ${c1.number}`);
    }
  }
  return { created, story, logins: DEMO_LOGINS.map((l) => ({ role: l.role, email: l.email, password: l.password })) };
}

async function tellStory(ctx: DemoDeps, mail: OutboxTools, caseNumber: number): Promise<DemoStory> {
  const agent = (await ctx.store.users.findByEmail('agent@example.com'))!;
  const reply = await addAgentReply(ctx, {
    caseNumber,
    agent: agent.email,
    body: 'Guten Tag Frau Kunde,\n\ndanke für Ihre Meldung. Können Sie uns bitte einen Screenshot der Fehlermeldung schicken?\n\nViele Grüße\nAlex Agent',
  });
  const accepted = await replyAsCustomer(ctx, mail, agent, reply.outboundId, {
    style: 'gmail',
    text: 'Hallo Herr Agent,\n\nanbei der Screenshot. Der Fehler kommt bei Seite 200.\n\nViele Grüße\nAnna Kunde',
    files: [{ filename: 'fehlermeldung.png', contentType: 'image/png', content: DEMO_SCREENSHOT }],
  });
  const rejected = await replyAsCustomer(ctx, mail, agent, reply.outboundId, {
    style: 'outlook',
    text: 'Hier noch unsere Rechnung, falls Sie die Lizenz prüfen möchten.',
    variant: 'pdf',
  });
  return { caseNumber, agentReplyOutboxId: reply.outboundId, acceptedMailId: accepted.inboundMailId, rejectedMailId: rejected.inboundMailId };
}

/**
 * The demo accounts that still open with their printed password (an installation that changed
 * or disabled them is not told otherwise): what `serve` prints at start.
 */
export async function demoLoginsInUse(ctx: AppSlice<'users', 'hasher'>): Promise<Array<{ role: string; email: string; password: string }>> {
  const out: Array<{ role: string; email: string; password: string }> = [];
  for (const l of DEMO_LOGINS) {
    const u = await ctx.store.users.findByEmail(l.email);
    if (u && !u.disabled && u.passwordHash && (await ctx.hasher.verify(u.passwordHash, l.password))) out.push({ role: l.role, email: l.email, password: l.password });
  }
  return out;
}

/** The demo case, when the demo data exists: what the first-run guide links to. */
export async function findDemoCase(ctx: AppSlice<'users' | 'cases'>): Promise<{ number: number; subject: string; customerEmail: string } | null> {
  const customer = await ctx.store.users.findByEmail(DEMO_CASE.customer);
  if (!customer) return null;
  const c = (await ctx.store.cases.list({ customerId: customer.id, limit: 100 })).find((x) => x.subject === DEMO_CASE.subject);
  return c ? { number: c.number, subject: c.subject, customerEmail: customer.email } : null;
}
