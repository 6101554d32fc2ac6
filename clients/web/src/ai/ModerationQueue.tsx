import './ai.css';
import { useCallback, useEffect, useState } from 'react';
import type { Community, Message } from '../api/types';
import { ApiError } from '../api/http';
import { useChatState, useService } from '../context';
import { time } from '../format';
import { Dialog } from '../components/Dialog';
import { ErrorText } from '../components/ErrorText';
import { aiApi } from './api';
import type { ModerationItem, ModerationQueued, ModerationStatus } from './types';

type Filter = ModerationStatus | 'all';
const PAGE = 50;

/** Newest first, without duplicates (a refresh and a page can overlap). */
export function mergeItems(existing: readonly ModerationItem[], incoming: readonly ModerationItem[]): ModerationItem[] {
  const byId = new Map(existing.map((i) => [i.id, i]));
  for (const i of incoming) byId.set(i.id, i);
  return [...byId.values()].sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0));
}

export const categoryLabel = (category: string) => (category ? category.charAt(0).toUpperCase() + category.slice(1).replace(/_/g, ' ') : 'Other');

/**
 * The moderation queue of a community (ManageMessages; docs/api.md#ai-assistance): flagged messages newest first, each
 * with what was written, the model's category and reason, and the decisions the routes offer — dismiss (a hidden
 * message shows again) or delete the message. New items arrive live through `ModerationQueued`.
 */
export function ModerationQueue({ community, onClose }: { community: Community; onClose: () => void }) {
  const service = useService();
  const users = useChatState((s) => s.users);
  const [filter, setFilter] = useState<Filter>('open');
  const [items, setItems] = useState<ModerationItem[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [messages, setMessages] = useState<Record<string, Message | 'gone' | 'loading'>>({});

  const load = useCallback(
    async (before?: string) => {
      try {
        const page = await aiApi.queue(service.api, community.id, filter === 'all' ? undefined : filter, before, PAGE);
        setItems((prev) => (before ? mergeItems(prev ?? [], page) : page));
        if (!before || page.length < PAGE) setMore(page.length === PAGE);
        for (const i of page) void service.ensureUser(i.authorId);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    },
    [service, community.id, filter],
  );

  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);

  // New flags while the queue is open: fetch the newest page again and merge it in.
  useEffect(
    () =>
      service.onGatewayEvent('ModerationQueued', (payload) => {
        const e = payload as ModerationQueued;
        if (e.communityId !== community.id || (filter !== 'open' && filter !== 'all')) return;
        void aiApi.queue(service.api, community.id, filter === 'all' ? undefined : filter, undefined, PAGE).then(
          (page) => {
            setItems((prev) => mergeItems(prev ?? [], page));
            for (const i of page) void service.ensureUser(i.authorId);
          },
          () => undefined,
        );
      }),
    [service, community.id, filter],
  );

  // What was written (moderators read hidden messages as they are); a deleted one says so.
  useEffect(() => {
    for (const i of items ?? []) {
      if (messages[i.messageId] !== undefined) continue;
      setMessages((m) => ({ ...m, [i.messageId]: m[i.messageId] ?? 'loading' }));
      aiApi.message(service.api, i.channelId, i.messageId).then(
        (m) => setMessages((all) => ({ ...all, [i.messageId]: m })),
        () => setMessages((all) => ({ ...all, [i.messageId]: 'gone' })),
      );
    }
  }, [items, messages, service]);

  const decide = async (item: ModerationItem, status: 'dismissed' | 'removed') => {
    setError(null);
    try {
      const decided = await aiApi.decide(service.api, community.id, item.id, status);
      setItems((prev) => (prev ?? []).map((i) => (i.id === decided.id ? decided : i)).filter((i) => filter === 'all' || i.status === filter));
      if (status === 'removed') setMessages((m) => ({ ...m, [item.messageId]: 'gone' }));
    } catch (e) {
      // Another moderator decided first: show the queue as it is now.
      if (e instanceof ApiError && e.code === 'conflict') void load();
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const channelName = (id: string) => community.channels.find((c) => c.id === id)?.name;
  return (
    <Dialog title={`Moderation queue of ${community.name}`} onClose={onClose} wide>
      <div className="row">
        <label>
          Show
          <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="open">Waiting for a decision</option>
            <option value="dismissed">Dismissed</option>
            <option value="removed">Deleted</option>
            <option value="all">All</option>
          </select>
        </label>
      </div>
      <ErrorText error={error} />
      {items === null && !error && <p role="status">Loading the queue…</p>}
      {items?.length === 0 && <p>{filter === 'open' ? 'Nothing is waiting for a decision.' : 'No items.'}</p>}
      <ul className="moderation-items" aria-label="Flagged messages">
        {items?.map((i) => {
          const author = users[i.authorId]?.displayName ?? 'Someone';
          const m = messages[i.messageId];
          const text = m === 'gone' || m === 'loading' ? null : m?.content;
          return (
            <li key={i.id}>
              <article className="moderation-item" aria-label={`Flagged message by ${author}`}>
                <header>
                  <span className="author">{author}</span> in #{channelName(i.channelId) ?? 'a channel'}{' '}
                  <time dateTime={i.createdAt}>{time(i.createdAt)}</time>{' '}
                  <span className={`ai-category ${i.status}`}>{categoryLabel(i.category)}</span>
                  {i.status !== 'open' && <span className="muted small"> · {i.status === 'dismissed' ? 'dismissed' : 'deleted'}</span>}
                </header>
                <blockquote className="moderation-preview">
                  {m === undefined || m === 'loading' ? <span className="muted">Loading the message…</span> : text ? text : <em className="muted">The message was deleted.</em>}
                </blockquote>
                {i.reason && <p className="small">Why: {i.reason}</p>}
                {i.status === 'open' && (
                  <div className="moderation-actions">
                    <button type="button" onClick={() => void decide(i, 'dismissed')}>
                      Dismiss
                    </button>
                    <button type="button" className="danger" onClick={() => void decide(i, 'removed')}>
                      Delete message
                    </button>
                  </div>
                )}
              </article>
            </li>
          );
        })}
      </ul>
      {more && items && items.length > 0 && (
        <button type="button" onClick={() => void load(items[items.length - 1].id)}>
          Load older items
        </button>
      )}
    </Dialog>
  );
}
