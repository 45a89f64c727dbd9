#!/usr/bin/env node
// The dependency rules of docs/architecture (README "Architecture"), checked on every import:
// floors point one way (domain ← app ← adapters ← composition root), and each outside library
// is imported by the one adapter that owns it. Prints one line per violation; exit 1 if any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

/** Folder → folders of ours it may import. */
const LAYERS = {
  domain: ['domain'],
  app: ['domain', 'app', 'config'],
  config: ['config', 'domain'],
  db: ['db', 'app', 'domain', 'config'],
  outbound: ['outbound', 'app', 'domain', 'config'],
  inbound: ['inbound', 'app', 'domain', 'config', 'workers', 'composition.ts'],
  http: ['http', 'app', 'domain', 'config'],
  cli: ['cli', 'app', 'domain', 'config', 'composition.ts', 'server.ts', 'db', 'inbound', 'outbound'],
  workers: ['workers', 'app', 'domain'],
  security: ['security', 'app'],
  archive: ['archive', 'app'],
};
/** Library → folders allowed to import it. */
const LIBRARIES = {
  kysely: ['db'],
  'better-sqlite3': ['db'],
  pg: ['db'],
  mailparser: ['inbound/parse'],
  nodemailer: ['outbound'],
  'smtp-server': ['inbound/sources'],
  imapflow: ['inbound/sources'],
  mailauth: ['inbound'],
  fastify: ['http'],
  '@fastify/static': ['http'],
  '@fastify/multipart': ['http'],
  'sanitize-html': ['inbound'],
  yauzl: ['inbound/attachments'],
  yazl: ['archive'],
  'file-type': ['inbound/attachments'],
};
/** Node modules that do I/O: not in the domain. */
const IO_MODULES = /^node:(fs|net|http|https|child_process|dgram|dns|tls|worker_threads)/;

function files(dir, out = []) {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) files(p, out);
    else if (n.endsWith('.ts') && !n.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** Every violation under `srcDir`, one readable line each. */
export function checkArchitecture(srcDir = src) {
const violations = [];
for (const file of files(srcDir)) {
  const rel = relative(srcDir, file);
  const floor = rel.includes('/') ? rel.split('/')[0] : rel;
  // The composition roots are the one place that knows every adapter.
  if (floor === 'server.ts' || floor === 'composition.ts') continue;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)) {
    const spec = m[1];
    if (spec.startsWith('.')) {
      const target = relative(srcDir, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
      const targetFloor = target.includes('/') ? target.split('/')[0] : target;
      const allowed = LAYERS[floor];
      if (allowed && !allowed.includes(targetFloor) && targetFloor !== floor) violations.push(`${rel}: ${floor}/ must not import ${target}`);
      continue;
    }
    if (floor === 'domain' && IO_MODULES.test(spec)) violations.push(`${rel}: the domain must not import ${spec} (I/O)`);
    const lib = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    const owners = LIBRARIES[lib];
    if (owners && !owners.some((o) => rel.startsWith(o + '/') || rel === o)) violations.push(`${rel}: only ${owners.join(', ')} may import ${lib}`);
  }
}
return violations;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const violations = checkArchitecture();
  for (const v of violations) console.log(v);
  if (violations.length) {
    console.log(`${violations.length} architecture violation(s)`);
    process.exit(1);
  }
  console.log('architecture: no violations');
}
