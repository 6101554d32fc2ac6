import type { Channel, PresenceStatus, User } from './api/types';
import type { ChatState } from './store';

export const presenceWords: Record<PresenceStatus, string> = {
  online: 'Online', away: 'Away', busy: 'Busy', invisible: 'Invisible', offline: 'Offline',
};

export const displayName = (state: ChatState, userId: string) => state.users[userId]?.displayName ?? `User ${userId}`;

export function channelTitle(state: ChatState, channel: Channel): string {
  if (channel.communityId) return `#${channel.name}`;
  const others = (channel.recipientIds ?? []).filter((id) => id !== state.me?.id);
  return others.map((id) => displayName(state, id)).join(', ') || channel.name || 'Direct message';
}

export function time(iso: string): string {
  const d = new Date(iso);
  const today = new Date();
  const t = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === today.toDateString() ? t : `${d.toLocaleDateString()} ${t}`;
}

/** Splits content into text and mentions (`<@id>` is how the API marks a mention). */
export function contentParts(content: string, users: Record<string, User>): { text: string; mention?: string }[] {
  const parts: { text: string; mention?: string }[] = [];
  const re = /<@(\d{1,19})>/g;
  let last = 0;
  for (let m = re.exec(content); m; m = re.exec(content)) {
    if (m.index > last) parts.push({ text: content.slice(last, m.index) });
    parts.push({ text: `@${users[m[1]]?.displayName ?? m[1]}`, mention: m[1] });
    last = m.index + m[0].length;
  }
  if (last < content.length) parts.push({ text: content.slice(last) });
  return parts;
}
