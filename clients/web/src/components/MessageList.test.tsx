import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { MessageList, type MessageListProps } from './MessageList';
import { ME, message, user } from '../test/fixtures';
import type { Message } from '../api/types';

function renderList(items: Message[], overrides: Partial<MessageListProps> = {}) {
  const props: MessageListProps = {
    label: 'Messages in #general',
    channel: { items, hasMoreBefore: false, loadingOlder: false },
    users: {},
    meId: ME,
    canManageMessages: false,
    onLoadOlder: vi.fn(),
    onReply: vi.fn(),
    onEdit: vi.fn(),
    onDelete: vi.fn(),
    initialRect: { width: 800, height: 600 },
    ...overrides,
  };
  render(<MessageList {...props} />);
  return props;
}

describe('MessageList', () => {
  it('is a log named after the channel, with one article per message in seq order', () => {
    renderList([message(1), message(2), message(3)]);
    const log = screen.getByRole('log', { name: 'Messages in #general' });
    const articles = within(log).getAllByRole('article');
    expect(articles.map((a) => a.textContent)).toEqual([
      expect.stringContaining('message 1'),
      expect.stringContaining('message 2'),
      expect.stringContaining('message 3'),
    ]);
    expect(articles[0]).toHaveTextContent('Bob');
  });

  it('shows that missed messages are loading where seq has a gap', () => {
    renderList([message(1), message(2), message(7)], {
      channel: { items: [message(1), message(2), message(7)], hasMoreBefore: false, loadingOlder: false, filling: true },
    });
    expect(screen.getAllByRole('status').some((s) => s.textContent === 'Loading missed messages…')).toBe(true);
    expect(screen.getAllByRole('article')).toHaveLength(3);
  });

  it('renders only what is visible of a 10,000-message channel', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => message(i + 1));
    renderList(items);
    const count = screen.getAllByRole('article').length;
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(60);
  });

  it('offers Edit only on my messages and Delete on mine or with Manage Messages', () => {
    renderList([message(1), message(2, { author: user(ME, 'Me') })]);
    const [theirs, mine] = screen.getAllByRole('article');
    expect(within(theirs).queryByRole('button', { name: 'Delete message' })).toBeNull();
    expect(within(theirs).queryByRole('button', { name: 'Edit message' })).toBeNull();
    expect(within(mine).getByRole('button', { name: 'Delete message' })).toBeInTheDocument();
    expect(within(mine).getByRole('button', { name: 'Edit message' })).toBeInTheDocument();
  });

  it('a moderator may delete anyone’s message', () => {
    renderList([message(1)], { canManageMessages: true });
    expect(screen.getByRole('button', { name: 'Delete message' })).toBeInTheDocument();
  });

  it('shows mentions by display name and deleted messages as deleted', () => {
    renderList([message(1, { content: `hi <@${ME}>`, mentions: [ME] }), message(2, { flags: -1, content: '' })], {
      users: { [ME]: user(ME, 'Me') },
    });
    const [first, second] = screen.getAllByRole('article');
    expect(first).toHaveTextContent('hi @Me');
    expect(second).toHaveTextContent('Message deleted');
  });
});
