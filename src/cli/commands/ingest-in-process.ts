import { createReadStream } from 'node:fs';
import { installationSettingsFor, type Runtime } from '../../composition.js';
import { openRawSpool } from '../../app/ingest/receive-mail.js';
import { processInboundMail } from '../../app/ingest/run-pipeline.js';
import { createIngestDeps } from '../../ingest-deps.js';
import { closeParseWorkers } from '../../inbound/parse/parse-worker-pool.js';
import { printLine } from '../output.js';
import { EX_TEMPFAIL, type IngestOptions } from './ingest-shared.js';

/**
 * The MTA pipe without a running serve: one message from stdin (or a file), stored, processed to
 * its outcome here, one JSON line out. Exit 0 when the mail was handled in any way; 75 when it
 * could not be stored or processed now.
 */
export async function ingestInProcess(values: IngestOptions, rt: () => Promise<Runtime>): Promise<number> {
  let stage = 'store';
  try {
    const r = await rt();
    // The admin's settings (attachment policy, size limit, notice wording) apply to piped mail too.
    const { installation, ctx } = installationSettingsFor(r);
    await installation.refresh();
    // Streamed into the store as it is read: a big mail is never whole in memory.
    const spool = openRawSpool(ctx, {
      channel: 'pipe',
      envelopeFrom: values.sender ?? null,
      envelopeTo: values.recipient ?? [r.config.supportAddress],
    });
    try {
      const source = values.file ? createReadStream(values.file) : process.stdin;
      stage = 'read';
      for await (const chunk of source) {
        stage = 'store';
        await spool.write(chunk as Buffer);
        stage = 'read';
      }
      stage = 'store';
    } catch (e) {
      await spool.discard().catch(() => undefined);
      if (stage === 'read') {
        process.stderr.write(`supportal: cannot read the mail: ${(e as Error).message}\n`);
        return EX_TEMPFAIL;
      }
      throw e;
    }
    const received = await spool.finish();
    if (received.duplicateOf) {
      printLine(JSON.stringify({ status: 'duplicate', reason: 'duplicate', case: null, mail: received.mailId }));
      return 0;
    }
    stage = 'process';
    const job = await r.ctx.store.jobs.findByKey(`inbound:${received.mailId}`);
    const o = await processInboundMail(ctx, createIngestDeps(r.config, { settings: installation }), received.mailId, job?.id ?? null);
    printLine(JSON.stringify({ status: o.status, reason: o.reason, case: o.caseNumber, mail: o.mailId }));
    return 0;
  } catch (e) {
    // Stored but not processed: the job stays queued and a serve worker finishes it; the MTA may
    // retry too — the stored copy makes the retry a duplicate, so nothing is processed twice.
    process.stderr.write(`supportal: could not ${stage} the mail now: ${(e as Error).message.split('\n')[0]}\n`);
    printLine(JSON.stringify({ status: 'deferred', reason: 'processing_failed', case: null, mail: null }));
    return EX_TEMPFAIL;
  } finally {
    await closeParseWorkers();
  }
}
