import { useEffect, useEffectEvent, useState } from 'react';

/** One server-sent event from /api/events: its name and its JSON data. */
export interface LiveEvent { type: string; data: Record<string, unknown> }

// The server's event names (docs/api.md, "Live updates"): `mail` carries a mail-log entry, `case` { number, status, subject, changedAt }.
const NAMED = ['mail', 'case'];

type Listener = (e: LiveEvent) => void;
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let connected = false;
const statusListeners = new Set<(c: boolean) => void>();

function dispatch(type: string, raw: string): void {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>;
  } catch {
    data = { text: raw };
  }
  const t = type === 'message' && typeof data.type === 'string' ? data.type : type;
  for (const l of listeners) l({ type: t, data });
}

function setConnected(c: boolean): void {
  connected = c;
  for (const l of statusListeners) l(c);
}

function open(): void {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/events', { withCredentials: true });
  source.onopen = () => setConnected(true);
  // The browser reconnects by itself after an error; the status shows "reconnecting" meanwhile.
  source.onerror = () => setConnected(false);
  source.onmessage = (e) => dispatch('message', String(e.data));
  for (const n of NAMED) source.addEventListener(n, (e) => dispatch(n, String((e as MessageEvent).data)));
}

function close(): void {
  if (listeners.size > 0 || statusListeners.size > 0) return;
  source?.close();
  source = null;
  setConnected(false);
}

/** Calls `onEvent` for every live event while the component is shown; one connection for the whole page. */
export function useLiveEvents(onEvent: Listener, enabled = true): void {
  // The latest `onEvent` is called, without reconnecting whenever the caller renders a new closure.
  const handle = useEffectEvent(onEvent);
  useEffect(() => {
    if (!enabled) return;
    const l: Listener = (e) => handle(e);
    listeners.add(l);
    open();
    return () => {
      listeners.delete(l);
      close();
    };
  }, [enabled]);
}

/** Whether the live connection is up, for a small "live" indicator. */
export function useLiveStatus(): boolean {
  const [c, setC] = useState(connected);
  useEffect(() => {
    statusListeners.add(setC);
    open();
    return () => {
      statusListeners.delete(setC);
      close();
    };
  }, []);
  return c;
}
