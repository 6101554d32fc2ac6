import { describe, expect, it } from 'vitest';
import { defaultCanned, duration, loadCanned, saveCanned } from './canned';
import { upsertConversation } from './useDesk';
import type { Conversation } from './api';

describe('canned replies', () => {
  it('start with the defaults, then keep what the agent saved per community', () => {
    localStorage.clear();
    expect(loadCanned('1')).toEqual(defaultCanned);
    saveCanned('1', ['One moment.']);
    expect(loadCanned('1')).toEqual(['One moment.']);
    expect(loadCanned('2')).toEqual(defaultCanned);
    localStorage.setItem('chaos.canned.3', '{"not":"a list"}');
    expect(loadCanned('3')).toEqual(defaultCanned);
  });
});

describe('duration', () => {
  it('reads like a person would say it', () => {
    expect(duration(null)).toBe('—');
    expect(duration(42.4)).toBe('42 s');
    expect(duration(185)).toBe('3 min');
    expect(duration(3900)).toBe('1 h 5 min');
  });
});

describe('upsertConversation', () => {
  it('replaces by id and keeps arrival (id) order', () => {
    const c = (id: string, status: Conversation['status'] = 'queued') => ({ id, communityId: '1', guest: { name: id }, status, createdAt: '' }) as Conversation;
    const list = upsertConversation(upsertConversation([c('20')], c('3')), c('100'));
    expect(list.map((x) => x.id)).toEqual(['3', '20', '100']);
    expect(upsertConversation(list, c('20', 'assigned')).find((x) => x.id === '20')!.status).toBe('assigned');
  });
});
