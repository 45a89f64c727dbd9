import { seedDemo } from '../../app/demo.js';
import { installationSettingsFor, outboxToolsFor, type Runtime } from '../../composition.js';
import { openRawSpool } from '../../app/ingest/receive-mail.js';
import { processInboundMail } from '../../app/ingest/run-pipeline.js';
import type { ReplyDelivery } from '../../app/outbox-viewer/ports.js';
import type { AppContext } from '../../app/context.js';
import type { IngestDeps } from '../../app/ingest/ports.js';
import { createIngestDeps } from '../../ingest-deps.js';
import { closeParseWorkers } from '../../inbound/parse/parse-worker-pool.js';
import { parse } from '../args.js';
import { printJson, printLine } from '../output.js';

/**
 * The MTA pipe as a delivery: `demo` runs no SMTP listener, so the demo's e-mailed replies enter
 * the way `supportal ingest` takes a mail — stored first, then processed to their outcome.
 */
function pipeDelivery(ctx: AppContext, deps: IngestDeps): ReplyDelivery {
  return {
    async submit(envelope, raw) {
      const spool = openRawSpool(ctx, { channel: 'pipe', envelopeFrom: envelope.from, envelopeTo: envelope.to });
      await spool.write(raw);
      const received = await spool.finish();
      const job = await ctx.store.jobs.findByKey(`inbound:${received.mailId}`);
      const o = await processInboundMail(ctx, deps, received.mailId, job?.id ?? null);
      return `stored as ${received.mailId}: ${o.status}${o.reason ? ` (${o.reason})` : ''}`;
    },
  };
}

export async function demoCommand(argv: string[], rt: () => Promise<Runtime>): Promise<number> {
  const { json } = parse(argv, {}, 'supportal demo [--json]');
  const r = await rt();
  // The admin's settings (attachment policy, notice wording) apply to the demo's mails too.
  const { installation, ctx } = installationSettingsFor(r);
  await installation.refresh();
  let res;
  try {
    const delivery = pipeDelivery(ctx, createIngestDeps(r.config, { settings: installation }));
    res = await seedDemo(ctx, outboxToolsFor(delivery));
  } finally {
    await closeParseWorkers();
  }
  if (json) {
    printJson(res);
    return 0;
  }
  printLine(res.created.length ? `demo data created: ${res.created.join(', ')}` : 'demo data present already; nothing changed');
  if (res.story) printLine(`case ${res.story.caseNumber} holds a portal message, an agent reply, an e-mailed reply with a screenshot (accepted) and one with a PDF (refused)`);
  printLine(`Portal: ${r.config.publicUrl}   SMTP listener: ${r.config.smtpHost}:${r.config.smtpPort ?? 'off'}`);
  printLine('Logins:');
  for (const l of res.logins) printLine(`  ${l.role.padEnd(9)} ${l.email.padEnd(22)} ${l.password}`);
  return 0;
}
