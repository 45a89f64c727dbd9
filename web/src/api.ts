/**
 * The one way the UI talks to the server: JSON under /api, the session cookie, and the CSRF token
 * in X-CSRF-Token on every state-changing request (docs/api.md, "CSRF").
 */
import { currentLanguage } from './i18n.js';

export interface ApiErrorBody { code: string; message: string; details?: Record<string, unknown> }

/**
 * A failed request: the server's `code` and `details`, and its `message` with the language the
 * server wrote it in (its Content-Language; null when it named none, as a proxy's page does).
 */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: Record<string, unknown> = {}, readonly language: string | null = null) {
    super(message);
  }
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  // The server answers its error messages in the signed-in user's language, else in this one: the
  // UI's, so that a message matches the page around it.
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLanguage() };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  // A proxy's HTML error page is no JSON: the status then speaks for itself.
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data as { error?: ApiErrorBody } | null)?.error;
    const language = e?.message ? res.headers.get('content-language') : null;
    throw new ApiError(res.status, e?.code ?? 'internal', e?.message ?? res.statusText, e?.details ?? {}, language);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};

/** A query string from the defined values; arrays repeat their key (`status=a&status=b`). */
export function query(params: Record<string, string | number | undefined | null | string[]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, x);
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Sends a form with files as multipart/form-data (text fields first, then each file as `files`),
 * or as JSON when there are no files.
 */
export function bodyWithFiles(fields: Record<string, string | undefined>, files: File[]): FormData | Record<string, string> {
  const clean = Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  if (files.length === 0) return clean;
  const fd = new FormData();
  for (const [k, v] of Object.entries(clean)) fd.append(k, v);
  for (const f of files) fd.append('files', f, f.name);
  return fd;
}
