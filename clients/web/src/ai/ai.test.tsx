import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { HubConnectionState } from '@microsoft/signalr';
import type { ReactNode } from 'react';
import { ServiceContext } from '../context';
import { ChatService, type GatewayLike } from '../service';
import { ApiError, TokenStore } from '../api/http';
import { MessageList } from '../components/MessageList';
import { ME, OTHER, community, message, user } from '../test/fixtures';
import type { Attachment, Community, Message } from '../api/types';
import { idleSummary, summaryError, summaryErrorText, summaryReduce, summaryStart, type SummarySubscriber } from './summary';
import { CatchMeUp, summariesOffered } from './CatchMeUp';
import { VoiceTranscript } from './VoiceTranscript';
import { ModerationQueue, categoryLabel, mergeItems } from './ModerationQueue';
import { AiSettings } from './AiSettings';
import { isHidden } from './types';
import type { ModerationItem } from './types';

type Route = (method: string, url: URL, body: unknown) => unknown;

class FakeGateway implements GatewayLike {
  handlers = new Map<string, (p: never) => void>();
  state = HubConnectionState.Connected;
  streams: { method: string; args: unknown[]; subscriber: SummarySubscriber; disposed: boolean }[] = [];
  on(event: string, handler: (...args: never[]) => void) {
    this.handlers.set(event, handler as (p: never) => void);
  }
  onreconnecting() {}
  onreconnected() {}
  onclose() {}
  async start() {}
  async stop() {}
  async invoke<T>() {
    return undefined as T;
  }
  stream<T>(method: string, ...args: unknown[]) {
    return {
      subscribe: (s: { next(v: T): void; error(e: unknown): void; complete(): void }) => {
        const entry = { method, args, subscriber: s as unknown as SummarySubscriber, disposed: false };
        this.streams.push(entry);
        return { dispose: () => void (entry.disposed = true) };
      },
    };
  }
  emit(event: string, payload: unknown) {
    this.handlers.get(event)!(payload as never);
  }
}

/** A ChatService whose REST answers come from `route` (null → 204) and whose gateway is fake; calls are recorded. */
async function setup(route: Route, state: Partial<ChatService['state']> = {}) {
  const tokens = new TokenStore(null);
  tokens.set({ accessToken: 't', refreshToken: 'r', expiresAt: new Date(Date.now() + 3600_000).toISOString(), userId: ME });
  const gateway = new FakeGateway();
  const calls: string[] = [];
  const fetcher = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push(`${method} ${url.pathname.replace('/api/v1', '')}${url.search}${body ? ' ' + JSON.stringify(body) : ''}`);
    const answer = route(method, url, body);
    if (answer instanceof Response) return answer;
    return answer === undefined || answer === null ? new Response(null, { status: 204 }) : new Response(JSON.stringify(answer), { status: 200 });
  });
  const service = new ChatService('http://chaos.test', tokens, () => gateway, fetcher as unknown as typeof fetch);
  service.isVisible = () => true;
  await service.connect();
  service.store.setState({ me: user(ME, 'Me'), connection: 'online', ...state });
  const wrap = (ui: ReactNode) => render(<ServiceContext.Provider value={service}>{ui}</ServiceContext.Provider>);
  return { service, gateway, calls, wrap };
}

const problem = (status: number, code: string, detail: string) =>
  new Response(JSON.stringify({ status, code, detail, title: code }), { status, headers: { 'content-type': 'application/problem+json' } });

describe('summary errors and transitions', () => {
  it('reads the code and the words from a hub stream error and from a REST problem', () => {
    const hub = new Error("An error occurred on the server while streaming results. HubException: rate_limited: At most a few summaries a minute; try again shortly.");
    expect(summaryError(hub)).toEqual({ code: 'rate_limited', detail: 'At most a few summaries a minute; try again shortly.' });
    expect(summaryError(new ApiError(503, 'ai_unavailable', 'down'))).toEqual({ code: 'ai_unavailable', detail: 'down' });
    expect(summaryError(new Error('socket closed'))).toEqual({ code: null, detail: 'socket closed' });
  });

  it('says plainly what went wrong: rate limit, AI off, a channel kept out', () => {
    expect(summaryErrorText(new Error('x HubException: rate_limited: slow down'))).toMatch(/too often/);
    expect(summaryErrorText(new Error('x HubException: ai_unavailable: AI assistance is not configured on this server.'))).toMatch(/AI assistance is off/);
    expect(summaryErrorText(new Error('x HubException: forbidden: This channel is kept out of AI assistance.'))).toBe(
      'Summaries are not available here: This channel is kept out of AI assistance.',
    );
  });

  it('ignores chunks and endings that come after Stop', () => {
    let s = summaryReduce.start();
    s = summaryReduce.chunk(s, 'Alice ');
    s = summaryReduce.stop(s);
    s = summaryReduce.chunk(s, 'late');
    s = summaryReduce.complete(s);
    s = summaryReduce.fail(s, new Error('boom'));
    expect(s).toEqual({ phase: 'stopped', text: 'Alice ', error: null });
    expect(summaryReduce.chunk(idleSummary, 'x')).toBe(idleSummary);
  });

  it('starts after the read marker of when the channel was opened, else from the loaded messages', () => {
    expect(summaryStart('1005', '1010', '1001')).toBe('1005');
    expect(summaryStart('1010', '1010', '1001')).toBe('1000');
    expect(summaryStart(null, '1010', '1001')).toBe('1000');
    expect(summaryStart(null, undefined, undefined)).toBeNull();
  });

  it('is offered only in community text channels with summaries on and not kept out of AI', () => {
    const c = community({ ai: { moderation: 'off', summaries: true } });
    const general = c.channels[0];
    expect(summariesOffered(c, general)).toBe(true);
    expect(summariesOffered(community(), general)).toBe(false);
    expect(summariesOffered(c, { ...general, aiExcluded: true })).toBe(false);
    expect(summariesOffered(undefined, general)).toBe(false);
  });
});

describe('CatchMeUp', () => {
  it('streams the summary from the hub as it arrives and Stop cancels the stream', async () => {
    const c = community({ ai: { moderation: 'off', summaries: true } });
    const { gateway, wrap } = await setup((_, url) => (url.pathname.endsWith('/ai/status') ? { enabled: true, reachable: true, chatModel: 'tiny', moderationModel: 'tiny' } : null), {
      communities: { [c.id]: c },
      communityOrder: [c.id],
      messages: { '10': { items: [message(1), message(2)], hasMoreBefore: false, loadingOlder: false } },
    });
    wrap(<CatchMeUp channel={c.channels[0]} markerAtOpen={null} onClose={() => {}} />);
    expect(gateway.streams).toHaveLength(1);
    const run = gateway.streams[0];
    expect(run.method).toBe('Summarize');
    expect(run.args).toEqual(['10', '1000']);
    act(() => run.subscriber.next('Bob asked '));
    expect(screen.getByRole('group', { name: 'Summary' })).toHaveTextContent('Bob asked');
    expect(screen.getByRole('status')).toHaveTextContent('Summarizing…');
    act(() => run.subscriber.next('about lunch.'));
    expect(screen.getByRole('group', { name: 'Summary' })).toHaveTextContent('Bob asked about lunch.');
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(run.disposed).toBe(true);
    act(() => run.subscriber.next(' LATE'));
    expect(screen.getByRole('group', { name: 'Summary' })).not.toHaveTextContent('LATE');
    expect(screen.getByRole('status')).toHaveTextContent('Stopped.');
    await waitFor(() => expect(screen.getByText(/the model tiny/)).toBeInTheDocument());

    fireEvent.click(screen.getByRole('button', { name: 'Summarize again' }));
    const again = gateway.streams[1];
    act(() => again.subscriber.error(new Error('An error occurred. HubException: rate_limited: At most a few summaries a minute.')));
    expect(screen.getByRole('alert')).toHaveTextContent('You asked for summaries too often');
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
  });

  it('with nothing new since the read marker, offers a summary of the recent messages', async () => {
    const c = community({ ai: { moderation: 'off', summaries: true } });
    const { gateway, wrap } = await setup(() => ({ enabled: true, reachable: true, chatModel: 'tiny', moderationModel: 'tiny' }), {
      communities: { [c.id]: c },
      communityOrder: [c.id],
      messages: { '10': { items: [message(1), message(2), message(3)], hasMoreBefore: false, loadingOlder: false } },
    });
    wrap(<CatchMeUp channel={c.channels[0]} markerAtOpen="1002" onClose={() => {}} />);
    expect(gateway.streams[0].args).toEqual(['10', '1002']);
    act(() => gateway.streams[0].subscriber.complete());
    expect(screen.getByRole('status')).toHaveTextContent('Nothing new since you last read this channel.');
    fireEvent.click(screen.getByRole('button', { name: 'Summarize recent messages' }));
    expect(gateway.streams[1].args).toEqual(['10', '1000']);
    act(() => gateway.streams[1].subscriber.next('All three messages.'));
    act(() => gateway.streams[1].subscriber.complete());
    expect(screen.getByRole('group', { name: 'Summary' })).toHaveTextContent('All three messages.');
    expect(screen.getByRole('button', { name: 'Summarize again' })).toBeInTheDocument();
    await screen.findByText(/the model tiny/);
  });

  it('offline: says so instead of waiting', async () => {
    const c = community({ ai: { moderation: 'off', summaries: true } });
    const { gateway, wrap } = await setup(() => ({ enabled: true, reachable: true, chatModel: 'tiny', moderationModel: 'tiny' }), { communities: { [c.id]: c }, communityOrder: [c.id] });
    gateway.state = HubConnectionState.Disconnected;
    wrap(<CatchMeUp channel={c.channels[0]} markerAtOpen={null} onClose={() => {}} />);
    expect(screen.getByRole('alert')).toHaveTextContent('You are offline');
    expect(await screen.findByText(/the model tiny/)).toBeInTheDocument();
    expect(gateway.streams).toHaveLength(0);
  });

  it('while the connection is being made (a page just loaded): starts once it is up', async () => {
    const c = community({ ai: { moderation: 'off', summaries: true } });
    const { gateway, wrap } = await setup(() => ({ enabled: true, reachable: true, chatModel: 'tiny', moderationModel: 'tiny' }), { communities: { [c.id]: c }, communityOrder: [c.id] });
    gateway.state = HubConnectionState.Connecting;
    wrap(<CatchMeUp channel={c.channels[0]} markerAtOpen={null} onClose={() => {}} />);
    expect(screen.getByRole('status')).toHaveTextContent('Summarizing…');
    expect(gateway.streams).toHaveLength(0);
    gateway.state = HubConnectionState.Connected;
    await waitFor(() => expect(gateway.streams).toHaveLength(1));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('hidden by moderation', () => {
  const list = (items: Message[], canManageMessages: boolean) =>
    render(
      <MessageList
        label="Messages in #general"
        channel={{ items, hasMoreBefore: false, loadingOlder: false }}
        users={{}}
        meId={ME}
        canManageMessages={canManageMessages}
        onLoadOlder={() => {}}
        onReply={() => {}}
        onDelete={() => {}}
        onReact={() => {}}
        initialRect={{ width: 800, height: 600 }}
      />,
    );

  it('flag bit 1 is hidden; a deleted message is not', () => {
    expect(isHidden({ flags: 1 })).toBe(true);
    expect(isHidden({ flags: 5 })).toBe(true);
    expect(isHidden({ flags: 2 })).toBe(false);
    expect(isHidden({ flags: -1 })).toBe(false);
  });

  it('members see a placeholder instead of the blank message, without reply or reactions', () => {
    list([message(1), message(2, { content: '', flags: 1 })], false);
    const hidden = screen.getAllByRole('article')[1];
    expect(hidden).toHaveAccessibleName('Bob: hidden by moderation');
    expect(hidden).toHaveTextContent('Hidden by moderation');
    expect(within(hidden).queryByRole('button', { name: /Reply/ })).toBeNull();
    expect(within(screen.getAllByRole('article')[0]).getByRole('button', { name: 'Reply to Bob' })).toBeInTheDocument();
  });

  it('moderators see what was written, marked as hidden', () => {
    list([message(1, { content: 'cheap pills', flags: 1 })], true);
    const article = screen.getByRole('article');
    expect(article).toHaveAccessibleName('Bob: cheap pills (hidden by moderation)');
    expect(article).toHaveTextContent('cheap pills');
    expect(article).toHaveTextContent('Hidden by moderation');
    expect(article.className).toContain('hidden-by-moderation');
  });

  it('a blank hidden MessageUpdated makes a moderator read the message through the API; a member does not', async () => {
    const mod = community({ ownerId: ME });
    const written = message(3, { content: 'cheap pills', flags: 1 });
    const asModerator = await setup((_, url) => (url.pathname.endsWith(`/messages/${written.id}`) ? written : null), {
      communities: { [mod.id]: mod },
      communityOrder: [mod.id],
      messages: { '10': { items: [message(3)], hasMoreBefore: false, loadingOlder: false } },
    });
    asModerator.gateway.emit('MessageUpdated', { ...written, content: '' });
    await waitFor(() => expect(asModerator.service.state.messages['10'].items[0].content).toBe('cheap pills'));

    const plain = community();
    const asMember = await setup(() => written, {
      communities: { [plain.id]: plain },
      communityOrder: [plain.id],
      messages: { '10': { items: [message(3)], hasMoreBefore: false, loadingOlder: false } },
    });
    asMember.gateway.emit('MessageUpdated', { ...written, content: '' });
    await new Promise((r) => setTimeout(r, 20));
    expect(asMember.service.state.messages['10'].items[0].content).toBe('');
    expect(asMember.calls.some((c) => c.includes(`/messages/${written.id}`))).toBe(false);
  });
});

describe('CommunityUpdated', () => {
  it('keeps the known channels and AI switches when the event carries `channels: []` and `ai: null`', async () => {
    const c = community({ ownerId: ME, ai: { moderation: 'hide', summaries: true } });
    const { service, gateway } = await setup(() => null, { communities: { [c.id]: c }, communityOrder: [c.id] });
    gateway.emit('CommunityUpdated', { ...c, name: 'Renamed', channels: [], ai: null });
    expect(service.state.communities['1'].name).toBe('Renamed');
    expect(service.state.communities['1'].channels).toHaveLength(1);
    expect(service.state.communities['1'].ai).toEqual({ moderation: 'hide', summaries: true });
    gateway.emit('CommunityUpdated', { ...c, channels: [], ai: { moderation: 'off', summaries: false } });
    expect(service.state.communities['1'].ai).toEqual({ moderation: 'off', summaries: false });
  });
});

describe('VoiceTranscript', () => {
  const voice: Attachment = { id: '7', filename: 'voice.ogg', contentType: 'audio/ogg', size: 100, url: '/a/7', durationMs: 2000, waveform: null };
  it('shows pending, the text, a failure, or nothing', () => {
    const { rerender, container } = render(<VoiceTranscript attachment={{ ...voice, transcriptStatus: 'pending' } as Attachment} />);
    expect(screen.getByRole('status')).toHaveTextContent('Transcribing…');
    rerender(<VoiceTranscript attachment={{ ...voice, transcriptStatus: 'done', transcript: 'See you at noon.' } as Attachment} />);
    expect(screen.getByLabelText('Transcript')).toHaveTextContent('See you at noon.');
    rerender(<VoiceTranscript attachment={{ ...voice, transcriptStatus: 'failed', transcript: null } as Attachment} />);
    expect(screen.getByText('No transcript: transcription failed.')).toBeInTheDocument();
    rerender(<VoiceTranscript attachment={voice} />);
    expect(container).toBeEmptyDOMElement();
  });
});

const item = (id: string, overrides: Partial<ModerationItem> = {}): ModerationItem => ({
  id,
  communityId: '1',
  channelId: '10',
  messageId: `50${id}`,
  authorId: OTHER,
  category: 'spam',
  reason: 'Repeated advertising.',
  status: 'open',
  createdAt: '2026-01-01T00:00:00Z',
  ...overrides,
});

describe('ModerationQueue', () => {
  it('merges pages newest first without duplicates', () => {
    expect(mergeItems([item('3'), item('1')], [item('2'), item('3', { status: 'dismissed' })]).map((i) => [i.id, i.status])).toEqual([
      ['3', 'dismissed'],
      ['2', 'open'],
      ['1', 'open'],
    ]);
    expect(categoryLabel('self_harm')).toBe('Self harm');
  });

  it('lists flagged messages with what was written, dismisses and deletes, and takes new items live', async () => {
    const c = community({ ownerId: ME, ai: { moderation: 'hide', summaries: false } });
    let open = [item('1')];
    const { gateway, calls, wrap } = await setup((method, url, body) => {
      if (url.pathname.endsWith('/moderation/queue') && method === 'GET') return open;
      const decided = /\/moderation\/queue\/(\d+)$/.exec(url.pathname);
      if (decided && method === 'PATCH') {
        const i = open.find((x) => x.id === decided[1])!;
        open = open.filter((x) => x !== i);
        return { ...i, status: (body as { status: string }).status };
      }
      const m = /\/messages\/50(\d+)$/.exec(url.pathname);
      if (m) return message(Number(m[1]), { id: `50${m[1]}`, content: `flagged text ${m[1]}`, flags: 1 });
      if (url.pathname.includes('/users/')) return user(OTHER, 'Bob');
      return null;
    }, { communities: { [c.id]: c }, communityOrder: [c.id], users: { [OTHER]: user(OTHER, 'Bob') } });
    wrap(<ModerationQueue community={c} onClose={() => {}} />);
    const first = await screen.findByRole('article', { name: 'Flagged message by Bob' });
    await waitFor(() => expect(first).toHaveTextContent('flagged text 1'));
    expect(first).toHaveTextContent('Spam');
    expect(first).toHaveTextContent('Repeated advertising.');
    expect(calls).toContain('GET /communities/1/moderation/queue?status=open&limit=50');

    open = [item('2'), ...open];
    act(() => gateway.emit('ModerationQueued', { communityId: '1', itemId: '2', channelId: '10', messageId: '502' }));
    await waitFor(() => expect(screen.getAllByRole('article')).toHaveLength(2));
    await waitFor(() => expect(screen.getAllByRole('article')[0]).toHaveTextContent('flagged text 2'));

    fireEvent.click(within(screen.getAllByRole('article')[0]).getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(screen.getAllByRole('article')).toHaveLength(1));
    expect(calls).toContain('PATCH /communities/1/moderation/queue/2 {"status":"dismissed"}');
    fireEvent.click(within(screen.getByRole('article')).getByRole('button', { name: 'Delete message' }));
    await waitFor(() => expect(screen.queryAllByRole('article')).toHaveLength(0));
    expect(calls).toContain('PATCH /communities/1/moderation/queue/1 {"status":"removed"}');
    expect(screen.getByText('Nothing is waiting for a decision.')).toBeInTheDocument();
  });

  it('shows a decision that lost the race in words and reloads', async () => {
    const c = community({ ownerId: ME, ai: { moderation: 'flag', summaries: false } });
    const { wrap, calls } = await setup((method, url) => {
      if (url.pathname.endsWith('/moderation/queue/1') && method === 'PATCH') return problem(409, 'conflict', 'Another moderator decided this item already.');
      if (url.pathname.endsWith('/moderation/queue')) return [item('1')];
      return message(1, { content: 'x' });
    }, { communities: { [c.id]: c }, communityOrder: [c.id] });
    wrap(<ModerationQueue community={c} onClose={() => {}} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Dismiss' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Another moderator decided this item already.');
    expect(calls.filter((x) => x.startsWith('GET /communities/1/moderation/queue')).length).toBeGreaterThanOrEqual(2);
  });
});

describe('AiSettings', () => {
  const withStatus = (enabled: boolean) => (method: string, url: URL, body: unknown) => {
    if (url.pathname.endsWith('/ai/status')) return { enabled, reachable: enabled, chatModel: 'tiny', moderationModel: 'tiny', transcripts: { enabled, model: enabled ? 'ggml-tiny.bin' : null, detail: null } };
    if (method === 'PATCH' && url.pathname.endsWith('/communities/1')) return { ...community({ ownerId: ME }), ai: { moderation: 'off', summaries: false, ...(body as { ai: object }).ai } };
    if (method === 'PATCH' && url.pathname.endsWith('/channels/10')) return { ...community().channels[0], ...(body as object) };
    return null;
  };

  it('explains that AI is off when the server has no model server', async () => {
    const c: Community = community({ ownerId: ME });
    const { wrap } = await setup(withStatus(false), { communities: { [c.id]: c }, communityOrder: [c.id] });
    wrap(<AiSettings community={c} />);
    expect(await screen.findByText(/AI assistance is off on this server/)).toBeInTheDocument();
    expect(screen.queryByRole('radio')).toBeNull();
  });

  it('managers switch moderation and summaries, and keep a channel out of AI', async () => {
    const c: Community = community({ ownerId: ME, ai: { moderation: 'off', summaries: false } });
    const { wrap, calls, service } = await setup(withStatus(true), { communities: { [c.id]: c }, communityOrder: [c.id] });
    wrap(<AiSettings community={c} />);
    fireEvent.click(await screen.findByRole('radio', { name: /Hide until reviewed/ }));
    expect(screen.getByText(/Voice message transcripts/)).toHaveTextContent('on, with ggml-tiny.bin');
    await waitFor(() => expect(calls).toContain('PATCH /communities/1 {"ai":{"moderation":"hide"}}'));
    await waitFor(() => expect(service.state.communities['1'].ai?.moderation).toBe('hide'));
    fireEvent.click(screen.getByRole('checkbox', { name: /Catch me up/ }));
    await waitFor(() => expect(calls).toContain('PATCH /communities/1 {"ai":{"summaries":true}}'));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Keep #general out of AI' }));
    await waitFor(() => expect(calls).toContain('PATCH /channels/10 {"aiExcluded":true}'));
    await waitFor(() => expect(service.state.communities['1'].channels[0].aiExcluded).toBe(true));
  });
});
