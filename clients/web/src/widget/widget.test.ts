import { afterEach, describe, expect, it, vi } from 'vitest';
import { GuestGateway } from './gateway';
import { SupportWidget } from './widget';
import type { Conversation } from './api';

const RS = '\u001e';

/** A WebSocket stand-in the test drives by hand. */
class FakeSocket {
  static last: FakeSocket | null = null;
  readyState = 1;
  sent: string[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
  open() {
    this.onopen?.();
  }
  receive(data: string) {
    this.onmessage?.({ data });
  }
}
const socket = (url: string) => new FakeSocket(url) as unknown as WebSocket;

describe('GuestGateway (SignalR JSON protocol over one WebSocket)', () => {
  it('connects to /gateway with the guest token, shakes hands, then delivers events split across frames', () => {
    const events: [string, unknown][] = [];
    const onOpen = vi.fn();
    const g = new GuestGateway({ origin: 'https://chat.example.com', token: () => 'guest-token', onEvent: (n, p) => events.push([n, p]), onOpen, onDown: () => undefined, createSocket: socket });
    g.start();
    const s = FakeSocket.last!;
    expect(s.url).toBe('wss://chat.example.com/gateway?access_token=guest-token');
    s.open();
    expect(s.sent).toEqual(['{"protocol":"json","version":1}' + RS]);
    s.receive('{}' + RS + '{"type":1,"target":"SupportConversationUpdated","arguments":[{"id":"1","queuePosition":2}]}' + RS + '{"type":1,"tar');
    expect(onOpen).toHaveBeenCalledTimes(1);
    s.receive('get":"MessageCreated","arguments":[{"id":"9"}]}' + RS + '{"type":6}' + RS);
    expect(events).toEqual([
      ['SupportConversationUpdated', { id: '1', queuePosition: 2 }],
      ['MessageCreated', { id: '9' }],
    ]);
    g.stop();
  });

  it('stops for good when the server closes with an error and no reconnect', () => {
    vi.useFakeTimers();
    try {
      const onRefused = vi.fn();
      const g = new GuestGateway({ origin: 'http://localhost:5080', token: () => 't', onEvent: () => undefined, onOpen: () => undefined, onDown: () => undefined, onRefused, createSocket: socket });
      g.start();
      const s = FakeSocket.last!;
      s.open();
      s.receive('{}' + RS + '{"type":7,"error":"unauthorized"}' + RS);
      expect(onRefused).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(60_000);
      expect(FakeSocket.last).toBe(s);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reconnects with a backoff after a dropped connection', () => {
    vi.useFakeTimers();
    try {
      const g = new GuestGateway({ origin: 'http://localhost:5080', token: () => 't', onEvent: () => undefined, onOpen: () => undefined, onDown: () => undefined, createSocket: socket });
      g.start();
      const first = FakeSocket.last!;
      first.open();
      first.receive('{}' + RS);
      first.close();
      vi.advanceTimersByTime(1_000);
      expect(FakeSocket.last).not.toBe(first);
      g.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

const conversation = (patch: Partial<Conversation> = {}): Conversation => ({
  id: '500',
  communityId: '42',
  guest: { name: 'Grace' },
  status: 'queued',
  agentId: null,
  queuePosition: 3,
  createdAt: '2026-01-01T10:00:00Z',
  ...patch,
});

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('SupportWidget', () => {
  afterEach(() => {
    localStorage.clear();
    document.body.replaceChildren();
    vi.unstubAllGlobals();
  });

  it('starts a conversation, shows the queue position, the agent, the messages, then closed and a rating', async () => {
    const calls: [string, string, unknown][] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        const body = init.body ? JSON.parse(String(init.body)) : undefined;
        calls.push([init.method ?? 'GET', url, body]);
        if (url.endsWith('/support/42')) return json(200, { enabled: true, greeting: 'Hello there!', offlineMessage: '', agentsAvailable: 1 });
        if (url.endsWith('/support/42/conversations')) return json(201, { conversation: conversation(), guestToken: 'g-token' });
        if (url.includes('/messages?')) return json(200, [{ id: '501', channelId: '500', author: { guest: true, name: 'Grace' }, content: 'Help!', createdAt: '2026-01-01T10:00:00Z', seq: '1' }]);
        if (url.endsWith('/rating')) return json(200, conversation({ status: 'closed', rating: { score: 4 } }));
        return json(200, conversation());
      }),
    );
    const w = new SupportWidget({ origin: 'https://chat.example.com', communityId: '42', createSocket: socket });
    const root = w.host.shadowRoot!;
    const launcher = root.querySelector('button')!;
    expect(launcher.textContent).toBe('Chat with us');
    launcher.click();
    await vi.waitFor(() => expect(root.textContent).toContain('Hello there!'));
    const [name, , message] = root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea');
    name.value = 'Grace';
    message.value = 'Help!';
    root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(root.querySelector('[role="status"]')?.textContent).toBe('You are number 3 in the queue.'));
    const start = calls.find((c) => c[1].endsWith('/conversations'))!;
    expect(start).toEqual(['POST', 'https://chat.example.com/api/v1/support/42/conversations', { name: 'Grace', message: 'Help!' }]);
    expect(JSON.parse(localStorage.getItem('chaos-support:42')!)).toEqual({ id: '500', token: 'g-token' });
    await vi.waitFor(() => expect(root.querySelector('[role="log"]')!.textContent).toContain('Help!'));

    const s = FakeSocket.last!;
    expect(s.url).toContain('access_token=g-token');
    s.open();
    s.receive('{}' + RS);
    const event = (target: string, arg: unknown) => s.receive(JSON.stringify({ type: 1, target, arguments: [arg] }) + RS);
    event('SupportConversationUpdated', conversation({ queuePosition: 1 }));
    expect(root.querySelector('[role="status"]')!.textContent).toBe('You are number 1 in the queue.');
    event('SupportConversationUpdated', conversation({ status: 'assigned', agentId: '7', queuePosition: null }));
    expect(root.querySelector('[role="status"]')!.textContent).toBe('An agent has joined the conversation.');
    event('MessageCreated', { id: '502', channelId: '500', author: { id: '7', username: 'ann', displayName: 'Ann', guest: false }, content: 'Hi Grace', createdAt: '2026-01-01T10:01:00Z', seq: '2' });
    expect(root.querySelector('[role="status"]')!.textContent).toBe('You are chatting with Ann.');
    expect(root.querySelector('[role="log"]')!.textContent).toContain('AnnHi Grace');
    event('MessageCreated', { id: '900', channelId: '999', author: { id: '8', displayName: 'Other' }, content: 'not ours', createdAt: '2026-01-01T10:01:00Z' });
    expect(root.querySelector('[role="log"]')!.textContent).not.toContain('not ours');

    event('SupportConversationUpdated', conversation({ status: 'closed', agentId: '7', queuePosition: null }));
    expect(root.querySelector('[role="status"]')!.textContent).toBe('This conversation is closed.');
    const four = root.querySelector<HTMLButtonElement>('button[aria-label="4 out of 5"]')!;
    four.click();
    expect(four.getAttribute('aria-pressed')).toBe('true');
    root.querySelector('.footer form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(root.textContent).toContain('Thank you for your rating.'));
    expect(calls.find((c) => c[1].endsWith('/rating'))).toEqual(['POST', 'https://chat.example.com/api/v1/support/conversations/500/rating', { score: 4 }]);
    w.destroy();
  });

  it('shows the problem detail when starting is refused', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) =>
        url.endsWith('/conversations')
          ? json(429, { code: 'rate_limited', detail: 'Too many conversations from your address. Try again in a minute.' })
          : json(404, { code: 'not_found', detail: 'No desk.' }),
      ),
    );
    const w = new SupportWidget({ origin: 'https://chat.example.com', communityId: '42', createSocket: socket });
    const root = w.host.shadowRoot!;
    root.querySelector('button')!.click();
    const [name, , message] = root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea');
    name.value = 'Grace';
    message.value = 'Help!';
    root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.waitFor(() => expect(root.querySelector('[role="alert"]')!.textContent).toBe('Too many conversations from your address. Try again in a minute.'));
    expect(root.querySelector<HTMLButtonElement>('button[type="submit"]')!.disabled).toBe(false);
    w.destroy();
  });

  it('resumes a saved conversation after a reload, and forgets one the server no longer knows', async () => {
    localStorage.setItem('chaos-support:42', JSON.stringify({ id: '500', token: 'old' }));
    vi.stubGlobal('fetch', vi.fn(async () => json(401, { code: 'unauthorized', detail: 'The token is not valid.' })));
    const w = new SupportWidget({ origin: 'https://chat.example.com', communityId: '42', createSocket: socket });
    await vi.waitFor(() => expect(localStorage.getItem('chaos-support:42')).toBeNull());
    w.destroy();
  });
});
