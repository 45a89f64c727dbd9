import type { FastifyReply, FastifyRequest } from 'fastify';
import { isSecure } from './request-guard.js';

/** The app's own pages and API answers load nothing from elsewhere and are never framed. */
export const APP_CSP = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/**
 * The single-page app (index.html): scripts and styles from this origin only (React sets inline
 * `style` attributes, hence 'unsafe-inline' for styles but never for scripts), images also as
 * data:/blob: (previews of chosen files), frames from this origin only (the sandboxed e-mail view).
 */
export const SPA_CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

/**
 * An e-mail's HTML inside `<iframe sandbox>`: nothing loads but inline styles and cid:/data:
 * images, and `sandbox` (also in the CSP, in case the page is opened on its own) gives it a unique
 * origin without scripts, forms or popups (W3, RELIABILITY 9).
 */
export const MAIL_HTML_CSP = "default-src 'none'; img-src cid: data:; style-src 'unsafe-inline'; sandbox";
/** The same after an agent allowed remote images: the browser may fetch http(s) images, still nothing else. */
export const MAIL_HTML_REMOTE_IMAGES_CSP = "default-src 'none'; img-src cid: data: https: http:; style-src 'unsafe-inline'; sandbox";

/**
 * Isolation headers, the same on every answer (issue 10, item 11). COOP same-origin: a page we
 * open, or that opens us, gets no window handle across origins (no tabnabbing, no XS-Leaks by
 * window counting). CORP same-origin: no other site may embed our answers (attachments, avatars,
 * JSON) as images or scripts, which Spectre-style reads would need. Permissions-Policy: the
 * portal uses no camera, microphone, location, payment, USB or sensors, so no page of ours (nor
 * a frame in it) may ask for them.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), xr-spatial-tracking=()',
};

/**
 * Headers every response carries. A route may set its own CSP first (downloads set `sandbox`);
 * the rest are fixed. No Access-Control-* header is ever sent: the API serves its own origin
 * only, and reflecting an Origin with credentials would hand sessions to any site (W7).
 */
export function securityHeaders(req: FastifyRequest, reply: FastifyReply): void {
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', APP_CSP);
  reply.header('x-content-type-options', 'nosniff');
  // The e-mail view sets no-referrer (a remote image, once allowed, must not learn the case URL):
  // a route's own stricter policy stays.
  if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'same-origin');
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) reply.header(name, value);
  // Only the e-mail view sets SAMEORIGIN (it is shown in our own iframe); everything else is never framed.
  if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  // One year, the common preload minimum; only when browsers reach us over HTTPS (RFC 6797 §7.2:
  // they ignore it over plain HTTP anyway).
  if (isSecure(req)) reply.header('strict-transport-security', 'max-age=31536000');
  for (const h of Object.keys(reply.getHeaders())) if (h.toLowerCase().startsWith('access-control-')) reply.removeHeader(h);
}
