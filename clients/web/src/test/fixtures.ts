import type { Channel, Community, Message, Role } from '../api/types';

export const ME = '100';
export const OTHER = '200';

export function user(id: string, displayName = `User${id}`) {
  return { id, username: displayName.toLowerCase(), displayName, createdAt: '2026-01-01T00:00:00Z' };
}

export function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: String(1000 + seq),
    channelId: '10',
    seq,
    author: user(OTHER, 'Bob'),
    content: `message ${seq}`,
    createdAt: '2026-01-01T00:00:00Z',
    editedAt: null,
    replyToId: null,
    nonce: null,
    attachments: [],
    mentions: [],
    flags: 0,
    ...overrides,
  };
}

export const everyoneDefaults = ((1n << 1n) | (1n << 10n) | (1n << 12n) | (1n << 5n)).toString();

export function community(overrides: Partial<Community> = {}, roles: Role[] = []): Community {
  const id = '1';
  const general: Channel = { id: '10', type: 'text', communityId: id, name: 'general', topic: null, position: 0, overwrites: [], recipientIds: null, aiExcluded: false, e2ee: false };
  return {
    id,
    name: 'Club',
    description: '',
    ownerId: '999',
    createdAt: '2026-01-01T00:00:00Z',
    memberCount: 3,
    roles: [{ id, name: '@everyone', permissions: everyoneDefaults, position: 0, color: 0, mentionable: false }, ...roles],
    channels: [general],
    ...overrides,
  };
}
