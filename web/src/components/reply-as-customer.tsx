import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, bodyWithFiles } from '../api.js';
import { Link } from '../router.js';
import type { MailLogEntry } from '../types.js';
import { explanationOf, OutcomeMark } from './mail-outcome.js';
import { ErrorBox, TextArea, useAction } from './ui.js';

const STYLES = ['plain', 'outlook', 'gmail'] as const;
const VARIANTS = ['pdf', 'two_zips', 'closed_case', 'changed_subject'] as const;
type Style = (typeof STYLES)[number];
type Variant = (typeof VARIANTS)[number];
interface Delivered { inboundMailId: string; size: number; subject: string }

/** Polls one inbound mail until the pipeline gave it an outcome (at most 60 s; the page's live events make it quicker). */
function useOutcome(mailId: string): MailLogEntry | null {
  // The caller keys its component by the mail id: a new mail starts with a fresh state.
  const [mail, setMail] = useState<MailLogEntry | null>(null);
  useEffect(() => {
    let live = true;
    let tries = 0;
    const poll = async (): Promise<void> => {
      while (live && tries++ < 120) {
        try {
          const m = (await api.get<{ mail: MailLogEntry }>(`/api/mails/${encodeURIComponent(mailId)}`)).mail;
          if (!live) return;
          setMail(m);
          if (m.status !== 'received' && m.status !== 'deferred') return;
        } catch {
          // Not visible yet or a blip: try again.
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    void poll();
    return () => {
      live = false;
    };
  }, [mailId]);
  return mail;
}

/** The outcome of the last delivered reply: ✓ or ✗, the reason in words and what to do. */
function DeliveredOutcome({ delivered }: { delivered: Delivered }) {
  const { t } = useTranslation();
  const mail = useOutcome(delivered.inboundMailId);
  const why = mail ? explanationOf(mail) : null;
  return (
    <div className="reply-outcome" role="status" aria-live="polite" data-testid="reply-outcome">
      <p>{t('outbox.reply.delivered', { id: delivered.inboundMailId.slice(0, 8), size: delivered.size })}</p>
      {!mail || mail.status === 'received' ? <p className="muted">{t('outbox.reply.waiting')}</p> : null}
      {mail && mail.status !== 'received' ? (
        <p>
          {t('outbox.reply.outcome')}: <OutcomeMark mail={mail} />
          {mail.reason ? <code className="reason-code">{mail.reason}</code> : null}
          {why ? <span className="reason-text"> {why.text}</span> : null}
        </p>
      ) : null}
      <p>
        <Link to="/desk/mails">{t('outbox.reply.openMailLog')}</Link> · <span className="muted">{t('outbox.reply.customersLog')}</span>
      </p>
    </div>
  );
}

/**
 * Demo only (no relay): answers a held agent reply as the customer's mail client would. The
 * server builds the mail and delivers it through its own SMTP listener; the outcome appears here.
 */
export function ReplyAsCustomer({ outboxId, customerName }: { outboxId: string; customerName: string }) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => t('outbox.reply.textDefault'));
  const [style, setStyle] = useState<Style>('gmail');
  const [files, setFiles] = useState<File[]>([]);
  const [delivered, setDelivered] = useState<Delivered | null>(null);
  const action = useAction();
  const send = (variant?: Variant) =>
    void action.run(async () => {
      setDelivered(null);
      const r = await api.post<Delivered>(`/api/outbox/${encodeURIComponent(outboxId)}/reply-as-customer`, bodyWithFiles({ text, style, variant }, variant ? [] : files));
      setDelivered(r);
    });
  return (
    <section className="reply-as-customer" aria-labelledby="rac-title">
      <h2 id="rac-title">{t('outbox.reply.title')}</h2>
      <p className="hint">{t('outbox.reply.intro', { name: customerName })}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <TextArea label={t('outbox.reply.text')} value={text} rows={4} required onChange={(e) => setText(e.currentTarget.value)} />
        <fieldset className="field">
          <legend>{t('outbox.reply.style')}</legend>
          {STYLES.map((s) => (
            <label key={s} className="radio">
              <input type="radio" name="rac-style" value={s} checked={style === s} onChange={() => setStyle(s)} /> {t(`outbox.reply.styles.${s}`)}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="rac-files">{t('outbox.reply.files')}</label>
          <input id="rac-files" type="file" multiple onChange={(e) => setFiles(Array.from(e.currentTarget.files ?? []))} />
        </div>
        <button type="submit" disabled={action.busy || !text.trim()}>
          {t('outbox.reply.send')}
        </button>
      </form>
      <h3>{t('outbox.reply.badTitle')}</h3>
      <p className="hint">{t('outbox.reply.badIntro')}</p>
      <div className="button-row">
        {VARIANTS.map((v) => (
          <button key={v} type="button" className="button-secondary" disabled={action.busy || !text.trim()} onClick={() => send(v)}>
            {t(`outbox.reply.variants.${v}`)}
          </button>
        ))}
      </div>
      <ErrorBox error={action.error} />
      {delivered ? <DeliveredOutcome key={delivered.inboundMailId} delivered={delivered} /> : null}
    </section>
  );
}
