// Reactions, pins and notification settings as pure functions (docs/api.md#notification-settings), kept apart from
// store.ts so the chat's core transitions stay small.
import type { Message } from './api/types';

export type NotificationLevel = 'all' | 'mentions' | 'none';

export interface NotificationSetting {
  targetId: string;
  level: NotificationLevel;
  mutedUntil?: string | null;
}

export interface Reaction {
  emoji: string;
  count: number;
  me: boolean;
}

export interface ReactionEvent {
  channelId: string;
  messageId: string;
  userId: string;
  emoji: string;
}

/** The reactions of a message (older servers and fixtures may send none). */
export const reactionsOf = (m: Message): Reaction[] => ((m as Message & { reactions?: Reaction[] }).reactions ?? []);

export const isPinned = (m: Message): boolean => Boolean((m as Message & { pinned?: boolean }).pinned);

/** A message with one reaction added or removed; `me` follows the event's user. */
export function applyReaction(m: Message, event: ReactionEvent, added: boolean, meId: string | undefined): Message {
  const list = reactionsOf(m).map((r) => ({ ...r }));
  const mine = event.userId === meId;
  const i = list.findIndex((r) => r.emoji === event.emoji);
  if (added) {
    if (i < 0) list.push({ emoji: event.emoji, count: 1, me: mine });
    else list[i] = { ...list[i], count: list[i].count + 1, me: list[i].me || mine };
  } else if (i >= 0) {
    const count = list[i].count - 1;
    if (count <= 0) list.splice(i, 1);
    else list[i] = { ...list[i], count, me: mine ? false : list[i].me };
  }
  return { ...m, reactions: list } as Message;
}

/** A `MessageUpdated` payload carries `me: false` for everyone; keep the reader's own from what was loaded. */
export function keepMine(previous: Message | undefined, next: Message): Message {
  if (!previous) return next;
  const mine = new Set(reactionsOf(previous).filter((r) => r.me).map((r) => r.emoji));
  return { ...next, reactions: reactionsOf(next).map((r) => ({ ...r, me: r.me || mine.has(r.emoji) })) } as Message;
}

export interface Effective {
  level: NotificationLevel;
  muted: boolean;
}

/** The channel's setting wins over its community's; no setting is `all`; a future `mutedUntil` mutes. */
export function effectiveSetting(settings: Record<string, NotificationSetting>, channel: { id: string; communityId?: string | null } | undefined, now = Date.now()): Effective {
  if (!channel) return { level: 'all', muted: false };
  const own = settings[channel.id];
  const community = channel.communityId ? settings[channel.communityId] : undefined;
  const mutedBy = (s?: NotificationSetting) => Boolean(s?.mutedUntil && new Date(s.mutedUntil).getTime() > now);
  return { level: own?.level ?? community?.level ?? 'all', muted: mutedBy(own) || mutedBy(community) };
}

/** Message flag bits (docs/api.md#message): 1 hidden by moderation, 256 @everyone, 512 a role mention. */
export const FLAG_HIDDEN = 1;
export const FLAG_MENTIONS_EVERYONE = 256;
export const FLAG_MENTIONS_ROLES = 512;

/** Whether a message mentions the reader: by id, a role of theirs, or @everyone (flag 256). */
export function mentionsMe(m: Message, meId: string, myRoleIds: readonly string[]): boolean {
  if (m.mentions.includes(meId)) return true;
  if (m.flags === -1) return false;
  if ((m.flags & FLAG_MENTIONS_EVERYONE) !== 0) return true;
  return (m.flags & FLAG_MENTIONS_ROLES) !== 0 && myRoleIds.some((r) => m.content.includes(`<@&${r}>`));
}

/** Whether a new message should raise a desktop notification under the reader's settings. */
export function shouldNotify(effective: Effective, isPrivate: boolean, mentioned: boolean): boolean {
  if (effective.muted || effective.level === 'none') return false;
  if (effective.level === 'mentions') return mentioned;
  return isPrivate || mentioned;
}

/** What a channel's badge may show: nothing when muted or `none`; only mentions at `mentions`. */
export function visibleBadge(effective: Effective, unread: number, mentions: number): { unread: number; mentions: number } {
  if (effective.muted || effective.level === 'none') return { unread: 0, mentions: 0 };
  if (effective.level === 'mentions') return { unread: mentions, mentions };
  return { unread, mentions };
}

/** A handful of emoji for the picker; the API accepts any single Unicode emoji. */
export const pickerEmoji = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '🔥', '👀', '✅'];
