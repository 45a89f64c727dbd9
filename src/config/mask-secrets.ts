/**
 * Masking of secrets for anything we print (print-config, logs, admin pages). One place, so that
 * every setting that holds a URL or a secret is shown the same way.
 *
 * Usage:
 *   maskSecret('abc')                                        // '********'
 *   maskUrlSecrets('postgres://app:pw@db/x?sslpassword=k')   // 'postgres://app:********@db/x?sslpassword=********'
 */
export const MASK = '********';

/**
 * Query fields whose value is a credential: `password`/`sslpassword` (libpq), `pass`, `secret`,
 * `client_secret` (OAuth2), `token`/`access_token`/`refresh_token`, `apikey`/`api_key`, `auth`,
 * `key`, `signature`/`sig` (pre-signed URLs) and `credential(s)`.
 */
const SECRET_FIELD = /(pass|secret|token|api[-_]?key|^key$|^auth$|credential|signature|^sig$)/i;

/** A whole secret (a key, a token): nothing of it is shown, only whether it is set. */
export function maskSecret(value: string | null | undefined): string {
  return value ? MASK : '';
}

/**
 * A URL with the password of its user info and the value of every secret query field masked.
 * Not `new URL()` alone: a password with an unescaped `/`, `?`, `#` or `@` (as people write
 * them in environment files) makes the parser see another host, or fail, and the password would
 * be printed. The user info is what lies between `//` and the LAST `@` before the host, so that
 * any character in the password stays inside it.
 */
export function maskUrlSecrets(value: string): string {
  if (!value) return value;
  const scheme = /^([a-z][a-z0-9+.-]*:)(\/\/)?/i.exec(value);
  let prefix = '';
  let rest = value;
  if (scheme) {
    prefix = scheme[0];
    rest = value.slice(prefix.length);
  }
  if (scheme?.[2]) {
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      const userInfo = rest.slice(0, at);
      const colon = userInfo.indexOf(':');
      // No colon: a lone user name is no secret, unless the scheme uses it as the token (rare); keep it.
      prefix += colon >= 0 ? `${userInfo.slice(0, colon)}:${MASK}@` : `${userInfo}@`;
      rest = rest.slice(at + 1);
    }
  }
  return prefix + maskQuery(rest);
}

/** The query part of `rest` (host/path?query#fragment) with secret fields masked. */
function maskQuery(rest: string): string {
  const q = rest.indexOf('?');
  if (q < 0) return rest;
  const hash = rest.indexOf('#', q);
  const query = rest.slice(q + 1, hash < 0 ? undefined : hash);
  const fragment = hash < 0 ? '' : rest.slice(hash);
  const fields = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: judge the name as written.
    }
    return SECRET_FIELD.test(name) ? `${pair.slice(0, eq)}=${MASK}` : pair;
  });
  return `${rest.slice(0, q)}?${fields.join('&')}${fragment}`;
}
