import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Composer } from './Composer';
import { user } from '../test/fixtures';

describe('Composer', () => {
  it('Enter sends, Shift+Enter makes a new line', async () => {
    const onSend = vi.fn();
    render(<Composer label="Message #general" candidates={[]} onSend={onSend} />);
    const box = screen.getByRole('textbox', { name: 'Message #general' });
    await userEvent.type(box, 'first line{Shift>}{Enter}{/Shift}second line');
    expect(box).toHaveValue('first line\nsecond line');
    await userEvent.type(box, '{Enter}');
    expect(onSend).toHaveBeenCalledWith('first line\nsecond line');
    expect(box).toHaveValue('');
  });

  it('does not send blank messages', async () => {
    const onSend = vi.fn();
    render(<Composer label="Message #general" candidates={[]} onSend={onSend} />);
    await userEvent.type(screen.getByRole('textbox'), '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
  });

  it('@ offers mentions; arrows and Enter pick one', async () => {
    const onSend = vi.fn();
    render(<Composer label="Message #general" candidates={[user('7', 'Bob'), user('8', 'Bella'), user('9', 'Carl')]} onSend={onSend} />);
    const box = screen.getByRole('textbox');
    await userEvent.type(box, 'hey @b');
    const options = screen.getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual([expect.stringContaining('Bob'), expect.stringContaining('Bella')]);
    await userEvent.type(box, '{ArrowDown}{Enter}');
    expect(box).toHaveValue('hey <@8> ');
    expect(screen.queryByRole('listbox')).toBeNull();
    await userEvent.type(box, '{Enter}');
    expect(onSend).toHaveBeenCalledWith('hey <@8>');
  });

  it('signals typing and shows errors in words', async () => {
    const onTyping = vi.fn();
    const onSend = vi.fn().mockRejectedValue(new Error('You are sending messages too fast.'));
    render(<Composer label="Message Bob" candidates={[]} onSend={onSend} onTyping={onTyping} />);
    await userEvent.type(screen.getByRole('textbox', { name: 'Message Bob' }), 'x{Enter}');
    expect(onTyping).toHaveBeenCalled();
    expect(await screen.findByRole('alert')).toHaveTextContent('You are sending messages too fast.');
  });
});
