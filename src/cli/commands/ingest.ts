import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Runtime } from '../../composition.js';
import { ingestSocketPath } from '../../config/ingest-handoff.js';
import { parse } from '../args.js';
import { printLine } from '../output.js';
import { handOver } from '../handoff-client.js';
import { EX_TEMPFAIL, EX_UNAVAILABLE, type IngestOptions } from './ingest-shared.js';

export { EX_TEMPFAIL } from './ingest-shared.js';

const USAGE = 'supportal ingest [--file F] [--sender ADDRESS] [--recipient ADDRESS]';

/**
 * The MTA pipe: one message from stdin (or a file), one JSON line out. With a serve running, the
 * mail is handed to it over `<data dir>/ingest.sock` (LMTP) and serve's 250 (stored durably) is
 * the answer: this path loads no database, parse worker or mailauth, so that the MTA's one
 * process per mail costs little more than Node's start (docs/benchmarks.md section 2). Without
 * a serve the mail is stored and processed here, as before. Exit 0 when the mail was handled in
 * any way; 75 (EX_TEMPFAIL) when it could not be stored now; 69 (EX_UNAVAILABLE) when serve refused it
 * for good before storing it (past its hard size ceiling), so that the MTA returns it to the sender.
 */
export async function ingestCommand(argv: string[], rt: () => Promise<Runtime>): Promise<number> {
  const { values } = parse(argv, { file: { type: 'string' }, sender: { type: 'string' }, recipient: { type: 'string', multiple: true } }, USAGE);
  const options = values as IngestOptions;
  // The data directory as the configuration resolves it (SUPPORTAL_DATA_DIR, default ./data),
  // read without loading the configuration's validators.
  const socketPath = ingestSocketPath(resolve(process.env.SUPPORTAL_DATA_DIR ?? './data'));
  // Opened only once serve is ready for the mail; without serve the in-process path reads it.
  const source = () => (options.file ? createReadStream(options.file) : process.stdin);
  const r = await handOver(socketPath, { sender: options.sender ?? null, recipients: options.recipient ?? [] }, source);
  switch (r.kind) {
    case 'stored':
      // Stored durably by serve; its workers process it (the outcome is in the mail log).
      printLine(JSON.stringify({ status: r.duplicate ? 'duplicate' : 'queued', reason: r.duplicate ? 'duplicate' : null, case: null, mail: r.mailId }));
      return 0;
    case 'refused':
      // Refused for good before it was stored (only a mail past serve's hard size ceiling gets
      // here): nothing of it is kept, so the MTA must return it to its sender, who so learns it
      // was not taken; exit 0 would drop it silently.
      printLine(JSON.stringify({ status: 'rejected', reason: 'refused_by_serve', case: null, mail: null }));
      process.stderr.write(`supportal: serve refused the mail: ${r.reply.split('\n')[0]}\n`);
      return EX_UNAVAILABLE;
    case 'temporary':
      process.stderr.write(`supportal: could not store the mail now: ${r.reply.split('\n')[0]}\n`);
      printLine(JSON.stringify({ status: 'deferred', reason: 'storing_failed', case: null, mail: null }));
      return EX_TEMPFAIL;
    case 'unreadable':
      process.stderr.write(`supportal: cannot read the mail: ${r.error.message}\n`);
      return EX_TEMPFAIL;
    case 'absent': {
      const { ingestInProcess } = await import('./ingest-in-process.js');
      return ingestInProcess(options, rt);
    }
  }
}
