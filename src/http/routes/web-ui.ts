import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/static';
import type { Router } from '../route-registry.js';
import { SPA_CSP } from '../security-headers.js';

/** Paths that are never the web UI: a miss there is a JSON 404, not index.html. */
const NOT_UI = /^\/(api|healthz|readyz|assets)(\/|$)/;

const NOT_BUILT_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Supportal</title></head>
<body><h1>Supportal</h1>
<p>The web interface is not built yet. Build it from the repository root with</p>
<pre>npx vite build --config web/vite.config.ts</pre>
<p>and reload this page. The API answers already: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body></html>
`;

/** The built files under /assets: content-hashed names, so browsers may keep them for a year. */
export function webUiRoutes(router: Router, webRoot: string): void {
  router.route<{ Params: { '*': string } }>({
    method: 'GET', url: '/assets/*', access: 'public', tag: 'web', hidden: true,
    summary: 'The web UI\'s scripts, styles and images.',
    response: { status: 200, description: 'The file.', contentType: 'application/octet-stream' },
    async handler(req, reply) {
      return reply.sendFile(req.params['*'], join(webRoot, 'assets'), { immutable: true, maxAge: '365d' });
    },
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The single-page app's fallback: a GET for any path outside the API is index.html, so that
 * /cases/10042 opened from a mail link works (the router in the browser takes it from there). A
 * file at the root of the build (favicon.ico, robots.txt) is served as itself. Without a build,
 * a short page says how to make one. Returns false when the request is not the UI's.
 */
export async function serveWebUi(req: FastifyRequest, reply: FastifyReply, webRoot: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = req.url.split('?', 1)[0]!;
  if (NOT_UI.test(path)) return false;
  reply.header('content-security-policy', SPA_CSP);
  if (!existsSync(join(webRoot, 'index.html'))) {
    await reply.status(200).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    return true;
  }
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape is no file name: the app answers it.
  }
  const root = resolve(webRoot);
  const file = resolve(root, `.${decoded}`);
  if (decoded !== '/' && !decoded.includes('\0') && file.startsWith(root + sep) && file !== join(root, 'index.html') && isFile(file)) {
    await reply.sendFile(file.slice(root.length + 1), root);
    return true;
  }
  // index.html names the current asset files: revalidate it on every load.
  reply.header('cache-control', 'no-cache');
  await reply.sendFile('index.html', root, { cacheControl: false });
  return true;
}
