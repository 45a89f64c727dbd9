import { startServer, type Server } from '../../server.js';
import { demoLoginsInUse } from '../../app/demo.js';
import { parse } from '../args.js';
import { ALL_ROLES, SERVE_ROLES, parseRoles } from '../../config/roles.js';
import { printLine, UsageError, withUsage } from '../output.js';

/**
 * What a person starting the server needs on one screen (stdout; the JSON log stays on stderr):
 * where the portal, the desk and the admin pages are, which demo logins work, where the SMTP
 * listener takes replies, and where held mail can be read when no relay is configured.
 */
export async function startBanner(server: Server): Promise<string[]> {
  const { config, ctx } = server.runtime;
  const base = config.publicUrl.replace(/\/+$/, '');
  const lines = [
    `Supportal is running (database: ${server.runtime.db.dialect.name}).`,
    `  Portal (customers): ${base}/`,
    `  Desk (agents):      ${base}/desk`,
    `  Admin:              ${base}/admin`,
    server.inbound.smtpAddress ? `  SMTP listener:      ${server.inbound.smtpAddress} (replies to ${config.supportAddress})` : '  SMTP listener:      not in this process (SUPPORTAL_SMTP_PORT empty, or not among --roles)',
    config.relayUrl ? `  Relay:              ${new URL(config.relayUrl).host} (outgoing mail is sent)` : `  No relay: mails are held in the outbox → ${base}/desk/outbox`,
  ];
  const logins = await demoLoginsInUse(ctx);
  if (logins.length) {
    lines.push('Demo logins:');
    for (const l of logins) lines.push(`  ${l.role.padEnd(9)} ${l.email.padEnd(22)} ${l.password}`);
  }
  lines.push('Stop with Ctrl+C. The log (JSON) goes to stderr.');
  return lines;
}

const USAGE = 'supportal serve [--roles web,smtp,lmtp,worker,imap]';

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { roles: { type: 'string' } }, USAGE);
  let roles = ALL_ROLES;
  if (values.roles !== undefined) {
    try {
      roles = parseRoles(String(values.roles));
    } catch (e) {
      throw new UsageError(withUsage({ de: `--roles „${String(values.roles)}“ ist ungültig; die Rollen sind ${SERVE_ROLES.join(', ')}`, en: (e as Error).message }, USAGE));
    }
  }
  const server = await startServer({ roles });
  if (roles.has('web')) for (const l of await startBanner(server)) printLine(l);
  await new Promise<void>((resolve) => {
    const onSignal = (sig: string) => {
      server.runtime.log.info({ signal: sig }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  });
  await server.stop();
  // Everything acknowledged is committed and the database is closed. Whatever still holds the
  // event loop (a clamd scan of a job that was released, a parse worker busy with it) must not
  // keep the process alive until systemd kills it: exit once the log is written.
  setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
  return 0;
}
