import { useState, type FormEvent } from 'react';
import type { Message } from '../api/types';
import { useService } from '../context';
import { time } from '../format';
import { ErrorText } from './ErrorText';

/**
 * A search box and its results (docs/api.md#search-and-mentions): the community's readable channels, or one DM or
 * group; "More results" pages on with the last result's id; a result jumps to its message.
 */
export function SearchPanel({ communityId, channelId, onJump }: { communityId?: string; channelId: string; onJump: (m: Message) => void }) {
  const service = useService();
  const [text, setText] = useState('');
  const [results, setResults] = useState<Message[] | null>(null);
  const [more, setMore] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setErrorText] = useState<string | null>(null);
  const setError = (e: unknown) => setErrorText(e === null ? null : e instanceof Error ? e.message : String(e));
  const run = async (before?: string) => {
    setBusy(true);
    setError(null);
    try {
      const page = communityId ? await service.api.searchCommunity(communityId, text, before) : await service.api.searchChannel(channelId, text, before);
      setResults((r) => (before && r ? [...r, ...page.messages] : page.messages));
      setMore(page.messages.length === 25);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) void run();
  };
  return (
    <div className="search">
      <form role="search" onSubmit={submit}>
        <input type="search" aria-label="Search messages" placeholder="Search" value={text} maxLength={200} onChange={(e) => setText(e.target.value)} />
      </form>
      {(results || error) && (
        <section className="side-panel" aria-label="Search results">
          <header>
            <h2>Search results</h2>
            <button type="button" aria-label="Close search results" onClick={() => (setResults(null), setError(null))}>
              ×
            </button>
          </header>
          <ErrorText error={error} />
          {results?.length === 0 && <p>No messages found.</p>}
          <ul>
            {results?.map((m) => (
              <li key={m.id}>
                <button type="button" className="result" onClick={() => onJump(m)} aria-label={`${m.author.displayName}: ${m.content}`}>
                  <span className="author">{m.author.displayName}</span> <time dateTime={m.createdAt}>{time(m.createdAt)}</time>
                  <span className="content">{m.content}</span>
                </button>
              </li>
            ))}
          </ul>
          {more && (
            <button type="button" disabled={busy} onClick={() => void run(results?.[results.length - 1]?.id)}>
              More results
            </button>
          )}
        </section>
      )}
    </div>
  );
}
