// `node --import ./record-imports.mjs …` appends the URL of every module the program imports to
// the file named by SUPPORTAL_IMPORT_LOG: which libraries a command loads, measured, not guessed.
import module from 'node:module';
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import process from 'node:process';

const record = (url) => appendFileSync(process.env.SUPPORTAL_IMPORT_LOG, url + '\n');

/** The asynchronous hook, for Node versions without module.registerHooks (Node 20). */
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  record(r.url);
  return r;
}

if (isMainThread) {
  if (module.registerHooks) {
    module.registerHooks({ resolve: (specifier, context, next) => { const r = next(specifier, context); record(r.url); return r; } });
  } else {
    module.register(import.meta.url);
  }
}
