import { createStore } from 'zustand/vanilla';
import type { Channel, Community, Member, Message, Presence, PresenceStatus, ReadState, RelationshipKind, User, Ready } from './api/types';
import type { NotificationSetting } from './notifications';

export interface ChannelMessages {
  /** Oldest to newest, by seq, without duplicates. */
  items: Message[];
  /** False once the first message of the channel (seq 1) or an empty page was seen. */
  hasMoreBefore: boolean;
  loadingOlder: boolean;
  /** True while missed messages are fetched after a gap in seq or a reconnect. */
  filling?: boolean;
}

export type ConnectionStatus = 'offline' | 'connecting' | 'online' | 'reconnecting';

export interface ChatState {
  me: User | null;
  connection: ConnectionStatus;
  communities: Record<string, Community>;
  communityOrder: string[];
  /** My role ids per community (permissions are computed from these). */
  myRoles: Record<string, string[]>;
  privateChannels: Record<string, Channel>;
  messages: Record<string, ChannelMessages>;
  readStates: Record<string, ReadState>;
  /** channelId → userId → expiry (ms since epoch). */
  typing: Record<string, Record<string, number>>;
  presences: Record<string, Presence>;
  relationships: Record<string, RelationshipKind>;
  users: Record<string, User>;
  members: Record<string, Member[]>;
  activeChannelId: string | null;
  /** The status chosen on this device (what the user panel shows), until Ready says otherwise. */
  myStatus: PresenceStatus | null;
  error: string | null;
  /** Notification settings by community or channel id (notifications.ts). */
  notificationSettings: Record<string, NotificationSetting>;
  /** A message to scroll to and highlight (from search, pins or the mentions inbox). */
  jumpTo: { channelId: string; messageId: string } | null;
}

export const initialState = (): ChatState => ({
  me: null,
  connection: 'offline',
  communities: {},
  communityOrder: [],
  myRoles: {},
  privateChannels: {},
  messages: {},
  readStates: {},
  typing: {},
  presences: {},
  relationships: {},
  users: {},
  members: {},
  activeChannelId: null,
  myStatus: null,
  error: null,
  notificationSettings: {},
  jumpTo: null,
});

export type ChatStore = ReturnType<typeof createChatStore>;

export const createChatStore = () => createStore<ChatState>()(() => initialState());

/** Inserts messages into a sorted, duplicate-free list (by seq; a newer copy of the same id replaces the old). */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const bySeq = new Map<number, Message>();
  for (const m of existing) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The seq ranges missing between loaded messages (after the first loaded one). */
export function findGaps(items: readonly Message[]): { afterSeq: number; beforeSeq: number }[] {
  const gaps = [];
  for (let i = 1; i < items.length; i++) {
    if (items[i].seq > items[i - 1].seq + 1) gaps.push({ afterSeq: items[i - 1].seq, beforeSeq: items[i].seq });
  }
  return gaps;
}

export function findChannel(state: ChatState, channelId: string): Channel | undefined {
  const dm = state.privateChannels[channelId];
  if (dm) return dm;
  for (const id of state.communityOrder) {
    const c = state.communities[id]?.channels.find((ch) => ch.id === channelId);
    if (c) return c;
  }
  return undefined;
}

const upsertUser = (users: Record<string, User>, user: User) => (users[user.id] === user ? users : { ...users, [user.id]: user });

/** Pure state transitions, one per gateway event or REST answer. */
export const reduce = {
  ready(state: ChatState, ready: Ready): Partial<ChatState> {
    const communities: Record<string, Community> = {};
    for (const c of ready.communities) communities[c.id] = c;
    const privateChannels: Record<string, Channel> = {};
    for (const c of ready.dmChannels) privateChannels[c.id] = c;
    const readStates: Record<string, ReadState> = {};
    for (const r of ready.readStates) readStates[r.channelId] = r;
    const relationships: Record<string, RelationshipKind> = {};
    for (const r of ready.relationships) relationships[r.userId] = r.type;
    const presences: Record<string, Presence> = {};
    for (const p of ready.presences) presences[p.userId] = p;
    return {
      me: ready.user,
      users: upsertUser(state.users, ready.user),
      communities,
      communityOrder: ready.communities.map((c) => c.id),
      privateChannels,
      readStates,
      relationships,
      presences,
      connection: 'online',
    };
  },

  messageCreated(state: ChatState, message: Message, viewing: boolean): Partial<ChatState> {
    const patch: Partial<ChatState> = { users: upsertUser(state.users, message.author) };
    const loaded = state.messages[message.channelId];
    if (loaded) {
      if (loaded.items.some((m) => m.id === message.id)) return patch;
      patch.messages = { ...state.messages, [message.channelId]: { ...loaded, items: mergeMessages(loaded.items, [message]) } };
    }
    const typing = state.typing[message.channelId];
    if (typing?.[message.author.id]) {
      const rest = { ...typing };
      delete rest[message.author.id];
      patch.typing = { ...state.typing, [message.channelId]: rest };
    }
    const mine = message.author.id === state.me?.id;
    const read = state.readStates[message.channelId];
    if (read && BigInt(read.lastReadMessageId) >= BigInt(message.id)) return patch;
    if (mine || viewing) {
      patch.readStates = { ...state.readStates, [message.channelId]: { channelId: message.channelId, lastReadMessageId: message.id, unreadCount: 0, mentionCount: 0 } };
    } else {
      const mentioned = state.me ? message.mentions.includes(state.me.id) : false;
      const base = read ?? { channelId: message.channelId, lastReadMessageId: '0', unreadCount: 0, mentionCount: 0 };
      patch.readStates = {
        ...state.readStates,
        [message.channelId]: { ...base, unreadCount: base.unreadCount + 1, mentionCount: base.mentionCount + (mentioned ? 1 : 0) },
      };
    }
    return patch;
  },

  messageUpdated(state: ChatState, message: Message): Partial<ChatState> {
    const loaded = state.messages[message.channelId];
    if (!loaded) return {};
    return { messages: { ...state.messages, [message.channelId]: { ...loaded, items: loaded.items.map((m) => (m.id === message.id ? message : m)) } } };
  },

  messageDeleted(state: ChatState, channelId: string, messageId: string): Partial<ChatState> {
    const loaded = state.messages[channelId];
    if (!loaded) return {};
    // A deleted message keeps its place (seq never repeats), shown as deleted so the list has no false gap.
    return {
      messages: {
        ...state.messages,
        [channelId]: { ...loaded, items: loaded.items.map((m) => (m.id === messageId ? { ...m, content: '', flags: -1 } : m)) },
      },
    };
  },

  page(state: ChatState, channelId: string, page: Message[], kind: 'latest' | 'older' | 'newer', limit: number): Partial<ChatState> {
    const loaded = state.messages[channelId] ?? { items: [], hasMoreBefore: true, loadingOlder: false };
    const items = mergeMessages(loaded.items, page);
    let hasMoreBefore = loaded.hasMoreBefore;
    if (kind !== 'newer') hasMoreBefore = page.length >= limit && (items[0]?.seq ?? 1) > 1;
    if (items[0]?.seq === 1) hasMoreBefore = false;
    const users = page.reduce((u, m) => upsertUser(u, m.author), state.users);
    return { users, messages: { ...state.messages, [channelId]: { ...loaded, items, hasMoreBefore, loadingOlder: false } } };
  },

  typing(state: ChatState, channelId: string, userId: string, expiresAt: number): Partial<ChatState> {
    if (userId === state.me?.id) return {};
    return { typing: { ...state.typing, [channelId]: { ...state.typing[channelId], [userId]: expiresAt } } };
  },

  readState(state: ChatState, read: ReadState): Partial<ChatState> {
    return { readStates: { ...state.readStates, [read.channelId]: read } };
  },

  presence(state: ChatState, presence: Presence): Partial<ChatState> {
    return { presences: { ...state.presences, [presence.userId]: presence } };
  },

  relationship(state: ChatState, userId: string, type: RelationshipKind): Partial<ChatState> {
    const relationships = { ...state.relationships };
    if (type === 'none') delete relationships[userId];
    else relationships[userId] = type;
    return { relationships };
  },

  community(state: ChatState, community: Community): Partial<ChatState> {
    const order = state.communityOrder.includes(community.id) ? state.communityOrder : [...state.communityOrder, community.id];
    return { communities: { ...state.communities, [community.id]: community }, communityOrder: order };
  },

  communityGone(state: ChatState, id: string): Partial<ChatState> {
    const communities = { ...state.communities };
    delete communities[id];
    return { communities, communityOrder: state.communityOrder.filter((c) => c !== id) };
  },

  channel(state: ChatState, channel: Channel): Partial<ChatState> {
    if (!channel.communityId) return { privateChannels: { ...state.privateChannels, [channel.id]: channel } };
    const community = state.communities[channel.communityId];
    if (!community) return {};
    const exists = community.channels.some((c) => c.id === channel.id);
    const channels = exists ? community.channels.map((c) => (c.id === channel.id ? channel : c)) : [...community.channels, channel];
    return { communities: { ...state.communities, [community.id]: { ...community, channels } } };
  },

  channelGone(state: ChatState, id: string, communityId?: string | null): Partial<ChatState> {
    if (!communityId) {
      const privateChannels = { ...state.privateChannels };
      delete privateChannels[id];
      return { privateChannels };
    }
    const community = state.communities[communityId];
    if (!community) return {};
    return { communities: { ...state.communities, [communityId]: { ...community, channels: community.channels.filter((c) => c.id !== id) } } };
  },
};

export type ChatReducers = typeof reduce;

