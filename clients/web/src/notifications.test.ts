import { describe, expect, it } from 'vitest';
import { applyReaction, effectiveSetting, keepMine, mentionsMe, reactionsOf, shouldNotify, visibleBadge } from './notifications';
import { ME, OTHER, message } from './test/fixtures';

const withReactions = (reactions: { emoji: string; count: number; me: boolean }[]) => ({ ...message(1), reactions }) as ReturnType<typeof message>;

describe('reactions', () => {
  it('adds, joins and takes back reactions, following the event user for me', () => {
    let m = message(1);
    m = applyReaction(m, { channelId: '10', messageId: m.id, userId: OTHER, emoji: '👍' }, true, ME);
    m = applyReaction(m, { channelId: '10', messageId: m.id, userId: ME, emoji: '👍' }, true, ME);
    m = applyReaction(m, { channelId: '10', messageId: m.id, userId: ME, emoji: '🎉' }, true, ME);
    expect(reactionsOf(m)).toEqual([{ emoji: '👍', count: 2, me: true }, { emoji: '🎉', count: 1, me: true }]);
    m = applyReaction(m, { channelId: '10', messageId: m.id, userId: ME, emoji: '👍' }, false, ME);
    m = applyReaction(m, { channelId: '10', messageId: m.id, userId: ME, emoji: '🎉' }, false, ME);
    expect(reactionsOf(m)).toEqual([{ emoji: '👍', count: 1, me: false }]);
  });

  it('keeps my own reactions when an edit arrives with me=false for everyone', () => {
    const before = withReactions([{ emoji: '👍', count: 2, me: true }]);
    const edited = withReactions([{ emoji: '👍', count: 2, me: false }, { emoji: '🎉', count: 1, me: false }]);
    expect(reactionsOf(keepMine(before, edited))).toEqual([{ emoji: '👍', count: 2, me: true }, { emoji: '🎉', count: 1, me: false }]);
  });
});

describe('notification settings', () => {
  const channel = { id: '10', communityId: '1' };
  const future = new Date(Date.now() + 60_000).toISOString();
  const past = new Date(Date.now() - 60_000).toISOString();

  it('lets a channel setting win over its community, and a future mute silence either', () => {
    expect(effectiveSetting({}, channel)).toEqual({ level: 'all', muted: false });
    expect(effectiveSetting({ '1': { targetId: '1', level: 'mentions' } }, channel)).toEqual({ level: 'mentions', muted: false });
    expect(effectiveSetting({ '1': { targetId: '1', level: 'none' }, '10': { targetId: '10', level: 'all' } }, channel).level).toBe('all');
    expect(effectiveSetting({ '1': { targetId: '1', level: 'all', mutedUntil: future } }, channel).muted).toBe(true);
    expect(effectiveSetting({ '10': { targetId: '10', level: 'all', mutedUntil: past } }, channel).muted).toBe(false);
  });

  it('notifies and badges by the effective level', () => {
    expect(shouldNotify({ level: 'all', muted: false }, true, false)).toBe(true);
    expect(shouldNotify({ level: 'all', muted: false }, false, false)).toBe(false);
    expect(shouldNotify({ level: 'mentions', muted: false }, true, false)).toBe(false);
    expect(shouldNotify({ level: 'mentions', muted: false }, false, true)).toBe(true);
    expect(shouldNotify({ level: 'none', muted: false }, false, true)).toBe(false);
    expect(shouldNotify({ level: 'all', muted: true }, true, true)).toBe(false);
    expect(visibleBadge({ level: 'all', muted: false }, 5, 1)).toEqual({ unread: 5, mentions: 1 });
    expect(visibleBadge({ level: 'mentions', muted: false }, 5, 1)).toEqual({ unread: 1, mentions: 1 });
    expect(visibleBadge({ level: 'none', muted: false }, 5, 1)).toEqual({ unread: 0, mentions: 0 });
    expect(visibleBadge({ level: 'all', muted: true }, 5, 1)).toEqual({ unread: 0, mentions: 0 });
  });

  it('sees mentions of me, my roles and @everyone', () => {
    expect(mentionsMe(message(1, { mentions: [ME] }), ME, [])).toBe(true);
    expect(mentionsMe(message(1, { flags: 256 }), ME, [])).toBe(true);
    expect(mentionsMe(message(1, { flags: 1 }), ME, [])).toBe(false);
    expect(mentionsMe(message(1, { flags: 512, content: 'hey <@&55>' }), ME, ['55'])).toBe(true);
    expect(mentionsMe(message(1, { flags: 512, content: 'hey <@&56>' }), ME, ['55'])).toBe(false);
    expect(mentionsMe(message(1, { flags: -1 }), ME, [])).toBe(false);
  });
});
