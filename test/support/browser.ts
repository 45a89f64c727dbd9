import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { startServer, type Server } from '../../src/server.js';
import type { IngestDeps } from '../../src/app/ingest/ports.js';
import { freshDatabaseUrl } from './databases.js';
import { freePort } from './postgres.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const root = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOT_DIR = join(root, 'test-results', 'screenshots');

/** Debian's chromium, headless. A missing browser is an error naming the package, never a skip. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: install the Debian package "chromium" (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh context (own cookies and storage) in the given browser language, on the server's address. */
export async function freshContext(browser: Browser, opts: { baseURL: string; locale?: string }): Promise<BrowserContext> {
  const locale = opts.locale ?? 'en-GB';
  const ctx = await browser.newContext({ baseURL: opts.baseURL, locale, extraHTTPHeaders: { 'accept-language': locale }, viewport: { width: 1280, height: 900 } });
  // 10 s: a page of this app renders in well under a second; a longer wait only delays the failure report.
  ctx.setDefaultTimeout(10_000);
  return ctx;
}

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/**
 * Builds the UI into web/dist unless the build is newer than every source file: the build takes
 * a few seconds, and most test runs change no UI file.
 */
export function ensureWebBuild(): void {
  const index = join(root, 'web', 'dist', 'index.html');
  // The UI bundles the server's lists of statuses and reason codes (src/domain) and its reason texts.
  const sources = [join(root, 'web', 'src'), join(root, 'web', 'index.html'), join(root, 'web', 'vite.config.ts'), join(root, 'src', 'domain'), join(root, 'src', 'app', 'ingest', 'reason-texts.ts')];
  if (existsSync(index) && statSync(index).mtimeMs > Math.max(...sources.map(newestMtime))) return;
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** axe-core over the page; returns the serious and critical violations as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`);
}

/**
 * A whole server in this process on a fresh SQLite database, for the browser tests: the web UI
 * built, HTTP on a free loopback port, logs silent. `env` adds to or overrides the settings
 * (SMTP port, mail domain, sender checks …).
 */
export async function startWebServer(opts: { env?: Record<string, string>; ingestDeps?: Partial<IngestDeps> } = {}): Promise<{ server: Server; baseURL: string; cleanup: () => void }> {
  ensureWebBuild();
  const db = await freshDatabaseUrl('sqlite');
  const httpPort = await freePort();
  const baseURL = `http://127.0.0.1:${httpPort}`;
  const server = await startServer({
    env: {
      SUPPORTAL_DATA_DIR: db.dataDir,
      SUPPORTAL_DATABASE_URL: db.url,
      SUPPORTAL_HTTP_HOST: '127.0.0.1',
      SUPPORTAL_HTTP_PORT: String(httpPort),
      SUPPORTAL_PUBLIC_URL: baseURL,
      SUPPORTAL_SECRET: 'e2e-test-secret-0123456789-abcdefghij',
      SUPPORTAL_LOG_LEVEL: 'silent',
      ...opts.env,
    },
    ingestDeps: opts.ingestDeps,
  });
  return { server, baseURL, cleanup: db.cleanup };
}
