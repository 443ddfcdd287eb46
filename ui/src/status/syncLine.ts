// The status bar's sync line and intake stage, worded from what the core reports: the sync state of each
// accounting system in use (`sync_states`) and the intake's `reading` / `ocr_progress` events.

/** One accounting system's sync state, as `backdesk::api::sync_state::SyncState` sends it. */
export interface SyncState {
  target: string;
  connected: boolean;
  waiting: number;
  failed: number;
  last_sync: string | null;
  last_attempt: LastAttempt | null;
}

/** The most recent push attempt: when (UTC), whether it got through, whether the server was reached. */
export interface LastAttempt {
  at: string;
  ok: boolean;
  unreachable: boolean;
  error: string | null;
}

/** How the line looks: all well, work waiting, or something the user must act on. */
export type SyncTone = 'ok' | 'waiting' | 'problem';

export interface SyncLine {
  text: string;
  tone: SyncTone;
  /** The recorded error of the last failed attempt(s), for a tooltip. */
  detail: string | null;
}

const NAMES: Record<string, string> = { xero: 'Xero', qbo: 'QuickBooks' };

/** `10:42` today, `21 Nov 10:42` another day, in the user's locale and time zone (or the ones given). */
export function clockTime(at: string, now: Date = new Date(), locale?: string, timeZone?: string): string {
  const when = new Date(at);
  if (Number.isNaN(when.getTime())) return at;
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone }).format(when);
  const day = (date: Date) => new Intl.DateTimeFormat('en-CA', { dateStyle: 'short', timeZone }).format(date);
  if (day(when) === day(now)) return time;
  const date = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone }).format(when);
  return `${date} ${time}`;
}

function queued(waiting: number): string {
  return `${waiting.toLocaleString()} queued`;
}

/** One system's part of the line, or null when there is nothing to say (disconnected, nothing waiting). */
function describeOne(state: SyncState, time: (at: string) => string): { text: string; tone: SyncTone } | null {
  if (state.failed > 0) {
    const waiting = state.waiting > 0 ? `, ${queued(state.waiting)}` : '';
    return { text: `${state.failed.toLocaleString()} failed${waiting} — open Connections`, tone: 'problem' };
  }
  if (!state.connected) {
    if (state.waiting === 0) return null;
    return { text: `not connected · ${queued(state.waiting)} — open Connections`, tone: 'problem' };
  }
  const attempt = state.last_attempt;
  if (attempt && !attempt.ok) {
    const why = attempt.unreachable ? 'offline' : 'the server answered with an error';
    const retry = state.waiting > 0 ? ` · ${queued(state.waiting)} (will retry)` : '';
    return { text: `${why} (last try ${time(attempt.at)})${retry}`, tone: 'waiting' };
  }
  const reached = attempt?.ok ? 'online' : 'connected';
  if (state.waiting > 0) return { text: `${reached} · ${queued(state.waiting)}`, tone: 'waiting' };
  return { text: `${reached} · all sent`, tone: 'ok' };
}

const RANK: Record<SyncTone, number> = { ok: 0, waiting: 1, problem: 2 };

/**
 * The sync line: `Sync: online · 3 queued`, `Sync: offline (last try 10:42) · 12 queued (will retry)`,
 * `Sync: 2 failed — open Connections`; with more than one system each is named (`Sync: Xero …; QuickBooks
 * …`). Null when no system is configured.
 */
export function describeSync(states: SyncState[], time: (at: string) => string = (at) => clockTime(at)): SyncLine | null {
  const parts = states
    .map((state) => ({ state, part: describeOne(state, time) }))
    .filter((entry): entry is { state: SyncState; part: { text: string; tone: SyncTone } } => entry.part !== null);
  if (parts.length === 0) return null;
  const [only] = parts;
  const text =
    parts.length === 1 && only
      ? `Sync: ${only.part.text}`
      : `Sync: ${parts.map(({ state, part }) => `${NAMES[state.target] ?? state.target} ${part.text}`).join('; ')}`;
  const tone = parts.reduce<SyncTone>((worst, { part }) => (RANK[part.tone] > RANK[worst] ? part.tone : worst), 'ok');
  const errors = parts
    .map(({ state }) => state.last_attempt?.error)
    .filter((error): error is string => !!error && error.length > 0);
  return { text, tone, detail: errors.length > 0 ? errors.join('\n') : null };
}

/** The intake events that say what a file is going through. */
export type StageEvent =
  | { kind: 'reading'; file: string }
  | { kind: 'ocr_progress'; file: string; done: number; pages: number };

/** `Reading invoice.pdf`, `OCR page 2 of 5 — scan.pdf` (the page being recognised). */
export function describeStage(event: StageEvent): string {
  if (event.kind === 'reading' || event.done >= event.pages) return `Reading ${event.file}`;
  return `OCR page ${event.done + 1} of ${event.pages} — ${event.file}`;
}
