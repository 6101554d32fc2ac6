import './ai.css';
import { useEffect, useRef, useState } from 'react';
import type { Channel, Community } from '../api/types';
import { useChatState, useService } from '../context';
import { idleSummary, summaryReduce, summaryStart, type SummaryState, type SummaryStreamer } from './summary';
import { useAiStatus } from './useAiStatus';

/** Whether a channel offers "Catch me up": a community text channel whose community turned summaries on and that is not kept out of AI. */
export const summariesOffered = (community: Community | undefined, channel: Channel) =>
  Boolean(community && channel.type === 'text' && community.ai?.summaries && !channel.aiExcluded && !(channel as { e2ee?: boolean }).e2ee);

/**
 * The reader's read marker as it was when the channel was opened (opening a channel marks it read at once), so that
 * "Catch me up" can still cover what was unread then.
 */
export function useMarkerAtOpen(channelId: string): string | null {
  const readStates = useChatState((s) => s.readStates);
  const opened = useRef<{ channelId: string; marker: string | null } | null>(null);
  if (opened.current?.channelId !== channelId) opened.current = { channelId, marker: readStates[channelId]?.lastReadMessageId ?? null };
  return opened.current.marker;
}

/**
 * "Catch me up": streams a summary of the channel from the hub's `Summarize` (docs/api.md#ai-assistance), showing the
 * text as it arrives; Stop ends the stream, which cancels the model call on the server.
 */
export function CatchMeUp({ channel, markerAtOpen, onClose, streamer }: { channel: Channel; markerAtOpen: string | null; onClose: () => void; streamer?: SummaryStreamer }) {
  const service = useService();
  const loaded = useChatState((s) => s.messages[channel.id]?.items);
  const { status } = useAiStatus();
  const [state, setState] = useState<SummaryState>(idleSummary);
  const [recent, setRecent] = useState(false);
  const stop = useRef<(() => void) | null>(null);
  const stream: SummaryStreamer = streamer ?? ((id, since, s) => service.streamSummary(id, since, s));

  /** From the read marker of when the channel was opened, or (`recent`) over the loaded messages. */
  const start = (recent = false) => {
    stop.current?.();
    const since = summaryStart(recent ? null : markerAtOpen, loaded?.[loaded.length - 1]?.id, loaded?.[0]?.id);
    setRecent(recent);
    setState(summaryReduce.start());
    let ended = false;
    const end = () => {
      ended = true;
      stop.current = null;
    };
    const dispose = stream(channel.id, since, {
      next: (chunk) => setState((s) => summaryReduce.chunk(s, chunk)),
      complete: () => {
        end();
        setState((s) => summaryReduce.complete(s));
      },
      error: (e) => {
        end();
        setState((s) => summaryReduce.fail(s, e));
      },
    });
    if (!ended) stop.current = dispose;
  };
  const halt = () => {
    stop.current?.();
    stop.current = null;
    setState((s) => summaryReduce.stop(s));
  };

  useEffect(() => {
    start();
    return () => stop.current?.();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [channel.id]);

  const phaseText: Record<SummaryState['phase'], string> = {
    idle: '',
    streaming: 'Summarizing…',
    done: state.text.trim() ? 'Summary complete.' : recent ? 'Nothing to summarize here yet.' : 'Nothing new since you last read this channel.',
    stopped: 'Stopped.',
    error: '',
  };
  return (
    <section className="side-panel ai-summary" aria-label="Catch me up">
      <header>
        <h2>Catch me up</h2>
        <button type="button" onClick={onClose} aria-label="Close the summary">
          ×
        </button>
      </header>
      {state.text && (
        <div className="ai-summary-text" role="group" aria-label="Summary">
          {state.text}
          {state.phase === 'streaming' && <span className="ai-cursor" aria-hidden="true" />}
        </div>
      )}
      <p role="status" className="muted small">
        {phaseText[state.phase]}
      </p>
      {state.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      <div className="row">
        {state.phase === 'streaming' ? (
          <button type="button" onClick={halt}>
            Stop
          </button>
        ) : state.phase === 'done' && !state.text.trim() && !recent ? (
          <button type="button" onClick={() => start(true)}>
            Summarize recent messages
          </button>
        ) : (
          <button type="button" onClick={() => start(recent)}>
            Summarize again
          </button>
        )}
      </div>
      <p className="muted small">
        Written by {status?.chatModel ? `the model ${status.chatModel}` : 'a language model'} from the messages you may read. It can be wrong.
      </p>
    </section>
  );
}
