import { describe, expect, it } from 'vitest';
import { initialState, mergeMessages, reduce, type ChatState } from './store';
import { ME, OTHER, message, user } from './test/fixtures';

const withMe = (): ChatState => ({ ...initialState(), me: { ...user(ME, 'Me'), statusMessage: null } });

describe('mergeMessages', () => {
  it('keeps messages in seq order without duplicates, newer copies winning', () => {
    const merged = mergeMessages([message(1), message(3)], [message(2), message(3, { content: 'edited' }), message(1)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(merged[2].content).toBe('edited');
  });
});

describe('reduce.messageCreated', () => {
  it('counts unread and mentions for channels not being read', () => {
    let s = withMe();
    s = { ...s, ...reduce.messageCreated(s, message(1), false) };
    s = { ...s, ...reduce.messageCreated(s, message(2, { mentions: [ME] }), false) };
    expect(s.readStates['10']).toMatchObject({ unreadCount: 2, mentionCount: 1 });
  });

  it('does not count what is being read, nor my own messages', () => {
    let s = withMe();
    s = { ...s, ...reduce.messageCreated(s, message(1), true) };
    s = { ...s, ...reduce.messageCreated(s, message(2, { author: user(ME, 'Me') }), false) };
    expect(s.readStates['10']).toMatchObject({ unreadCount: 0, mentionCount: 0, lastReadMessageId: message(2).id });
  });

  it('appends to a loaded channel once, and ends the author typing', () => {
    let s = withMe();
    s = { ...s, ...reduce.page(s, '10', [message(1)], 'latest', 50) };
    s = { ...s, ...reduce.typing(s, '10', OTHER, Date.now() + 8000) };
    s = { ...s, ...reduce.messageCreated(s, message(2), false) };
    s = { ...s, ...reduce.messageCreated(s, message(2), false) };
    expect(s.messages['10'].items.map((m) => m.seq)).toEqual([1, 2]);
    expect(s.typing['10'][OTHER]).toBeUndefined();
  });

  it('a read state from another device clears the badge (ReadStateUpdated)', () => {
    let s = withMe();
    s = { ...s, ...reduce.messageCreated(s, message(1), false) };
    s = { ...s, ...reduce.readState(s, { channelId: '10', lastReadMessageId: message(1).id, unreadCount: 0, mentionCount: 0 }) };
    expect(s.readStates['10'].unreadCount).toBe(0);
  });
});

describe('reduce.page', () => {
  it('knows when the beginning of the channel is loaded', () => {
    let s = withMe();
    s = { ...s, ...reduce.page(s, '10', [message(51), message(52)], 'latest', 2) };
    expect(s.messages['10'].hasMoreBefore).toBe(true);
    s = { ...s, ...reduce.page(s, '10', [message(1)], 'older', 2) };
    expect(s.messages['10'].hasMoreBefore).toBe(false);
  });

  it('deleted messages keep their place', () => {
    let s = withMe();
    s = { ...s, ...reduce.page(s, '10', [message(1), message(2)], 'latest', 50) };
    s = { ...s, ...reduce.messageDeleted(s, '10', message(1).id) };
    expect(s.messages['10'].items.map((m) => [m.seq, m.flags])).toEqual([
      [1, -1],
      [2, 0],
    ]);
  });
});

describe('reduce.relationship', () => {
  it('"none" removes the contact', () => {
    let s = withMe();
    s = { ...s, ...reduce.relationship(s, OTHER, 'friend') };
    expect(s.relationships[OTHER]).toBe('friend');
    s = { ...s, ...reduce.relationship(s, OTHER, 'none') };
    expect(s.relationships[OTHER]).toBeUndefined();
  });
});
