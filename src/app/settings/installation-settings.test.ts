import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createInstallationSettings, placeholderProblem } from './installation-settings.js';
import { DEFAULT_ATTACHMENT_POLICY } from '../../domain/attachment-policy.js';
import type { InstallationSettingsStore, StoredSetting } from './ports.js';

function memoryStore(): InstallationSettingsStore & { reads: number; rows: Map<string, StoredSetting> } {
  const rows = new Map<string, StoredSetting>();
  return {
    rows,
    reads: 0,
    async all() {
      this.reads++;
      return [...rows.values()];
    },
    async put(key, value, at, by) {
      if (value === null) rows.delete(key);
      else rows.set(key, { key, value, updatedAt: at, updatedBy: by });
    },
  };
}

const defaults = { attachmentPolicy: DEFAULT_ATTACHMENT_POLICY, maxMessageBytes: 1_000_000 };

describe('template placeholders', () => {
  test('documented variables pass; unknown, raw, spaced and unclosed ones are named', () => {
    assert.equal(placeholderProblem('receipt', 'Case {{caseToken}}: {{subject}} ({{receivedAt}})'), null);
    assert.match(placeholderProblem('receipt', 'Hi {{name}}') ?? '', /unknown variable \{\{name\}\}/);
    assert.match(placeholderProblem('notice', '{{caseToken}}') ?? '', /unknown variable/, 'a notice does not always have a case');
    assert.match(placeholderProblem('receipt', '<p>{{{subject}}}</p>') ?? '', /unescaped HTML/);
    assert.match(placeholderProblem('receipt', '{{ subject }}') ?? '', /without spaces/);
    assert.match(placeholderProblem('receipt', 'open {{subject') ?? '', /without its partner/);
    assert.match(placeholderProblem('receipt', 'close subject}}') ?? '', /without its partner/);
  });

  test('M12: 50 KB of braces and spaces is judged quickly (no backtracking)', () => {
    const t0 = performance.now();
    for (const s of ['{{' + ' '.repeat(50_000), '{{'.repeat(25_000), '{{a'.repeat(17_000) + '}}']) placeholderProblem('receipt', s);
    assert.ok(performance.now() - t0 < 1000);
  });
});

describe('the settings cache', () => {
  test('reads the store at most once per 5 s; another instance sees a change after that', async () => {
    const store = memoryStore();
    let now = 0;
    const a = createInstallationSettings({ store, defaults, now: () => now });
    const b = createInstallationSettings({ store, defaults, now: () => now });
    assert.equal((await a.current()).maxMessageBytes, 1_000_000);
    await b.current();
    const reads = store.reads;
    await Promise.all([a.current(), a.current(), b.current()]);
    assert.equal(store.reads, reads, 'within the 5 s nothing is read again');
    await store.put('max_message_bytes', 50_000, 'T', 'admin');
    assert.equal((await b.current()).maxMessageBytes, 1_000_000, 'still the cached value');
    now += 5000;
    assert.equal((await b.current()).maxMessageBytes, 50_000);
    assert.equal((await a.refresh()).maxMessageBytes, 50_000);
  });

  test('a stored limit above the configured ceiling is cut to it; an invalid stored policy falls back to the default', async () => {
    const store = memoryStore();
    await store.put('max_message_bytes', 5_000_000, 'T', null);
    await store.put('attachment_policy', { allowedImageTypes: ['image/svg+xml'], maxArchives: 1, allowEncryptedArchives: false, zip: DEFAULT_ATTACHMENT_POLICY.zip }, 'T', null);
    const s = await createInstallationSettings({ store, defaults }).refresh();
    assert.equal(s.maxMessageBytes, 1_000_000);
    assert.deepEqual(s.policy, DEFAULT_ATTACHMENT_POLICY);
    assert.deepEqual(Object.keys(s.changed), ['max_message_bytes']);
  });

  test('the composer lookup answers the saved wording, and a draft only while previewing', async () => {
    const store = memoryStore();
    await store.put('templates', { receipt: { en: { text: 'Saved {{subject}}' } } }, 'T', null);
    const s = createInstallationSettings({ store, defaults });
    assert.equal(s.templateOverride('receipt', 'en'), null, 'nothing before the first load');
    await s.refresh();
    assert.deepEqual(s.templateOverride('receipt', 'en'), { text: 'Saved {{subject}}' });
    assert.equal(s.templateOverride('receipt', 'de'), null);
    const seen = s.previewWith('receipt', 'en', { text: 'Draft' }, () => s.templateOverride('receipt', 'en'));
    assert.deepEqual(seen, { text: 'Draft' });
    assert.deepEqual(s.templateOverride('receipt', 'en'), { text: 'Saved {{subject}}' }, 'the draft is gone afterwards');
    assert.throws(() => s.previewWith('receipt', 'en', { text: 'Draft' }, () => { throw new Error('render failed'); }));
    assert.deepEqual(s.templateOverride('receipt', 'en'), { text: 'Saved {{subject}}' }, 'also after a failed render');
  });
});
