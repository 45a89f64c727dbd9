import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api.js';
import { LANGUAGES, type Language } from '../../types.js';
import { ErrorBox, errorText, Loading, Notice, SelectField, TextArea, TextField, useAction, useLoad } from '../../components/ui.js';
import { EDITABLE, fieldOf, loadSettings, type EditableTemplate, type Preview, type Settings, type Wording } from './shared.js';

/** The wording being edited: the saved override field by field, else the built-in text. */
function wordingOf(s: Settings, name: EditableTemplate, l: Language): Wording {
  const saved = s.templates[name]?.[l] ?? {};
  const built = s.builtInTemplates[name][l];
  return { subject: saved.subject ?? built.subject, text: saved.text ?? built.text, html: saved.html ?? built.html };
}

/** The editor's fields sent as an override: a field equal to the built-in text stays built-in (empty). */
function overrideOf(w: Wording, built: Wording): Wording {
  return { subject: w.subject === built.subject ? '' : w.subject, text: w.text === built.text ? '' : w.text, html: w.html === built.html ? '' : w.html };
}

/** The rendered preview of one language, refreshed 400 ms after the last keystroke. */
function useLivePreview(name: string, lang: Language, draft: Wording | null): { preview: Preview | null; error: unknown } {
  const [state, setState] = useState<{ preview: Preview | null; error: unknown }>({ preview: null, error: null });
  // The preview follows the draft's words, not the object holding them (a new one every render).
  const key = JSON.stringify(draft);
  useEffect(() => {
    let live = true;
    const draft = JSON.parse(key) as Wording | null;
    const timer = setTimeout(() => {
      const req = draft
        ? api.post<Preview>(`/api/admin/templates/${encodeURIComponent(name)}/preview`, { lang, ...draft })
        : api.get<Preview>(`/api/admin/templates/${encodeURIComponent(name)}/preview?lang=${lang}`);
      req.then(
        (preview) => live && setState({ preview, error: null }),
        (error: unknown) => live && setState((s) => ({ preview: s.preview, error })),
      );
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [name, lang, key]);
  return state;
}

function PreviewCard({ preview }: { preview: Preview | null }) {
  const { t } = useTranslation();
  if (!preview) return <Loading />;
  return (
    <div className="template-preview" aria-live="polite">
      <h3>{t('admin.preview')}</h3>
      <p>
        <strong>{preview.subject}</strong>
      </p>
      <pre className="mail-preview">{preview.text}</pre>
      <details>
        <summary>{t('admin.htmlSource')}</summary>
        <pre className="mail-preview">{preview.html}</pre>
      </details>
    </div>
  );
}

/** One language of an editable template: subject, text and HTML, with the live preview below. */
function WordingEditor({ name, lang, value, onChange, error }: { name: EditableTemplate; lang: Language; value: Wording; onChange(w: Wording): void; error: unknown }) {
  const { t } = useTranslation();
  const live = useLivePreview(name, lang, value);
  const field = fieldOf(live.error) ?? fieldOf(error)?.split('.').pop() ?? null;
  // In the UI's language (errorText), whichever language the template being edited is in.
  const problem = live.error instanceof ApiError ? errorText(t, live.error) : error instanceof ApiError && fieldOf(error)?.includes(`.${lang}.`) ? errorText(t, error) : null;
  const errFor = (f: keyof Wording) => (problem && field === f ? problem : null);
  return (
    <section className="card" lang={lang} aria-labelledby={`tpl-${name}-${lang}`}>
      <h2 id={`tpl-${name}-${lang}`}>{lang === 'de' ? 'Deutsch' : 'English'}</h2>
      <TextField label={t('admin.tplSubject')} value={value.subject} error={errFor('subject')} onChange={(e) => onChange({ ...value, subject: e.currentTarget.value })} />
      <TextArea label={t('admin.tplText')} rows={10} value={value.text} error={errFor('text')} onChange={(e) => onChange({ ...value, text: e.currentTarget.value })} />
      <TextArea label={t('admin.tplHtml')} rows={6} value={value.html} error={errFor('html')} onChange={(e) => onChange({ ...value, html: e.currentTarget.value })} />
      <PreviewCard preview={live.preview} />
    </section>
  );
}

/**
 * The mail templates: every one previewed in both languages; the receipt and the notice can be
 * reworded (per language, with a live preview while typing) and set back to the built-in text.
 */
export function TemplatesAdminPage() {
  const { t } = useTranslation();
  const names = useLoad(() => api.get<{ templates: string[] }>('/api/admin/templates').then((r) => r.templates), []);
  const settings = useLoad(loadSettings, []);
  const [name, setName] = useState('receipt');
  const [edits, setEdits] = useState<Partial<Record<Language, Wording>>>({});
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  const editable = EDITABLE.includes(name) ? (name as EditableTemplate) : null;
  const s = settings.data;
  const wording = (l: Language): Wording | null => (editable && s ? edits[l] ?? wordingOf(s, editable, l) : null);
  const choose = (n: string) => {
    setName(n);
    setEdits({});
    action.clear();
    setDone(null);
  };
  const save = async (reset: boolean) => {
    if (!editable || !s) return;
    setDone(null);
    const body = Object.fromEntries(LANGUAGES.map((l) => [l, reset ? null : overrideOf(wording(l)!, s.builtInTemplates[editable][l])]));
    await action.run(async () => {
      await api.patch('/api/admin/settings', { templates: { [editable]: body } });
      setEdits({});
      settings.reload();
      setDone(reset ? t('admin.tplResetDone') : t('admin.saved'));
    });
  };
  return (
    <>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <SelectField label={t('admin.templateKind')} value={name} onChange={(e) => choose(e.currentTarget.value)}>
          {(names.data ?? [name]).map((k) => (
            <option key={k} value={k}>
              {t(`outboundKind.${k}`, { defaultValue: k })}
            </option>
          ))}
        </SelectField>
      </form>
      <ErrorBox error={names.error ?? settings.error} />
      {editable && s ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save(false);
          }}
        >
          <p className="hint">
            {t('admin.tplHint')} <code>{s.limits.templateVariables[editable].map((v) => `{{${v}}}`).join(' ')}</code>
          </p>
          {done ? <Notice kind="success">{done}</Notice> : null}
          <ErrorBox error={action.error} />
          <div className="grid-2">
            {LANGUAGES.map((l) => (
              <WordingEditor key={`${editable}-${l}`} name={editable} lang={l} value={wording(l)!} error={action.error} onChange={(w) => setEdits({ ...edits, [l]: w })} />
            ))}
          </div>
          <div className="actions">
            <button type="submit">{t('admin.tplSave')}</button>
            <button type="button" className="button-secondary" onClick={() => void save(true)} disabled={!s.templates[editable]}>
              {t('admin.tplReset')}
            </button>
          </div>
        </form>
      ) : !editable ? (
        <div className="grid-2">
          {LANGUAGES.map((l) => (
            <ReadOnlyPreview key={`${name}-${l}`} name={name} lang={l} />
          ))}
        </div>
      ) : (
        <Loading />
      )}
    </>
  );
}

function ReadOnlyPreview({ name, lang }: { name: string; lang: Language }) {
  const live = useLivePreview(name, lang, null);
  return (
    <section className="card" lang={lang} aria-labelledby={`tpl-${lang}`}>
      <h2 id={`tpl-${lang}`}>{lang === 'de' ? 'Deutsch' : 'English'}</h2>
      <ErrorBox error={live.error} />
      <PreviewCard preview={live.preview} />
    </section>
  );
}
