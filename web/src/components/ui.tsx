import { useCallback, useEffect, useId, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from './error-text.js';
import { currentLanguage } from '../i18n.js';

/** Loads data and reloads on demand; `error` is shown by <ErrorBox>. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: unknown; loading: boolean; reload(): void } {
  const [tick, setTick] = useState(0);
  const key = [...deps, tick];
  // `settled` is the key the answer belongs to: loading until it is the current one, while the
  // last answer stays on screen (a reload does not blank the page).
  const [state, setState] = useState<{ data: T | null; error: unknown; settled: unknown[] | null }>({ data: null, error: null, settled: null });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data, error: null, settled: key }),
      (error: unknown) => live && setState({ data: null, error, settled: key }),
    );
    return () => {
      live = false;
    };
    // Like useEffect itself, the caller's `deps` say when to load again; `load` is a new closure
    // every render and `key` a new array, so neither can be a dependency.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, key);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const loading = state.settled === null || state.settled.length !== key.length || state.settled.some((v, i) => !Object.is(v, key[i]));
  return { data: state.data, error: state.error, loading, reload };
}

/**
 * One thing the user does against the API (a form sent, a button pressed): `run` clears the last
 * error, marks the action busy, and keeps a failure for <ErrorBox> instead of throwing it. It
 * resolves to true when the work succeeded, so that a caller can follow up (clear a field).
 */
export function useAction(): { error: unknown; busy: boolean; run(work: () => Promise<unknown>): Promise<boolean>; clear(): void } {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (work: () => Promise<unknown>): Promise<boolean> => {
    setError(null);
    setBusy(true);
    try {
      await work();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { error, busy, run, clear };
}

export { errorText };

export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      {errorText(t, error)}
    </div>
  );
}

export function Notice({ children, kind = 'info' }: { children: ReactNode; kind?: 'info' | 'success' | 'error' }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="muted" role="status">
      {t('common.loading')}
    </p>
  );
}

interface FieldProps { label: string; hint?: string; error?: string | null; required?: boolean }

/**
 * A field's error until the user changes the field: "Bitte füllen Sie dieses Feld aus" must not
 * stay under a field that is filled now. The error shows again when the value is back to what it
 * was when the error came (e.g. emptied again), or when a new error comes.
 */
function useVisibleError(error: string | null | undefined, value: unknown): string | null {
  const current = error ?? null;
  const [at, setAt] = useState<{ error: string | null; value: unknown }>({ error: current, value });
  // A new error records the value it came with (state adjusted while rendering, as React advises
  // for values derived from props); typing does not move the mark.
  if (at.error !== current) setAt({ error: current, value });
  if (!current) return null;
  if (at.error === current && !Object.is(at.value, value)) return null;
  return current;
}

export function TextField({ label, hint, error, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const generated = useId();
  const id = input.id ?? generated;
  const shown = useVisibleError(error, input.value);
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {input.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <input id={id} aria-invalid={shown ? true : undefined} aria-describedby={shown || hint ? `${id}-d` : undefined} {...input} />
      {shown || hint ? (
        <p id={`${id}-d`} className={shown ? 'field-error' : 'hint'}>
          {shown ?? hint}
        </p>
      ) : null}
    </div>
  );
}

export function TextArea({ label, hint, error, ...input }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const generated = useId();
  const id = input.id ?? generated;
  const shown = useVisibleError(error, input.value);
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {input.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <textarea id={id} aria-invalid={shown ? true : undefined} aria-describedby={shown || hint ? `${id}-d` : undefined} {...input} />
      {shown || hint ? (
        <p id={`${id}-d`} className={shown ? 'field-error' : 'hint'}>
          {shown ?? hint}
        </p>
      ) : null}
    </div>
  );
}

export function SelectField({ label, hint, error, children, ...input }: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }) {
  const generated = useId();
  const id = input.id ?? generated;
  const shown = useVisibleError(error, input.value);
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {input.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <select id={id} aria-invalid={shown ? true : undefined} aria-describedby={shown || hint ? `${id}-d` : undefined} {...input}>
        {children}
      </select>
      {shown || hint ? (
        <p id={`${id}-d`} className={shown ? 'field-error' : 'hint'}>
          {shown ?? hint}
        </p>
      ) : null}
    </div>
  );
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(currentLanguage() === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function CaseStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${status}`}>{t(`caseStatus.${status}`)}</span>;
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    if (typeof children === 'string') document.title = `${children} · Supportal`;
  }, [children]);
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions ? <div className="actions">{actions}</div> : null}
    </div>
  );
}

/** A wide table's scroll box: focusable and named, so that keyboard users can scroll it too. */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
