import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { findExecutable, spawnUntilReady, type ServiceProcess } from './service-process.js';
import { repoRoot } from './corpus.js';

/** The nginx site configuration that docs/operations.md shows, as shipped. */
export const NGINX_SITE_TEMPLATE = join(repoRoot, 'deploy/nginx/supportal.conf');

/** A self-signed certificate for 127.0.0.1, made with the openssl command line. */
export function selfSignedCertificate(dir: string): { cert: string; key: string; pem: Buffer } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=supportal.test', '-addext', 'subjectAltName=DNS:supportal.test,IP:127.0.0.1'], { stdio: 'pipe' });
  return { cert, key, pem: readFileSync(cert) };
}

/**
 * The shipped site file with this test's ports and certificate put in place of the example
 * values, and nothing else changed. Throws if an example value is missing, so that the template
 * and this test cannot drift apart unnoticed.
 */
export function siteConfig(opts: { listenPort: number; upstreamPort: number; cert: string; key: string }): string {
  let text = readFileSync(NGINX_SITE_TEMPLATE, 'utf8');
  const replace = (from: string, to: string) => {
    if (!text.includes(from)) throw new Error(`${NGINX_SITE_TEMPLATE} no longer contains "${from}"`);
    text = text.split(from).join(to);
  };
  replace('server 127.0.0.1:3000;', `server 127.0.0.1:${opts.upstreamPort};`);
  replace('listen 443 ssl;', `listen 127.0.0.1:${opts.listenPort} ssl;`);
  replace('/etc/ssl/supportal/fullchain.pem', opts.cert);
  replace('/etc/ssl/supportal/privkey.pem', opts.key);
  return text;
}

/** nginx from Debian in the foreground with its own prefix, pid file, logs and temp folders under `dir`. */
export async function startNginx(dir: string, site: string, listenPort: number): Promise<ServiceProcess> {
  const nginx = findExecutable('nginx');
  if (!nginx) throw new Error('nginx is not installed (apt-get install nginx-light or nginx)');
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'logs']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'site.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      // As root the workers would run as nobody and could not write the temp folders of this test.
      ...(process.getuid?.() === 0 ? ['user root;'] : []),
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'logs/error.log')} warn;`,
      'events { worker_connections 128; }',
      'http {',
      `  access_log ${join(dir, 'logs/access.log')};`,
      `  client_body_temp_path ${join(dir, 'body')};`,
      `  proxy_temp_path ${join(dir, 'proxy')};`,
      `  fastcgi_temp_path ${join(dir, 'fastcgi')};`,
      `  uwsgi_temp_path ${join(dir, 'uwsgi')};`,
      `  scgi_temp_path ${join(dir, 'scgi')};`,
      `  include ${join(dir, 'site.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const started = await spawnUntilReady(nginx, ['-p', dir, '-e', join(dir, 'logs/error.log'), '-c', join(dir, 'nginx.conf')], () => accepts(listenPort), { timeoutMs: 10_000, pollMs: 100 });
  if (!started.ok) throw new Error(`nginx did not start: ${started.error} ${safeRead(join(dir, 'logs/error.log'))}`);
  return started.service;
}

/** A TLS port says nothing first: ready is when it accepts a connection. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export interface Answer { status: number; headers: IncomingHttpHeaders; body: string }

/**
 * One HTTP(S) request from a chosen loopback source address (`from`): nginx records it as the
 * client and forwards it in X-Forwarded-For, which is how two "different clients" are made on one machine.
 */
export function send(url: string, opts: { from: string; method?: string; headers?: Record<string, string>; body?: Buffer | string; ca?: Buffer }): Promise<Answer> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.from, ca: opts.ca, agent: false },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
