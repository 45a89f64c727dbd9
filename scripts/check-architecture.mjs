#!/usr/bin/env node
// The dependency rules of docs/architecture (README "Architecture"), checked on every import:
// floors point one way (domain ← app ← adapters ← composition root), each outside library
// is imported by the one adapter that owns it, no files import each other in a circle, and only
// src/db asks which database it runs on. Prints one line per violation; exit 1 if any.
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
  inbound: ['inbound', 'app', 'domain', 'config'],
  http: ['http', 'app', 'domain', 'config'],
  cli: ['cli', 'app', 'domain', 'config', 'composition.ts', 'server.ts', 'ingest-deps.ts', 'db', 'inbound', 'outbound'],
  workers: ['workers', 'app', 'domain'],
  security: ['security', 'app'],
  archive: ['archive', 'app'],
  metrics: ['metrics', 'app', 'domain', 'config'],
  // OAuth2 token requests and the sealing of mailbox secrets: adapters of the mailbox ports in app/mailboxes.
  oauth: ['oauth', 'app', 'domain', 'config'],
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
  mailauth: ['inbound/sender-auth'],
  fastify: ['http'],
  '@fastify/static': ['http'],
  '@fastify/multipart': ['http'],
  'sanitize-html': ['inbound/html'],
  yauzl: ['inbound/attachments'],
  yazl: ['archive'],
  'file-type': ['inbound/attachments'],
  'prom-client': ['metrics'],
  // The config schema checks SUPPORTAL_TRUST_PROXY with the parser Fastify will hand it to.
  '@fastify/proxy-addr': ['config'],
};
/**
 * The widest a port may be: methods plus sub-ports (`readonly x: SomeStore`) of one interface in
 * `ports.ts` under `src/app` or `src/app/web-context.ts`. Kysely's `Dialect`, the model of a narrow
 * port, has 4. 12 is what the widest ports have today: the inbound mail store (11 methods: one
 * table's receive → spool → de-duplicate → outcome life cycle) and the two unit-of-work bundles
 * Store and WebStore (12 sub-ports each, every sub-port a narrow store). A 13th member means a
 * split, not a bigger number here.
 */
export const MAX_PORT_MEMBERS = 12;
/** A parameter typed with the whole web context. */
const WIDE_CONTEXT_PARAMETER = /\b\w+\??\s*:\s*(WebContext|PortalContext)\s*[,)=]/;
/** Inside src/db, a comparison with a database's name outside db/dialects (see DIALECT_CHECKS for the rest). */
const DIALECT_TEST = /\.name\s*[!=]==?\s*'(sqlite|postgres)'|'(sqlite|postgres)'\s*[!=]==?\s*\w+\.name\b/;
/** The composition root: the files beside src/composition.ts that wire the adapters together. */
const COMPOSITION_ROOT = ['composition.ts', 'server.ts', 'start-inbound.ts', 'ingest-deps.ts', 'start-mailboxes.ts'];
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

/** The exported interfaces of a file with their member count (methods and `readonly` sub-ports). */
export function portWidths(text) {
  const out = [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const m of code.matchAll(/export interface (\w+)[^{]*\{/g)) {
    let depth = 0;
    let members = 0;
    let i = m.index + m[0].length;
    let line = '';
    // Walk the body; a member ends at `;` or a line break outside brackets, so that the
    // parameters and object types of a member are not counted as members.
    for (; i < code.length; i++) {
      const ch = code[i];
      if (depth === 0 && ch === '}') break;
      if ('{(<['.includes(ch)) depth++;
      else if ('})>]'.includes(ch) && code[i - 1] !== '=') depth--;
      line += ch;
      if (depth === 0 && (ch === ';' || ch === '\n')) {
        if (/^\s*(readonly\s+\w+\??\s*:|\w+\??\s*[(<])/.test(line)) members++;
        line = '';
      }
    }
    out.push({ name: m[1], members });
  }
  return out;
}

/**
 * The files of ours that `text` imports, as written: static imports and re-exports (type-only
 * ones too: a circle is a circle), side-effect imports and import() expressions.
 */
function importSpecifiers(text) {
  const specs = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gm)) specs.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) specs.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]);
  return specs;
}

/**
 * Circles still being taken apart, each named by its files (sorted). A circle is reported unless
 * it is exactly one of these: a circle that gains or loses a file is reported again.
 */
const KNOWN_CIRCLES = [];

/**
 * Every set of files that import each other in a circle (Tarjan's strongly connected components),
 * each reported with one circle through it, e.g. `circle: a.ts → b.ts → a.ts`.
 */
function importCircles(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v).has(v)) components.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((members) => ({ members, path: circleThrough(graph, members) }));
}

/** The shortest circle from the first member back to itself, inside the component. */
function circleThrough(graph, members) {
  const inside = new Set(members);
  const start = members[0];
  const cameFrom = new Map();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of [...graph.get(v)].sort()) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]));
        return [...path, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...members, start];
}

/**
 * Which database it runs on is src/db's business alone (db/dialects/dialect-adapter.ts): these are
 * the forms such a question takes, one line each.
 */
const DIALECT_CHECKS = [
  /\bdialect(?:\.name)?\s*[!=]==?/,
  /[!=]==?\s*[\w.]*\bdialect(?:\.name)?\b/,
  /[!=]==?\s*['"](?:sqlite|postgres(?:ql)?|pg)['"]/,
  /['"](?:sqlite|postgres(?:ql)?|pg)['"]\s*[!=]==?/,
  /\bcase\s+['"](?:sqlite|postgres(?:ql)?)['"]\s*:/,
  /\bswitch\s*\([^)]*\bdialect\b/,
  /\.startsWith\(\s*['"](?:sqlite|postgres)/,
  /\bis(?:Postgres|Sqlite|SQLite|Pg)\b/,
];

/** Every violation under `srcDir`, one readable line each. */
export function checkArchitecture(srcDir = src) {
const violations = [];
/** file → the files of ours it imports (relative to srcDir). */
const graph = new Map();
for (const file of files(srcDir)) {
  const rel = relative(srcDir, file);
  const floor = rel.includes('/') ? rel.split('/')[0] : rel;
  const text = readFileSync(file, 'utf8');
  const specs = importSpecifiers(text);
  // A use case names the slice of the web context it uses (WebSlice), never the whole of it.
  if (floor === 'app' && rel !== 'app/web-context.ts' && WIDE_CONTEXT_PARAMETER.test(text)) violations.push(`${rel}: a use case takes the whole WebContext/PortalContext; declare the slice it uses (WebSlice)`);
  // Inside src/db too, every difference between the databases lives behind the DialectAdapter.
  if (floor === 'db' && !rel.startsWith('db/dialects/') && DIALECT_TEST.test(text)) violations.push(`${rel}: asks which database it runs on; move the difference into the DialectAdapter (db/dialects)`);
  graph.set(rel, new Set(specs.filter((s) => s.startsWith('.')).map((s) => relative(srcDir, resolve(dirname(file), s)).replace(/\.js$/, '.ts'))));
  if (floor !== 'db') {
    text.split('\n').forEach((line, i) => {
      if (/^\s*(?:\/\/|\/?\*)/.test(line)) return; // a comment may speak of the databases
      if (DIALECT_CHECKS.some((re) => re.test(line))) violations.push(`${rel}:${i + 1}: only src/db may ask which database it runs on (DialectAdapter): ${line.trim()}`);
    });
  }
  // The composition roots are the one place that knows every adapter.
  if (COMPOSITION_ROOT.includes(floor)) continue;
  for (const spec of specs) {
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
for (const [file, targets] of graph) graph.set(file, new Set([...targets].filter((t) => graph.has(t))));
for (const { members, path } of importCircles(graph)) {
  if (KNOWN_CIRCLES.some((known) => known.join('\n') === members.join('\n'))) continue;
  violations.push(`circle: ${path.join(' → ')}${members.length > path.length - 1 ? ` (${members.length} files import each other: ${members.join(', ')})` : ''}`);
}
for (const file of files(srcDir)) {
  const rel = relative(srcDir, file);
  if (!(rel.startsWith('app/') && (rel.endsWith('/ports.ts') || rel === 'app/web-context.ts'))) continue;
  for (const p of portWidths(readFileSync(file, 'utf8'))) {
    if (p.members > MAX_PORT_MEMBERS) violations.push(`${rel}: port ${p.name} has ${p.members} methods and sub-ports (at most ${MAX_PORT_MEMBERS}: split it by who uses what)`);
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
