import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, bodyWithFiles } from '../api.js';
import { useLiveEvents } from '../events.js';
import { Link, match, useLocation } from '../router.js';
import { isStaff, useSession } from '../session.js';
import { CASE_STATUSES, type Attachment, type CaseDetail, type CaseEvent, type MailLogEntry, type Message, type OutboundMail, type Person } from '../types.js';
import { AttachmentList, AttachmentPicker, fileErrors } from '../components/attachments.js';
import { explanationOf, OutcomeMark } from '../components/mail-outcome.js';
import { RawSourceLink } from '../components/raw-source.js';
import { CaseStatusBadge, ErrorBox, formatDate, Loading, Notice, PageTitle, SelectField, TextArea, useAction, useLoad } from '../components/ui.js';

type TimelineItem = { at: string; message: Message } | { at: string; event: CaseEvent };

/** A live event concerns this case when it names it, or names nothing (then reloading is the safe choice). */
function concerns(data: Record<string, unknown>, number: number, caseId: string | undefined): boolean {
  const n = data.caseNumber ?? data.number ?? (data.case as { number?: unknown } | undefined)?.number;
  if (n !== undefined && n !== null) return Number(n) === number;
  if (typeof data.caseId === 'string') return data.caseId === caseId;
  return true;
}

/** A customer's HTML mail in a sandboxed frame: no scripts, no same origin, remote images only on request. */
function HtmlMail({ message }: { message: Message }) {
  const { t } = useTranslation();
  const [remote, setRemote] = useState(false);
  const [shown, setShown] = useState(false);
  if (!shown)
    return (
      <button type="button" className="link-button" onClick={() => setShown(true)}>
        {t('case.showHtml')}
      </button>
    );
  return (
    <div className="html-mail">
      <iframe
        title={t('case.htmlTitle')}
        sandbox=""
        referrerPolicy="no-referrer"
        src={`/api/messages/${encodeURIComponent(message.id)}/html${remote ? '?images=1' : ''}`}
      />
      {!remote ? (
        <button type="button" className="button-secondary" onClick={() => setRemote(true)}>
          {t('case.loadRemoteImages')}
        </button>
      ) : (
        <p className="hint">{t('case.remoteImagesLoaded')}</p>
      )}
    </div>
  );
}

function authorLabel(m: Message, detail: CaseDetail, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (m.kind === 'internal_note') return t('case.noteBy', { name: m.authorName ?? m.authorEmail ?? '' });
  if (m.kind === 'agent_reply') return m.authorName ? t('case.agentReplyBy', { name: m.authorName }) : t('case.agentReply');
  // A phone case's first message is the agent's note of the call, not the customer's own words.
  if (m.source === 'phone') {
    const caller = detail.customer?.name ?? m.authorEmail ?? '';
    // Without an agent behind it (a case opened from the command line) the note names only the caller.
    return m.authorName && m.authorId !== detail.customer?.id ? t('case.phoneNoteBy', { name: m.authorName, customer: caller }) : t('case.phoneNote', { customer: caller });
  }
  const customer: Person | null = detail.customer;
  if (customer && m.authorId === customer.id) return customer.name;
  return m.authorName ?? m.authorEmail ?? t('case.customer');
}

function MessageItem({ m, detail, files, staff }: { m: Message; detail: CaseDetail; files: Attachment[]; staff: boolean }) {
  const { t } = useTranslation();
  return (
    <article className={`message message-${m.kind}`} aria-labelledby={`msg-${m.id}`}>
      <header>
        <h3 id={`msg-${m.id}`}>
          {authorLabel(m, detail, t)}
          {m.source === 'email' ? <span className="tag tag-email">{t('case.viaEmail')}</span> : null}
          {m.source === 'phone' ? <span className="tag">{t('channel.phone')}</span> : null}
          {m.kind === 'internal_note' ? <span className="tag tag-note">{t('case.internal')}</span> : null}
          {staff && m.senderUnverified ? (
            <span className="tag tag-warning" title={t('mailEdge.senderUnverifiedHint')}>
              {t('mailEdge.senderUnverified')}
            </span>
          ) : null}
        </h3>
        <time dateTime={m.createdAt}>{formatDate(m.createdAt)}</time>
      </header>
      <div className="body">{m.bodyText}</div>
      {m.quotedText ? (
        <details className="quoted">
          <summary>{t('case.showQuoted')}</summary>
          <div className="body">{m.quotedText}</div>
        </details>
      ) : null}
      {staff && m.bodyHtml && m.source === 'email' ? <HtmlMail message={m} /> : null}
      <AttachmentList attachments={files} />
    </article>
  );
}

function EventItem({ e }: { e: CaseEvent }) {
  const { t } = useTranslation();
  const actor = e.actorName ?? null;
  let text: string;
  if (e.kind === 'status' && e.toStatus) text = t('events.status', { status: t(`caseStatus.${e.toStatus}`) });
  else if (e.kind === 'assigned') text = e.assigneeName ? t('events.assignedTo', { name: e.assigneeName }) : t('events.unassigned');
  else text = t(`events.${e.kind}`, { defaultValue: e.kind });
  return (
    <p className="event">
      <time dateTime={e.at}>{formatDate(e.at)}</time> · {text}
      {actor ? ` ${t('events.by', { name: actor })}` : ''}
    </p>
  );
}

function ReplyBox({ number, closed, staff, onDone }: { number: number; closed: boolean; staff: boolean; onDone(): void }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const action = useAction();
  const [empty, setEmpty] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const send = () => {
    setSent(null);
    if (!body.trim()) {
      action.clear();
      setEmpty(true);
      return;
    }
    setEmpty(false);
    void action.run(async () => {
      const path = mode === 'note' ? `/api/cases/${number}/notes` : `/api/cases/${number}/replies`;
      await api.post(path, mode === 'note' ? { body } : bodyWithFiles({ body }, files));
      setBody('');
      setFiles([]);
      setSent(mode === 'note' ? t('case.noteSaved') : staff ? t('case.replyMailed') : t('case.replySent'));
      onDone();
    });
  };
  if (closed && !staff) return <Notice>{t('case.closedHint')}</Notice>;
  return (
    <form
      className="card reply-box"
      aria-labelledby="reply-title"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      noValidate
    >
      <h2 id="reply-title">{staff ? t('case.answer') : t('case.reply')}</h2>
      {staff ? (
        <fieldset className="segmented">
          <legend className="visually-hidden">{t('case.kind')}</legend>
          <label>
            <input type="radio" name="mode" value="reply" checked={mode === 'reply'} onChange={() => setMode('reply')} /> {t('case.modeReply')}
          </label>
          <label>
            <input type="radio" name="mode" value="note" checked={mode === 'note'} onChange={() => setMode('note')} /> {t('case.modeNote')}
          </label>
        </fieldset>
      ) : null}
      {sent ? <Notice kind="success">{sent}</Notice> : null}
      <ErrorBox error={action.error} />
      <TextArea
        label={mode === 'note' ? t('case.noteLabel') : staff ? t('case.replyLabelStaff') : t('case.replyLabel')}
        required
        rows={6}
        value={body}
        error={empty ? t('validation.required') : null}
        onChange={(e) => setBody(e.currentTarget.value)}
      />
      {mode === 'reply' ? <AttachmentPicker files={files} onChange={setFiles} errors={fileErrors(action.error)} /> : <p className="hint">{t('case.noteHint')}</p>}
      <button type="submit" disabled={action.busy}>
        {mode === 'note' ? t('case.saveNote') : staff ? t('case.sendMail') : t('case.send')}
      </button>
    </form>
  );
}

/** The case's inbound mails as compact entries: the aside is narrow, a wide table would scroll. */
function InboundList({ mails }: { mails: MailLogEntry[] }) {
  const { t } = useTranslation();
  if (mails.length === 0) return <p className="empty">{t('mails.none')}</p>;
  return (
    <ul className="mail-cards" aria-label={t('case.inbound')}>
      {mails.map((m) => (
        <li key={m.id}>
          <p className="mail-card-head">
            <OutcomeMark mail={m} />
            {m.reason ? <code className="reason-code">{m.reason}</code> : null}
            <time dateTime={m.receivedAt}>{formatDate(m.receivedAt)}</time>
          </p>
          <p className="mail-card-subject">{m.subject ?? t('mails.noSubject')}</p>
          <p className="muted">{m.fromAddress ?? m.envelopeFrom ?? '–'}</p>
          {m.reason ? <p className="muted">{explanationOf(m)?.text}</p> : null}
          <RawSourceLink mail={m} />
        </li>
      ))}
    </ul>
  );
}

function OutboundList({ mails }: { mails: OutboundMail[] }) {
  const { t } = useTranslation();
  if (mails.length === 0) return <p className="empty">{t('mails.none')}</p>;
  return (
    <ul className="mail-cards" aria-label={t('case.outbound')}>
      {mails.map((m) => (
        <li key={m.id}>
          <p className="mail-card-head">
            <span className={`badge badge-out-${m.status}`}>{t(`outboundStatus.${m.status}`)}</span>
            <span>{t(`outboundKind.${m.kind}`, { defaultValue: m.kind })}</span>
            <time dateTime={m.createdAt}>{formatDate(m.sentAt ?? m.createdAt)}</time>
          </p>
          <p className="mail-card-subject">
            <Link to={`/desk/outbox/${m.id}`}>{m.subject}</Link>
          </p>
          {m.kind === 'agent_reply' && m.status === 'held' ? (
            <p>
              <Link to={`/desk/outbox/${m.id}?reply=1#reply-as-customer`}>{t('outbox.replyAsCustomerLink')}</Link>
            </p>
          ) : null}
          <p className="muted">
            {t('fields.to')}: {m.recipients.join(', ')}
            {m.attempts > 1 ? ` · ${t('mails.attempts', { count: m.attempts })}` : ''}
          </p>
          {m.bounceDiagnostic ? <p className="field-error">{t('mailEdge.bounceReport', { text: m.bounceDiagnostic })}</p> : m.lastError ? <p className="field-error">{m.lastError}</p> : null}
        </li>
      ))}
    </ul>
  );
}

function StaffControls({ detail, onChange }: { detail: CaseDetail; onChange(): void }) {
  const { t } = useTranslation();
  const session = useSession();
  const me = session.user!;
  const action = useAction();
  const agents = useLoad(() => api.get<{ agents: Person[] }>('/api/agents').then((r) => r.agents), []);
  const n = detail.case.number;
  const act = (path: string, body?: unknown) =>
    void action.run(async () => {
      await api.post(path, body);
      onChange();
    });
  // Until the list is in (or if it fails), the select still offers me and the current assignee.
  const fallback: Person[] = [me, ...(detail.assignee && detail.assignee.id !== me.id ? [detail.assignee] : [])];
  const options: Person[] = agents.data ?? fallback;
  return (
    <div className="card staff-controls">
      <h2>{t('case.manage')}</h2>
      <ErrorBox error={action.error ?? agents.error} />
      <SelectField
        label={t('fields.assignee')}
        value={detail.case.assigneeId ?? ''}
        onChange={(e) => act(`/api/cases/${n}/assign`, { assigneeId: e.currentTarget.value || null })}
      >
        <option value="">{t('case.unassigned')}</option>
        {options.map((p) => (
          <option key={p.id} value={p.id}>
            {p.id === me.id ? t('case.me', { name: p.name }) : p.name}
          </option>
        ))}
      </SelectField>
      {detail.case.status !== 'closed' ? (
        <SelectField label={t('fields.status')} value={detail.case.status} onChange={(e) => act(`/api/cases/${n}/status`, { status: e.currentTarget.value })}>
          {CASE_STATUSES.filter((s) => s !== 'closed').map((s) => (
            <option key={s} value={s}>
              {t(`caseStatus.${s}`)}
            </option>
          ))}
        </SelectField>
      ) : null}
    </div>
  );
}

export function CasePage() {
  const { t } = useTranslation();
  const { path } = useLocation();
  const session = useSession();
  const staff = isStaff(session.user);
  const number = Number(match('/cases/:number', path)?.number ?? match('/desk/cases/:number', path)?.number);
  const detail = useLoad(() => api.get<CaseDetail>(`/api/cases/${number}`), [number]);
  const inbound = useLoad(() => (staff ? api.get<{ mails: MailLogEntry[] }>(`/api/cases/${number}/inbound`).then((r) => r.mails) : Promise.resolve(null)), [number, staff]);
  const outbound = useLoad(() => (staff ? api.get<{ mails: OutboundMail[] }>(`/api/cases/${number}/outbound`).then((r) => r.mails) : Promise.resolve(null)), [number, staff]);
  const action = useAction();
  // Closing asks first, and offers its undo (reopening) right where the button was.
  const [confirmClose, setConfirmClose] = useState(false);
  const [justClosed, setJustClosed] = useState(false);
  const reloadAll = () => {
    detail.reload();
    inbound.reload();
    outbound.reload();
  };
  useLiveEvents((e) => {
    if (concerns(e.data, number, detail.data?.case.id)) reloadAll();
  });

  if (detail.error) {
    return (
      <section>
        <PageTitle>{t('case.title', { number })}</PageTitle>
        <ErrorBox error={detail.error} />
        {detail.error instanceof ApiError && detail.error.status === 404 ? (
          <p>
            <Link to={staff ? '/desk' : '/cases'}>{t('case.back')}</Link>
          </p>
        ) : null}
      </section>
    );
  }
  if (!detail.data) return <Loading />;
  const d = detail.data;
  const c = d.case;
  const closed = c.status === 'closed';
  const items: TimelineItem[] = [
    ...d.messages.map((m) => ({ at: m.createdAt, message: m })),
    ...d.events.filter((e) => e.kind !== 'opened').map((e) => ({ at: e.at, event: e })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const loose = d.attachments.filter((a) => a.messageId === null);
  const act = (verb: 'close' | 'reopen') =>
    void action.run(async () => {
      await api.post(`/api/cases/${c.number}/${verb}`);
      setJustClosed(verb === 'close');
      setConfirmClose(false);
      reloadAll();
    });

  return (
    <section className="case-page">
      <PageTitle
        actions={
          closed ? (
            <button type="button" onClick={() => act('reopen')}>
              {t('case.reopen')}
            </button>
          ) : confirmClose ? (
            <span className="confirm" role="group" aria-label={t('case.closeConfirm')}>
              <span>{t('case.closeConfirm')}</span>
              <button type="button" onClick={() => act('close')}>
                {t('case.closeYes')}
              </button>
              <button type="button" className="button-secondary" onClick={() => setConfirmClose(false)}>
                {t('case.closeNo')}
              </button>
            </span>
          ) : (
            <button type="button" className="button-secondary" onClick={() => setConfirmClose(true)}>
              {t('case.close')}
            </button>
          )
        }
      >
        {`#${c.number} ${c.subject}`}
      </PageTitle>
      <ErrorBox error={action.error} />
      {closed && justClosed ? (
        <Notice kind="success">
          {t('case.closedDone')}{' '}
          <button type="button" className="link-button" onClick={() => act('reopen')}>
            {t('case.undoClose')}
          </button>
        </Notice>
      ) : null}
      <dl className="case-meta">
        <div>
          <dt>{t('fields.status')}</dt>
          <dd>
            <CaseStatusBadge status={c.status} />
          </dd>
        </div>
        <div>
          <dt>{t('fields.product')}</dt>
          <dd>{[d.product, c.version].filter(Boolean).join(' ') || '–'}</dd>
        </div>
        <div>
          <dt>{t('fields.environment')}</dt>
          <dd>{c.environment || '–'}</dd>
        </div>
        <div>
          <dt>{t('fields.customer')}</dt>
          <dd>
            {d.customer ? `${d.customer.name} <${d.customer.email}>` : '–'}
            {d.customer?.mailFailing ? (
              <span className="warning-text" role="note">
                {' '}
                {t('case.mailFailing', { reason: t('mailEdge.bounceReport', { text: d.customer.mailFailing.reason }) })}
              </span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{t('fields.assignee')}</dt>
          <dd>{d.assignee?.name ?? t('case.unassigned')}</dd>
        </div>
        <div>
          <dt>{t('fields.channel')}</dt>
          <dd>{t(`channel.${c.channel}`)}</dd>
        </div>
        <div>
          <dt>{t('fields.created')}</dt>
          <dd>{formatDate(c.createdAt)}</dd>
        </div>
      </dl>
      <div className={staff ? 'case-columns' : undefined}>
        <div>
          <h2>{t('case.timeline')}</h2>
          {loose.length > 0 ? <AttachmentList attachments={loose} /> : null}
          <ol className="timeline" aria-label={t('case.timeline')}>
            {items.map((i) => (
              <li key={'message' in i ? i.message.id : i.event.id}>
                {'message' in i ? (
                  <MessageItem m={i.message} detail={d} staff={staff} files={d.attachments.filter((a) => a.messageId === i.message.id)} />
                ) : (
                  <EventItem e={i.event} />
                )}
              </li>
            ))}
          </ol>
          <ReplyBox number={c.number} closed={closed} staff={staff} onDone={reloadAll} />
        </div>
        {staff ? (
          <aside aria-label={t('case.mailsAside')}>
            <StaffControls detail={d} onChange={reloadAll} />
            <h2>{t('case.inbound')}</h2>
            <ErrorBox error={inbound.error} />
            {inbound.data ? <InboundList mails={inbound.data} /> : null}
            <h2>{t('case.outbound')}</h2>
            <ErrorBox error={outbound.error} />
            {outbound.data ? <OutboundList mails={outbound.data} /> : null}
          </aside>
        ) : null}
      </div>
    </section>
  );
}
