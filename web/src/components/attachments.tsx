import { useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.js';
import type { Attachment, ZipEntry } from '../types.js';
import { formatSize } from './ui.js';

/** Why the server refused one file: a policy reason code and its details. */
export interface FileProblem { reason: string | null; detail: string }

/**
 * The server's verdict on each uploaded file, by file name: `attachment_rejected` names every
 * refused file in `details.files` as `{ name, reason, detail }`; `too_large` concerns them all.
 */
export function fileErrors(e: unknown): Record<string, FileProblem> {
  if (!(e instanceof ApiError)) return {};
  const out: Record<string, FileProblem> = {};
  const list = Array.isArray(e.details.files) ? (e.details.files as Array<Record<string, unknown>>) : [];
  for (const f of list) {
    const name = typeof f.name === 'string' ? f.name : typeof f.filename === 'string' ? f.filename : null;
    if (!name) continue;
    out[name] = { reason: typeof f.reason === 'string' ? f.reason : null, detail: typeof f.detail === 'string' ? f.detail : typeof f.message === 'string' ? f.message : '' };
  }
  return out;
}

/** A file input whose chosen files are listed with a remove button and the server's message next to each. */
export function AttachmentPicker({ files, onChange, errors }: { files: File[]; onChange(files: File[]): void; errors: Record<string, FileProblem> }) {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="field">
      <label htmlFor={id}>{t('attachments.add')}</label>
      <input
        ref={input}
        id={id}
        type="file"
        multiple
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          const chosen = Array.from(e.currentTarget.files ?? []);
          onChange([...files, ...chosen.filter((c) => !files.some((f) => f.name === c.name && f.size === c.size))]);
          e.currentTarget.value = '';
        }}
      />
      <p id={`${id}-hint`} className="hint">
        {t('attachments.policy')}
      </p>
      {files.length > 0 ? (
        <ul className="file-list" aria-label={t('attachments.chosen')}>
          {files.map((f) => {
            const err = errors[f.name];
            return (
              <li key={`${f.name}-${f.size}`} className={err ? 'file-rejected' : undefined}>
                <span className="file-name">{f.name}</span> <span className="muted">({formatSize(f.size)})</span>
                {err ? (
                  <span className="field-error" role="alert">
                    {' '}
                    ✗ {err.reason ? t(`attachments.rejected.${err.reason}`, { defaultValue: err.detail }) : err.detail}
                  </span>
                ) : null}
                <button type="button" className="link-button" onClick={() => onChange(files.filter((x) => x !== f))}>
                  {t('attachments.remove', { name: f.name })}
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

function zipEntries(a: Attachment): ZipEntry[] | null {
  return Array.isArray(a.entries) ? a.entries : null;
}

const isImage = (a: Attachment) => (a.detectedType ?? '').startsWith('image/');
const isZip = (a: Attachment) => a.detectedType === 'application/zip' || a.filename.toLowerCase().endsWith('.zip');

/** Attachments of a message: image previews, the file list of a ZIP when the API gives it, a download link for each. */
export function AttachmentList({ attachments }: { attachments: Attachment[] }) {
  const { t } = useTranslation();
  if (attachments.length === 0) return null;
  return (
    <ul className="attachments" aria-label={t('attachments.title')}>
      {attachments.map((a) => {
        const entries = isZip(a) ? zipEntries(a) : null;
        return (
          <li key={a.id} className="attachment">
            {isImage(a) ? <img className="preview" src={a.url} alt={t('attachments.preview', { name: a.filename })} loading="lazy" /> : null}
            <div>
              <a href={a.url} download={a.filename}>
                {a.filename}
              </a>{' '}
              <span className="muted">
                ({formatSize(a.size)}
                {a.detectedType ? `, ${a.detectedType}` : ''})
              </span>
              {entries ? (
                <details className="zip-contents">
                  <summary>{t('attachments.zipContents', { count: a.entriesTotal ?? entries.length })}</summary>
                  <ul className="zip-list" aria-label={t('attachments.zipFilesOf', { name: a.filename })}>
                    {entries.map((z) => (
                      <li key={z.name}>
                        {z.name}
                        {typeof z.size === 'number' ? <span className="muted"> ({formatSize(z.size)})</span> : null}
                      </li>
                    ))}
                  </ul>
                  {a.entriesTotal !== undefined && a.entriesTotal > entries.length ? <p className="hint">{t('attachments.zipMore', { count: a.entriesTotal - entries.length })}</p> : null}
                </details>
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
