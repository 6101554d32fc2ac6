import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Message, User } from '../api/types';
import type { ChannelMessages } from '../store';
import { contentParts, time } from '../format';
import { VoiceMessagePlayer, isVoiceMessage } from '../voice/VoiceMessagePlayer';
import { isPinned, reactionsOf } from '../notifications';
import { Reactions } from './Reactions';
import { AttachmentList } from './Attachments';
import { PinIcon } from './Icons';
import { isHidden } from '../ai/types';
import { VoiceTranscript } from '../ai/VoiceTranscript';

export interface MessageListProps {
  label: string;
  channel: ChannelMessages | undefined;
  users: Record<string, User>;
  meId: string;
  canManageMessages: boolean;
  lastReadMessageId?: string;
  onLoadOlder: () => void;
  onReply: (m: Message) => void;
  /** Absent where messages cannot be edited (end-to-end encrypted channels). */
  onEdit?: (m: Message) => void;
  onDelete: (m: Message) => void;
  /** Reactions and pins (optional: without handlers none are offered). */
  canAddReactions?: boolean;
  onReact?: (m: Message, emoji: string, add: boolean) => void;
  onPin?: (m: Message, pin: boolean) => void;
  /** A message to scroll to and highlight once it is loaded (search results, pins, mentions). */
  highlightId?: string;
  /** For tests and very small screens: the viewport size before layout is known. */
  initialRect?: { width: number; height: number };
}

const isDeleted = (m: Message) => m.flags === -1;

/**
 * The chat log: virtualised (only the visible rows are in the DOM, so 10,000 messages scroll like 50), loads older
 * pages when scrolled near the top (keeping the reader's place), and sticks to the bottom while the reader is there.
 */
export function MessageList(props: MessageListProps) {
  const { channel, label } = props;
  const items = channel?.items ?? [];
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const lastScrollTop = useRef(0);
  const firstId = useRef<string | undefined>(undefined);
  const lastId = useRef<string | undefined>(undefined);
  const byId = useRef(new Map<string, Message>());
  byId.current = new Map(items.map((m) => [m.id, m]));
  // The message last tapped: on a phone only its action row shows (styles.css; a mouse shows it on hover).
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);

  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 56,
    overscan: 8,
    getItemKey: (i) => items[i]?.id ?? i,
    initialRect: props.initialRect,
  });

  // Keep the reader's place when older messages are prepended; follow new messages when at the bottom.
  useLayoutEffect(() => {
    const prevFirst = firstId.current;
    const prevLast = lastId.current;
    firstId.current = items[0]?.id;
    lastId.current = items[items.length - 1]?.id;
    if (items.length === 0) return;
    if (prevFirst && prevFirst !== items[0].id) {
      const k = items.findIndex((m) => m.id === prevFirst);
      if (k > 0 && prevLast === lastId.current) {
        virtualizer.scrollToIndex(k, { align: 'start' });
        return;
      }
    }
    if (atBottom.current && prevLast !== lastId.current) virtualizer.scrollToIndex(items.length - 1, { align: 'end' });
  }, [items, virtualizer]);

  // A row that grows while the reader is at the bottom (a first reaction, an image that loaded, an edit) keeps the
  // bottom in view; rows are measured as they render, so the total size is what changes.
  const totalSize = virtualizer.getTotalSize();
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current && items.length > 0) el.scrollTop = el.scrollHeight;
  }, [totalSize, items.length]);

  useEffect(() => {
    if (!props.highlightId) return;
    const k = items.findIndex((m) => m.id === props.highlightId);
    if (k >= 0) {
      atBottom.current = false;
      virtualizer.scrollToIndex(k, { align: 'center' });
    }
  }, [props.highlightId, items, virtualizer]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    // Only the reader scrolling up lets go of the bottom. A scroll the list makes itself (following a burst of new
    // rows, the virtualiser settling an estimated row height) can pass through a point short of the bottom; taking that
    // as the reader's choice would leave the log stuck above the newest messages.
    if (el.scrollHeight - el.scrollTop - el.clientHeight < 80) atBottom.current = true;
    else if (el.scrollTop < lastScrollTop.current) atBottom.current = false;
    lastScrollTop.current = el.scrollTop;
    if (el.scrollTop < 300 && channel?.hasMoreBefore && !channel.loadingOlder) props.onLoadOlder();
  };

  useEffect(() => {
    // A short first page that does not fill the screen: fetch more right away.
    const el = scroller.current;
    if (el && channel?.hasMoreBefore && !channel.loadingOlder && el.scrollHeight <= el.clientHeight && items.length > 0) props.onLoadOlder();
  });

  const virtualItems = virtualizer.getVirtualItems();
  return (
    <div className="message-scroller" ref={scroller} onScroll={onScroll} role="log" aria-label={label} aria-live="polite" tabIndex={0}>
      {channel?.loadingOlder && (
        <p className="history-status" role="status">
          Loading older messages…
        </p>
      )}
      {channel && !channel.hasMoreBefore && <p className="history-status">This is the beginning of the conversation.</p>}
      <div className="message-rows" style={{ height: totalSize }}>
        {virtualItems.map((row) => {
          const m = items[row.index];
          const prev = items[row.index - 1];
          const gapBefore = prev && m.seq > prev.seq + 1 && channel?.filling;
          return (
            <div key={row.key} data-index={row.index} ref={virtualizer.measureElement} className="message-row" style={{ transform: `translateY(${row.start}px)` }}>
              {gapBefore && (
                <p className="history-status" role="status">
                  Loading missed messages…
                </p>
              )}
              {prev && props.lastReadMessageId === prev.id && prev.author.id !== props.meId && m.author.id !== props.meId && (
                <div className="new-divider" aria-hidden="true">
                  <span>New</span>
                </div>
              )}
              <MessageItem
                {...props}
                message={m}
                replyTo={m.replyToId ? byId.current.get(m.replyToId) : undefined}
                selected={selectedId === m.id}
                onSelect={() => setSelectedId(m.id)}
              />
            </div>
          );
        })}
      </div>
      {channel?.filling && (
        <p className="history-status" role="status">
          Catching up…
        </p>
      )}
    </div>
  );
}

function MessageItem(props: MessageListProps & { message: Message; replyTo?: Message; selected: boolean; onSelect: () => void }) {
  const { message: m, users, meId } = props;
  const deleted = isDeleted(m);
  const mine = m.author.id === meId;
  const mentionsMe = m.mentions.includes(meId);
  // Hidden by AI moderation (docs/api.md#ai-assistance): members get it blank, moderators as written, marked.
  const hidden = !deleted && isHidden(m);
  const redacted = hidden && !m.content && (m.attachments?.length ?? 0) === 0;
  const spoken = deleted ? 'message deleted' : redacted ? 'hidden by moderation' : hidden ? `${m.content} (hidden by moderation)` : m.content;
  const canAdd = props.canAddReactions ?? true;
  const [picking, setPicking] = useState(false);
  return (
    <article
      className={`message${mentionsMe ? ' mentions-me' : ''}${props.highlightId === m.id ? ' highlighted' : ''}${hidden ? ' hidden-by-moderation' : ''}${props.selected ? ' selected' : ''}`}
      aria-label={`${m.author.displayName}: ${spoken}`}
      onClick={props.onSelect}
    >
      {m.replyToId && (
        <p className="reply-to">
          ↪ replying to {props.replyTo ? `${props.replyTo.author.displayName}: ${props.replyTo.content.slice(0, 80)}` : 'an earlier message'}
        </p>
      )}
      <header>
        <span className="author">{m.author.displayName}</span> <time dateTime={m.createdAt}>{time(m.createdAt)}</time>
        {m.editedAt && !deleted && <span className="edited"> (edited)</span>}
        {isPinned(m) && !deleted && <span className="pinned">
            {' '}
            <PinIcon /> pinned
          </span>}
        {hidden && !redacted && <span className="hidden-tag">Hidden by moderation</span>}
      </header>
      <p className="content">
        {deleted ? (
          <em>Message deleted</em>
        ) : redacted ? (
          <em className="hidden-note">Hidden by moderation</em>
        ) : (
          contentParts(m.content, users).map((p, i) =>
            p.mention ? (
              <span key={i} className={`mention${p.mention === meId ? ' me' : ''}`}>
                {p.text}
              </span>
            ) : (
              <span key={i}>{p.text}</span>
            ),
          )
        )}
      </p>
      {!deleted &&
        m.attachments?.filter(isVoiceMessage).map((a) => (
          <div key={a.id}>
            <VoiceMessagePlayer attachment={a} />
            <VoiceTranscript attachment={a} />
          </div>
        ))}
      {!deleted && !redacted && props.onReact && (
        <Reactions message={m} canAdd={canAdd} open={picking} setOpen={setPicking} onToggle={(emoji, add) => props.onReact!(m, emoji, add)} />
      )}
      {!deleted && <AttachmentList attachments={m.attachments} />}
      {!deleted && (
        <div className="message-actions">
          {canAdd && !redacted && props.onReact && reactionsOf(m).length === 0 && (
            <button type="button" onClick={() => setPicking(!picking)} aria-label="Add reaction" aria-expanded={picking}>
              ☺+
            </button>
          )}
          {!redacted && (
            <button type="button" onClick={() => props.onReply(m)} aria-label={`Reply to ${m.author.displayName}`}>
              Reply
            </button>
          )}
          {mine && !redacted && props.onEdit && (
            <button type="button" onClick={() => props.onEdit!(m)} aria-label="Edit message">
              Edit
            </button>
          )}
          {props.onPin && (
            <button type="button" onClick={() => props.onPin!(m, !isPinned(m))} aria-label={isPinned(m) ? 'Unpin message' : 'Pin message'}>
              {isPinned(m) ? 'Unpin' : 'Pin'}
            </button>
          )}
          {(mine || props.canManageMessages) && (
            <button type="button" onClick={() => props.onDelete(m)} aria-label="Delete message">
              Delete
            </button>
          )}
        </div>
      )}
    </article>
  );
}
