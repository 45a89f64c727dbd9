/**
 * The session cookie. Over HTTPS it is `__Host-supportal_session`: the prefix makes the browser
 * refuse it unless it is Secure, has Path=/ and no Domain, so that a sibling subdomain cannot
 * plant or overwrite it. Over plain HTTP (a local trial on localhost) browsers refuse Secure and
 * therefore `__Host-` cookies, so the plain name is used there; nothing but the name and the
 * Secure flag differ.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-supportal_session' : 'supportal_session';
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

export function sessionCookie(value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  const parts = [`${sessionCookieName(opts.secure)}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${opts.maxAgeSeconds}`];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { secure, maxAgeSeconds: 0 });
}
