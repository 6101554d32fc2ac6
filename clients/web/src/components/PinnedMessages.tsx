import { useEffect, useState } from 'react';
import type { Message } from '../api/types';
import { useService } from '../context';
import { time } from '../format';
import { ErrorText } from './ErrorText';

/** The pinned messages of a channel, newest pin first; refreshed on ChannelPinsUpdated. */
export function PinnedMessages({ channelId, canManage, onJump, onClose }: { channelId: string; canManage: boolean; onJump: (m: Message) => void; onClose: () => void }) {
  const service = useService();
  const [pins, setPins] = useState<Message[] | null>(null);
  const [error, setErrorText] = useState<string | null>(null);
  const setError = (e: unknown) => setErrorText(e === null ? null : e instanceof Error ? e.message : String(e));
  useEffect(() => {
    let live = true;
    const load = () =>
      service.api.pins(channelId).then(
        (p) => live && setPins(p),
        (e) => live && setError(e),
      );
    void load();
    const off = service.onPinsUpdated((id) => id === channelId && void load());
    return () => {
      live = false;
      off();
    };
  }, [service, channelId]);
  return (
    <section className="side-panel" aria-label="Pinned messages">
      <header>
        <h2>Pinned messages</h2>
        <button type="button" onClick={onClose} aria-label="Close pinned messages">
          ×
        </button>
      </header>
      <ErrorText error={error} />
      {pins === null && !error && <p role="status">Loading…</p>}
      {pins?.length === 0 && <p>No pinned messages yet.</p>}
      <ul>
        {pins?.map((m) => (
          <li key={m.id}>
            <article aria-label={`${m.author.displayName}: ${m.content}`}>
              <header>
                <span className="author">{m.author.displayName}</span> <time dateTime={m.createdAt}>{time(m.createdAt)}</time>
              </header>
              <p className="content">{m.content}</p>
              <button type="button" onClick={() => onJump(m)}>
                Jump
              </button>
              {canManage && (
                <button type="button" onClick={() => void service.api.unpin(channelId, m.id).catch(setError)} aria-label="Unpin message">
                  Unpin
                </button>
              )}
            </article>
          </li>
        ))}
      </ul>
    </section>
  );
}
