import assert from 'node:assert/strict';
import type { JsonSchema, RouteInfo } from '../../src/http/route-registry.js';
import type { World } from './http-harness.js';

/** A minimal valid value for a JSON schema: required properties only, the first enum value, the minimum length. */
export function sample(s: JsonSchema | undefined): unknown {
  if (!s) return undefined;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  const type = Array.isArray(s.type) ? (s.type.includes('null') ? 'null' : s.type[0]) : s.type;
  switch (type) {
    case 'null': return null;
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(((s.required as string[] | undefined) ?? []).map((k) => [k, sample(props[k])]));
    }
    case 'array': return [];
    case 'integer': case 'number': return (s.minimum as number | undefined) ?? 1;
    case 'boolean': return false;
    default: return s.format === 'email' ? 'probe@example.org' : 'x'.repeat(Math.max(8, (s.minLength as number | undefined) ?? 0));
  }
}

/**
 * The route's URL with every `:param` replaced by a record of Alice of Acme (her case, file, mail,
 * token …) and the required query fields filled, so that a probe by anyone else asks for someone
 * else's record.
 */
export function probeUrl(r: RouteInfo, w: World, tokenId: string): string {
  const values: Record<string, string> = {
    number: String(w.aliceCase.number), attachmentId: w.attachmentId, mailId: w.aliceMailId, userId: w.alice.id, tokenId,
    messageId: w.htmlMessageId, organisationId: w.alice.organisationId!, productId: w.productId, versionId: w.versionId, name: 'receipt',
    key: 'support', outboxId: w.aliceReplyOutboxId, part: '0',
  };
  const path = r.url.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    // A new route with a new kind of id must be added here, so that it is probed like the rest.
    assert.ok(name in values, `${r.method} ${r.url}: the authorisation tests have no value for :${name}`);
    return encodeURIComponent(values[name]!);
  });
  const query = sample(r.querystring) as Record<string, unknown> | undefined;
  const qs = query ? new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString() : '';
  return qs ? `${path}?${qs}` : path;
}
