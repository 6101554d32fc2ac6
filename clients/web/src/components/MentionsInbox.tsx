import { useEffect, useState } from 'react';
import type { Message } from '../api/types';
import { useChatState, useService } from '../context';
import { time } from '../format';
import { ErrorText } from './ErrorText';

/** Messages that mention me, my roles or @everyone, newest first (docs/api.md#search-and-mentions). */
export function MentionsInbox({ onJump, onClose }: { onJump: (m: Message) => void; onClose: () => void }) {
  const service = useService();
  const [items, setItems] = useState<Message[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setErrorText] = useState<string | null>(null);
  const communities = useChatState((s) => s.communities);
  const channelName = (id: string) => {
    for (const c of Object.values(communities)) {
      const ch = c.channels.find((x) => x.id === id);
      if (ch) return `#${ch.name} in ${c.name}`;
    }
    return 'a direct message';
  };
  const load = async (before?: string) => {
    try {
      const page = await service.api.mentions(before);
      setItems((old) => (before && old ? [...old, ...page.messages] : page.messages));
      setMore(page.messages.length === 25);
    } catch (e) {
      setErrorText(e instanceof Error ? e.message : String(e));
    }
  };
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <section className="side-panel mentions-inbox" aria-label="Mentions">
      <header>
        <h2>Mentions</h2>
        <button type="button" onClick={onClose} aria-label="Close mentions">
          ×
        </button>
      </header>
      <ErrorText error={error} />
      {items === null && !error && <p role="status">Loading…</p>}
      {items?.length === 0 && <p>Nobody mentioned you yet.</p>}
      <ul>
        {items?.map((m) => (
          <li key={m.id}>
            <button type="button" className="result" onClick={() => onJump(m)} aria-label={`${m.author.displayName} in ${channelName(m.channelId)}: ${m.content}`}>
              <span className="author">{m.author.displayName}</span> <time dateTime={m.createdAt}>{time(m.createdAt)}</time>
              <span className="where"> {channelName(m.channelId)}</span>
              <span className="content">{m.content}</span>
            </button>
          </li>
        ))}
      </ul>
      {more && (
        <button type="button" onClick={() => void load(items?.[items.length - 1]?.id)}>
          Older mentions
        </button>
      )}
    </section>
  );
}
