import { ApiError } from '../api/http';

/** What a summary stream tells its listener (the SignalR client's stream subscriber, narrowed). */
export interface SummarySubscriber {
  next(chunk: string): void;
  error(e: unknown): void;
  complete(): void;
}

/** Starts the hub's `Summarize` stream (docs/api.md#ai-assistance); the returned function stops it (and the model call). */
export type SummaryStreamer = (channelId: string, sinceMessageId: string | null, subscriber: SummarySubscriber) => () => void;

export type SummaryPhase = 'idle' | 'streaming' | 'done' | 'stopped' | 'error';

export interface SummaryState {
  phase: SummaryPhase;
  text: string;
  error: string | null;
}

export const idleSummary: SummaryState = { phase: 'idle', text: '', error: null };

/**
 * The stable error code and the server's words from a failed summary: a REST problem (ApiError), or a hub stream
 * error, whose message the hub builds as `"… HubException: {code}: {detail}"` (api/Gateway/GatewayHub.Ai.cs).
 */
export function summaryError(e: unknown): { code: string | null; detail: string } {
  if (e instanceof ApiError) return { code: e.code, detail: e.message };
  const raw = e instanceof Error ? e.message : String(e);
  const text = raw.replace(/^.*HubException: /s, '');
  const m = /^([a-z_]+): (.*)$/s.exec(text);
  return m ? { code: m[1], detail: m[2] } : { code: null, detail: text };
}

/** A summary error in plain words. */
export function summaryErrorText(e: unknown): string {
  const { code, detail } = summaryError(e);
  switch (code) {
    case 'rate_limited':
      return 'You asked for summaries too often. Wait a minute and try again.';
    case 'ai_unavailable':
      return 'AI assistance is off or the model server is not answering right now. Try again later.';
    case 'forbidden':
      return `Summaries are not available here: ${detail}`;
    case 'missing_permission':
      return 'You cannot read this channel’s history, so it cannot be summarized for you.';
    default:
      return detail || 'The summary failed.';
  }
}

/** The transitions of one "Catch me up" panel (pure, for the component and its tests). */
export const summaryReduce = {
  start: (): SummaryState => ({ phase: 'streaming', text: '', error: null }),
  chunk: (s: SummaryState, chunk: string): SummaryState => (s.phase === 'streaming' ? { ...s, text: s.text + chunk } : s),
  complete: (s: SummaryState): SummaryState => (s.phase === 'streaming' ? { ...s, phase: 'done' } : s),
  stop: (s: SummaryState): SummaryState => (s.phase === 'streaming' ? { ...s, phase: 'stopped' } : s),
  fail: (s: SummaryState, e: unknown): SummaryState => (s.phase === 'streaming' ? { ...s, phase: 'error', error: summaryErrorText(e) } : s),
};

/**
 * Where a summary starts: after the reader's read marker as it was when the channel was opened (opening it marks it
 * read), or, with nothing unread then, the loaded messages (from just before the oldest one).
 */
export function summaryStart(markerAtOpen: string | null | undefined, newestId: string | undefined, oldestId: string | undefined): string | null {
  if (markerAtOpen && newestId && BigInt(markerAtOpen) < BigInt(newestId)) return markerAtOpen;
  if (oldestId) return (BigInt(oldestId) - 1n).toString();
  return null;
}
