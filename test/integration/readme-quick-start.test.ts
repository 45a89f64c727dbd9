import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dialectLeftOut } from '../support/databases.js';
import { cli } from '../support/cli.js';
import { repoRoot } from '../support/corpus.js';
import { serveEnv, startServe, type ServeProcess } from '../support/serve-process.js';

const README = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The fenced blocks of the README in the given language. */
function blocks(lang: string): string[] {
  return [...README.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

/**
 * The README's quick start, as written: `demo` and `serve` with the default settings (mail domain,
 * sender authentication), the start output it shows, and its swaks example sent with swaks itself.
 */
describe("the README's quick start works as written", { skip: dialectLeftOut('sqlite') }, () => {
  let env: Record<string, string>;
  let serve: ServeProcess;
  let http: string;
  let smtp: string;

  before(async () => {
    if (!existsSync('/usr/bin/swaks')) throw new Error('/usr/bin/swaks is missing: install the Debian package "swaks" (apt-get install swaks)');
    env = await serveEnv();
    // The defaults a newcomer has: supportal.localhost, sender authentication on.
    delete env.SUPPORTAL_MAIL_DOMAIN;
    delete env.SUPPORTAL_SENDER_AUTH;
    http = env.SUPPORTAL_HTTP_PORT!;
    smtp = env.SUPPORTAL_SMTP_PORT!;
    const demo = cli(['demo'], env);
    assert.equal(demo.status, 0, demo.stderr);
    serve = await startServe(env);
  });
  after(async () => {
    await serve?.stop();
    if (env) rmSync(env.SUPPORTAL_DATA_DIR!, { recursive: true, force: true });
  });

  test('serve prints the start output the README shows (with this run\'s ports)', async () => {
    const shown = blocks('text').find((b) => b.startsWith('Supportal is running'));
    assert.ok(shown, 'the README shows the start output');
    const expected = shown.replaceAll(':3000', `:${http}`).replaceAll(':2525', `:${smtp}`);
    const deadline = Date.now() + 20_000;
    while (!serve.stdout().includes('Stop with Ctrl+C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(serve.stdout(), expected);
    // No debug noise: the log on stderr is JSON at info or above, and says "up" once.
    for (const l of serve.lines()) assert.ok(typeof l.level === 'number' && l.level >= 30, `not an info-or-above JSON log line: ${JSON.stringify(l)}`);
    assert.doesNotMatch(serve.log(), /Server listening/);
    assert.equal(serve.lines().filter((l) => l.msg === 'supportal is up').length, 1);
  });

  test('the swaks example replies as a demo customer to the demo case and is accepted, with a receipt', async () => {
    const command = blocks('sh').find((b) => b.startsWith('swaks '));
    assert.ok(command, 'the README has a swaks example');
    assert.match(command, /--from anna@kunde\.example/, 'sent as a demo customer');
    assert.match(command, /\[Case #10001\]/, 'with the demo case in the subject');
    const out = execFileSync('bash', ['-c', command.replaceAll('127.0.0.1:2525', `127.0.0.1:${smtp}`)], { encoding: 'utf8', timeout: 60_000 });
    const id = /stored as ([0-9a-f-]{36})/.exec(out)?.[1];
    assert.ok(id, `swaks got no "stored as": ${out}`);
    const deadline = Date.now() + 30_000;
    let mail: { status: string; reason: string | null; case: number | null } | undefined;
    for (;;) {
      const log = cli(['mail', 'log', '--json'], env);
      mail = (JSON.parse(log.stdout) as Array<{ id: string; status: string; reason: string | null; case: number | null }>).find((m) => m.id === id);
      if ((mail && mail.status !== 'received') || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(mail && { status: mail.status, reason: mail.reason, case: mail.case }, { status: 'accepted', reason: null, case: 10001 });
    const outbox = JSON.parse(cli(['outbox', 'list', '--json'], env).stdout) as Array<{ kind: string; to: string }>;
    assert.equal(outbox.filter((o) => o.kind === 'receipt' && o.to.includes('anna@kunde.example')).length, 2, 'a receipt for the demo reply and one for this one');
  });
});
