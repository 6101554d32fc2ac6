import { describe, expect, it, vi } from 'vitest';
import { HubConnectionState } from '@microsoft/signalr';
import { ChatService, MAX_RECONNECT_DELAY_MS, RECONNECT_JITTER_MS, type GatewayLike } from './service';
import { TokenStore } from './api/http';
import { ME, community, message, user } from './test/fixtures';
import type { Message } from './api/types';

class FakeGateway implements GatewayLike {
  handlers = new Map<string, (p: never) => void>();
  reconnected: () => void = () => {};
  state = HubConnectionState.Connected;
  invoked: unknown[][] = [];
  lifecycle: string[] = [];
  on(event: string, handler: (...args: never[]) => void) {
    this.handlers.set(event, handler as (p: never) => void);
  }
  onreconnecting() {}
  onreconnected(cb: () => void) {
    this.reconnected = cb;
  }
  onclose() {}
  async start() {
    this.lifecycle.push('start');
    this.state = HubConnectionState.Connected;
  }
  async stop() {
    this.lifecycle.push('stop');
    this.state = HubConnectionState.Disconnected;
  }
  async invoke<T>(...args: unknown[]) {
    this.invoked.push(args);
    return undefined as T;
  }
  emit(event: string, payload: unknown) {
    this.handlers.get(event)!(payload as never);
  }
}

/**
 * A server with one channel holding `history`; answers GET messages pages like the API (keyset, oldest first). `hold`,
 * when given, runs after a page is read and before it is answered (it may wait, or throw as an unreachable server does).
 */
function fakeServer(history: Message[], hold?: (call: string) => Promise<void>) {
  const calls: string[] = [];
  const fetcher = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const u = new URL(String(url));
    calls.push(`${init?.method ?? 'GET'} ${u.pathname}${u.search}`);
    if (u.pathname.endsWith('/messages') && (init?.method ?? 'GET') === 'GET') {
      const after = u.searchParams.get('after');
      const before = u.searchParams.get('before');
      const limit = Number(u.searchParams.get('limit') ?? 50);
      let page = history;
      if (after) page = history.filter((m) => BigInt(m.id) > BigInt(after)).slice(0, limit);
      else if (before) page = history.filter((m) => BigInt(m.id) < BigInt(before)).slice(-limit);
      else page = history.slice(-limit);
      await hold?.(calls[calls.length - 1]);
      return new Response(JSON.stringify(page), { status: 200 });
    }
    return new Response(null, { status: 204 });
  });
  return { fetcher, calls };
}

function setup(history: Message[], hold?: (call: string) => Promise<void>) {
  const tokens = new TokenStore(null);
  tokens.set({ accessToken: 't', refreshToken: 'r', expiresAt: new Date(Date.now() + 3600_000).toISOString(), userId: ME });
  const gateway = new FakeGateway();
  const server = fakeServer(history, hold);
  const service = new ChatService('http://chaos.test', tokens, () => gateway, server.fetcher as unknown as typeof fetch);
  service.isVisible = () => true;
  return { service, gateway, server };
}

const ready = {
  user: { ...user(ME, 'Me'), statusMessage: null },
  communities: [],
  dmChannels: [],
  relationships: [],
  presences: [],
  readStates: [],
  voiceStates: [],
};

describe('ChatService gap filling', () => {
  it('a MessageCreated past a gap in seq fetches what was missed', async () => {
    const history = Array.from({ length: 5 }, (_, i) => message(i + 1));
    const { service, gateway } = setup(history);
    await service.connect();
    gateway.emit('Ready', ready);
    service.store.setState({ messages: { '10': { items: history.slice(0, 2), hasMoreBefore: false, loadingOlder: false } } });
    gateway.emit('MessageCreated', history[4]);
    await vi.waitFor(() => expect(service.state.messages['10'].items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]));
    expect(service.state.messages['10'].filling).toBe(false);
  });

  it('after a reconnect every loaded channel catches up by seq', async () => {
    const history = Array.from({ length: 130 }, (_, i) => message(i + 1));
    const { service, gateway, server } = setup(history);
    await service.connect();
    gateway.emit('Ready', ready);
    service.store.setState({ messages: { '10': { items: history.slice(0, 3), hasMoreBefore: false, loadingOlder: false } } });
    gateway.reconnected();
    await vi.waitFor(() => expect(service.state.messages['10'].items).toHaveLength(130));
    expect(server.calls.filter((c) => c.includes('after=')).length).toBe(2);
  });

  it('a fill asked for while one runs (a reconnect\'s Ready during its fill) runs once more when that one ends', async () => {
    const history = Array.from({ length: 3 }, (_, i) => message(i + 1));
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    let first = true;
    const { service, gateway, server } = setup(history, async () => {
      if (!first) return;
      first = false;
      await held;
    });
    await service.connect();
    gateway.emit('Ready', ready);
    service.store.setState({ messages: { '10': { items: history.slice(0, 2), hasMoreBefore: false, loadingOlder: false } } });
    gateway.reconnected();
    await vi.waitFor(() => expect(server.calls.filter((c) => c.includes('after=')).length).toBe(1));
    // Two more are written after the first fill read; the new connection's Ready asks for a fill while it still runs.
    history.push(message(4), message(5));
    gateway.emit('Ready', ready);
    release();
    await vi.waitFor(() => expect(service.state.messages['10'].items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]));
    expect(server.calls.filter((c) => c.includes('after=')).length).toBe(2);
  });

  it('a fill that cannot reach the server tries again, so a gap seen while HTTP is down closes by itself', async () => {
    const history = Array.from({ length: 5 }, (_, i) => message(i + 1));
    let down = 2;
    const { service, gateway, server } = setup(history, async () => {
      if (down-- > 0) throw new TypeError('Failed to fetch');
    });
    await service.connect();
    gateway.emit('Ready', ready);
    service.store.setState({ messages: { '10': { items: history.slice(0, 2), hasMoreBefore: false, loadingOlder: false } } });
    gateway.emit('MessageCreated', history[4]);
    await vi.waitFor(() => expect(service.state.messages['10'].items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]), { timeout: 5000 });
    expect(server.calls.filter((c) => c.includes('after=')).length).toBe(3);
    expect(service.state.messages['10'].filling).toBe(false);
  });

  it('opening a channel loads the newest page and acknowledges it through the gateway', async () => {
    const history = Array.from({ length: 60 }, (_, i) => message(i + 1));
    const { service, gateway } = setup(history);
    await service.connect();
    gateway.emit('Ready', ready);
    await service.openChannel('10');
    expect(service.state.messages['10'].items).toHaveLength(50);
    expect(service.state.messages['10'].hasMoreBefore).toBe(true);
    expect(gateway.invoked).toContainEqual(['Ack', '10', history[59].id]);
    await service.loadOlder('10');
    expect(service.state.messages['10'].items).toHaveLength(60);
    expect(service.state.messages['10'].hasMoreBefore).toBe(false);
  });
});

describe('ChatService communities over the gateway', () => {
  it('CommunityJoined adds the community and CommunityLeft removes it, without restarting the gateway', async () => {
    const { service, gateway } = setup([]);
    const stop = vi.spyOn(gateway, 'stop');
    await service.connect();
    gateway.emit('Ready', ready);
    const joined = community({ id: '77', name: 'Joined elsewhere' });
    gateway.emit('CommunityJoined', joined);
    expect(service.state.communities['77']?.name).toBe('Joined elsewhere');
    gateway.emit('CommunityLeft', { id: '77', reason: 'kicked' });
    expect(service.state.communities['77']).toBeUndefined();
    expect(stop).not.toHaveBeenCalled();
  });
});

describe('ChatService and Reconnect (a front door shutting down)', () => {
  it('moves after retryAfterMs plus jitter, shows nothing alarming, and fills the gap by seq', async () => {
    const history = Array.from({ length: 8 }, (_, i) => message(i + 1));
    const { service, gateway, server } = setup(history);
    await service.connect();
    gateway.emit('Ready', ready);
    service.store.setState({ messages: { '10': { items: history.slice(0, 3), hasMoreBefore: false, loadingOlder: false } } });
    const statuses: string[] = [];
    service.store.subscribe((s) => statuses.push(s.connection));

    vi.useFakeTimers();
    try {
      gateway.emit('Reconnect', { reason: 'shutdown', retryAfterMs: 400 });
      await vi.advanceTimersByTimeAsync(0);
      expect(gateway.lifecycle).toEqual(['start', 'stop']);
      // Not before retryAfterMs; within it plus the jitter.
      await vi.advanceTimersByTimeAsync(399);
      expect(gateway.lifecycle).toEqual(['start', 'stop']);
      await vi.advanceTimersByTimeAsync(500);
      expect(gateway.lifecycle).toEqual(['start', 'stop', 'start']);
    } finally {
      vi.useRealTimers();
    }

    // Messages 4-8 were sent while moving; the new connection's Ready catches the channel up.
    gateway.emit('Ready', ready);
    await vi.waitFor(() => expect(service.state.messages['10'].items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(server.calls.some((c) => c.includes(`after=${history[2].id}`))).toBe(true);
    expect(statuses).not.toContain('reconnecting');
    expect(statuses).not.toContain('offline');
    expect(service.state.connection).toBe('online');
  });

  it('caps a huge retryAfterMs and ignores a second Reconnect while moving', async () => {
    const { service, gateway } = setup([]);
    await service.connect();
    gateway.emit('Ready', ready);
    vi.useFakeTimers();
    try {
      gateway.emit('Reconnect', { reason: 'shutdown', retryAfterMs: 10_000_000 });
      gateway.emit('Reconnect', { reason: 'rebalance', retryAfterMs: 0 });
      await vi.advanceTimersByTimeAsync(MAX_RECONNECT_DELAY_MS + RECONNECT_JITTER_MS);
      expect(gateway.lifecycle).toEqual(['start', 'stop', 'start']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ChatService opening an encrypted conversation', () => {
  it('answers the new channel before its MLS group is made, so the screen leaves the previous conversation at once', async () => {
    const tokens = new TokenStore(null);
    tokens.set({ accessToken: 't', refreshToken: 'r', expiresAt: new Date(Date.now() + 3600_000).toISOString(), userId: ME });
    const dm = { id: '900', type: 'dm', communityId: null, name: null, recipientIds: [ME, '200'], e2ee: true };
    const posted: unknown[] = [];
    const fetcher = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
      const u = new URL(String(url));
      if (u.pathname.endsWith('/users/@me/channels') && init?.method === 'POST') {
        posted.push(JSON.parse(String(init.body)));
        return new Response(JSON.stringify(dm), { status: 201 });
      }
      return new Response(null, { status: 204 });
    });
    const service = new ChatService('http://chaos.test', tokens, () => new FakeGateway(), fetcher as unknown as typeof fetch);
    // Making the group (claiming key packages, the commit, the welcome) takes a while: here it never finishes, so an
    // openDm that waited for it would never answer (the test times out).
    const sync = vi.spyOn(service.e2ee, 'sync').mockImplementation(() => new Promise(() => {}));

    const channel = await service.openDm(['200'], true);

    expect(channel.id).toBe('900');
    expect(posted).toEqual([{ recipientIds: ['200'], e2ee: true }]);
    expect(service.state.privateChannels['900']).toBeDefined();
    expect(service.isE2ee('900')).toBe(true);
    expect(sync).toHaveBeenCalledWith('900');
  });
});
