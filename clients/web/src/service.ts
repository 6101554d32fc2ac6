import { HubConnection, HubConnectionBuilder, HubConnectionState, HttpTransportType, LogLevel } from '@microsoft/signalr';
import { Api } from './api/client';
import { ApiError, TokenStore } from './api/http';
import type { Channel, Community, Member, Message, Presence, ReadState, Ready, RelationshipKind } from './api/types';
import { createChatStore, findChannel, findGaps, reduce, type ChatState, type ChatStore } from './store';
import { E2eeClient, type EncryptedMessage, type MlsEvent } from './e2ee/client';
import { isHidden, type ModerationQueued } from './ai/types';
import type { SummarySubscriber } from './ai/summary';
import { channelPermissions, has } from './permissions';
import { applyReaction, effectiveSetting, isPinned, keepMine, mentionsMe, shouldNotify, type NotificationLevel, type ReactionEvent } from './notifications';

const PAGE = 50;

export interface GatewayLike {
  on(event: string, handler: (...args: never[]) => void): void;
  onreconnecting(cb: () => void): void;
  onreconnected(cb: () => void): void;
  onclose(cb: () => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  invoke<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  /** Server-to-client streams (SignalR's `stream`); disposing the subscription cancels the server's stream. */
  stream?<T = unknown>(method: string, ...args: unknown[]): { subscribe(s: { next(v: T): void; error(e: unknown): void; complete(): void }): { dispose(): void } };
  readonly state: HubConnectionState;
}

export type GatewayFactory = (url: string, token: () => Promise<string>) => GatewayLike;

/**
 * WebSockets only, without the negotiate request: behind a load balancer without session affinity (the Helm chart's
 * Ingress) negotiate and the WebSocket could reach different front doors. That rules out SignalR's stateful reconnect
 * (it only ever works on the same front door); every reconnect gets a fresh Ready and fills gaps by seq instead.
 */
export const signalRGateway: GatewayFactory = (url, token) =>
  new HubConnectionBuilder()
    .withUrl(url, { accessTokenFactory: token, transport: HttpTransportType.WebSockets, skipNegotiation: true })
    // Never give up: a restarted server comes back; the banner says what is happening meanwhile.
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(250 * 2 ** ctx.previousRetryCount, 3000) })
    .configureLogging(LogLevel.None)
    .build() as unknown as GatewayLike & HubConnection;

/** The longest a `Reconnect` may make the client wait (a larger `retryAfterMs` is capped), and the jitter added to it. */
export const MAX_RECONNECT_DELAY_MS = 30_000;
export const RECONNECT_JITTER_MS = 500;
/** The longest wait between tries of a gap fill that could not reach the server. */
export const MAX_FILL_RETRY_MS = 15_000;
/** How long "Catch me up" waits for a connection that is still being made before it says it is offline. */
export const SUMMARY_CONNECT_WAIT_MS = 20_000;

const randomNonce = () => (crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`).replace(/-/g, '').slice(0, 32);

/**
 * The client's brain: owns the REST client, the gateway connection and the store; turns events into state and
 * heals after reconnects by fetching what each loaded channel missed (by seq).
 */
export class ChatService {
  readonly store: ChatStore;
  readonly api: Api;
  private gateway: GatewayLike | null = null;
  private stopped = true;
  private lastTypingSent: Record<string, number> = {};
  private filling = new Set<string>();
  /** Channels whose gap fill was asked for again while one ran: it runs once more when that one ends. */
  private refill = new Set<string>();
  /** Failed gap fills waiting to try again (channel id → attempts so far). */
  private fillRetries = new Map<string, number>();
  private restarting = false;
  notify: (title: string, body: string, channelId: string) => void = () => {};
  /** End-to-end encryption (docs/architecture.md#end-to-end-encryption-in-the-web-client). */
  readonly e2ee: E2eeClient;
  /** Who is in a voice room (set by the voice engine): the members an e2ee voice channel's MLS group should have. */
  voiceParticipants: (channelId: string) => string[] = () => [];
  isVisible: () => boolean = () => typeof document === 'undefined' || document.visibilityState === 'visible';

  constructor(
    readonly baseUrl: string,
    readonly tokens = new TokenStore(),
    private readonly gatewayFactory: GatewayFactory = signalRGateway,
    fetcher?: typeof fetch,
  ) {
    this.store = createChatStore();
    this.api = new Api(baseUrl, tokens, fetcher);
    this.e2ee = new E2eeClient(this.api, (channelId) => this.groupMembersOf(channelId));
    tokens.subscribe((s) => {
      if (!s) void this.disconnect();
    });
  }

  get state(): ChatState {
    return this.store.getState();
  }

  private set(patch: Partial<ChatState>) {
    this.store.setState(patch);
  }

  // ---- session -------------------------------------------------------------------------------------------------

  async login(username: string, password: string) {
    this.tokens.fromAuth(await this.api.login(username, password));
    await this.connect();
  }

  async register(username: string, password: string, displayName?: string) {
    this.tokens.fromAuth(await this.api.register(username, password, displayName));
    await this.connect();
  }

  async logout() {
    const s = this.tokens.current;
    await this.disconnect();
    if (s) await this.api.logout(s.refreshToken).catch(() => undefined);
    this.tokens.set(null);
  }

  // ---- gateway -------------------------------------------------------------------------------------------------

  async connect() {
    if (this.gateway) return;
    this.stopped = false;
    this.set({ connection: 'connecting' });
    const deviceId = await this.startE2ee();
    const hub = this.gatewayFactory(`${this.baseUrl}/gateway${deviceId ? `?deviceId=${encodeURIComponent(deviceId)}` : ''}`, async () => (await this.tokens.accessToken(this.api)) ?? '');
    this.gateway = hub;
    this.wire(hub);
    await this.startWithRetry(hub);
  }

  /**
   * Registers this browser as an e2ee device (once) before the gateway connects, so welcomes addressed to it are
   * routed to this connection. Bounded: a server without e2ee, or a slow one, never holds up chatting.
   */
  private async startE2ee(): Promise<string | undefined> {
    const userId = this.tokens.current?.userId;
    if (!userId) return undefined;
    const started = this.e2ee.start(userId).then(() => true, () => false);
    await Promise.race([started, new Promise((r) => setTimeout(r, 15_000))]);
    return this.e2ee.device?.deviceId;
  }

  /** The users an e2ee channel's group should hold: a DM's or group's recipients, a voice room's participants. */
  private groupMembersOf(channelId: string): { users: string[]; exact: boolean } | null {
    const channel = findChannel(this.state, channelId);
    const me = this.state.me?.id ?? this.tokens.current?.userId;
    if (!channel || !me) return null;
    if (channel.type === 'voice') return { users: [...new Set([...this.voiceParticipants(channelId), me])], exact: true };
    return { users: [...new Set([...(channel.recipientIds ?? []), me])], exact: false };
  }

  isE2ee(channelId: string): boolean {
    return Boolean((findChannel(this.state, channelId) as (Channel & { e2ee?: boolean }) | undefined)?.e2ee);
  }

  /**
   * A message of an e2ee channel as the UI shows it: the plaintext when this device has it, otherwise empty while it
   * is decrypted (MessageUpdated-like store update when done) — or the words that it cannot be.
   */
  private decorate(m: Message): Message {
    const e = m as EncryptedMessage;
    if (!e.ciphertext) return m;
    const known = this.e2ee.known(e);
    if (known !== undefined) return { ...m, content: known };
    void this.e2ee.decrypt(e).then(
      (text) => {
        const loaded = this.state.messages[m.channelId];
        if (loaded?.items.some((x) => x.id === m.id)) this.set(reduce.messageUpdated(this.state, { ...m, content: text }));
      },
      () => undefined,
    );
    return m;
  }

  async disconnect() {
    this.stopped = true;
    const hub = this.gateway;
    this.gateway = null;
    this.set({ connection: 'offline' });
    await hub?.stop().catch(() => undefined);
  }

  private async startWithRetry(hub: GatewayLike) {
    for (let attempt = 0; !this.stopped && this.gateway === hub; attempt++) {
      try {
        await hub.start();
        return;
      } catch {
        if (!this.tokens.current) return;
        this.set({ connection: 'reconnecting' });
        await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 3000)));
      }
    }
  }

  private wire(hub: GatewayLike) {
    const on = <T>(event: string, handler: (payload: T) => void) => hub.on(event, handler as (...args: never[]) => void);
    on<Ready>('Ready', (ready) => this.onReady(ready));
    on<Message>('MessageCreated', (m) => {
      this.eventListeners.get('MessageCreated')?.forEach((l) => l(m));
      this.onMessage(this.decorate(m));
    });
    on<Message>('MessageUpdated', (m) => {
      this.set(reduce.messageUpdated(this.state, keepMine(this.state.messages[m.channelId]?.items.find((x) => x.id === m.id), this.decorate(m))));
      if (isHidden(m) && !m.content) void this.revealHidden(m);
    });
    on<ModerationQueued>('ModerationQueued', (e) => this.eventListeners.get('ModerationQueued')?.forEach((l) => l(e)));
    on<MlsEvent>('MlsMessage', (e) => void this.e2ee.onMlsEvent(e).catch(() => undefined));
    on<ReactionEvent>('ReactionAdded', (e) => this.onReaction(e, true));
    on<ReactionEvent>('ReactionRemoved', (e) => this.onReaction(e, false));
    on<{ channelId: string }>('ChannelPinsUpdated', (e) => {
      this.pinListeners.forEach((l) => l(e.channelId));
      void this.refreshPinned(e.channelId);
    });
    on<{ channelId: string; messageId: string }>('MessageDeleted', (d) => this.set(reduce.messageDeleted(this.state, d.channelId, d.messageId)));
    on<{ channelId: string; userId: string; expiresAt: string }>('TypingStarted', (t) =>
      this.set(reduce.typing(this.state, t.channelId, t.userId, new Date(t.expiresAt).getTime())),
    );
    on<ReadState>('ReadStateUpdated', (r) => this.set(reduce.readState(this.state, r)));
    on<Presence>('PresenceUpdated', (p) => this.set(reduce.presence(this.state, p)));
    on<{ userId: string; type: RelationshipKind }>('RelationshipUpdated', (r) => {
      this.set(reduce.relationship(this.state, r.userId, r.type));
      void this.ensureUser(r.userId);
    });
    // Created or joined on this device or another: the full community, before any other event of it.
    on<Community>('CommunityJoined', (c) => {
      const known = !!this.state.communities[c.id];
      this.set(reduce.community(this.state, c));
      if (!known) void this.loadMyRoles(c.id);
    });
    on<Partial<Community> & { id: string }>('CommunityUpdated', (c) => {
      const existing = this.state.communities[c.id];
      // A full view of a community not in the list yet: joined on another device (or this one, racing the REST answer).
      if (!existing && c.channels && c.roles) {
        this.set(reduce.community(this.state, c as Community));
        void this.loadMyRoles(c.id);
      } else if (existing) {
        // The event carries `channels: []` (docs/api.md#gateway-events) and, from servers that leave it out, `ai: null`:
        // neither replaces what is known.
        this.set(reduce.community(this.state, { ...existing, ...c, roles: c.roles ?? existing.roles, channels: c.channels?.length ? c.channels : existing.channels, ai: c.ai ?? existing.ai }));
      }
    });
    on<{ id: string }>('CommunityDeleted', (c) => this.set(reduce.communityGone(this.state, c.id)));
    on<{ id: string }>('CommunityLeft', (c) => this.set(reduce.communityGone(this.state, c.id)));
    on<Member>('MemberJoined', (m) => this.onMember(m));
    on<Member>('MemberUpdated', (m) => this.onMember(m));
    on<{ communityId: string; userId: string }>('MemberLeft', (m) => {
      if (m.userId === this.state.me?.id) {
        this.set(reduce.communityGone(this.state, m.communityId));
        return;
      }
      const list = this.state.members[m.communityId];
      if (list) this.set({ members: { ...this.state.members, [m.communityId]: list.filter((x) => x.user.id !== m.userId) } });
    });
    on<Channel>('ChannelCreated', (c) => this.set(reduce.channel(this.state, c)));
    on<Channel>('ChannelUpdated', (c) => this.set(reduce.channel(this.state, c)));
    on<{ id: string; communityId?: string | null }>('ChannelDeleted', (c) => this.set(reduce.channelGone(this.state, c.id, c.communityId)));
    for (const e of ['RoleCreated', 'RoleUpdated', 'RoleDeleted']) {
      on<{ communityId: string }>(e, (r) => void this.refreshCommunity(r.communityId));
    }
    // Events that screens outside the store follow themselves (the support desk, src/support/).
    on<unknown>('SupportConversationUpdated', (p) => this.eventListeners.get('SupportConversationUpdated')?.forEach((l) => l(p)));
    on<{ reason?: string; retryAfterMs: number }>('Reconnect', (r) => void this.reconnectAfter(r.retryAfterMs));
    hub.onreconnecting(() => this.set({ connection: 'reconnecting' }));
    hub.onreconnected(() => {
      this.set({ connection: 'online' });
      void this.fillAllGaps();
    });
    hub.onclose(() => {
      if (this.stopped || this.restarting || this.gateway !== hub) return;
      this.set({ connection: 'reconnecting' });
      void this.startWithRetry(hub);
    });
  }

  /**
   * The front door is going away (`Reconnect`, docs/api.md): move to another one after `retryAfterMs` plus jitter.
   * Planned and usually quick, so nothing alarming is shown: the status stays as it is unless connecting fails, and
   * the new connection's Ready fills every loaded channel's gap by seq, so no message is lost.
   */
  private async reconnectAfter(retryAfterMs: number) {
    const hub = this.gateway;
    if (!hub || this.restarting) return;
    this.restarting = true;
    try {
      await hub.stop().catch(() => undefined);
      const wait = Math.min(Math.max(0, Number(retryAfterMs) || 0), MAX_RECONNECT_DELAY_MS) + Math.random() * RECONNECT_JITTER_MS;
      await new Promise((r) => setTimeout(r, wait));
      if (this.gateway === hub && !this.stopped) await this.startWithRetry(hub);
    } finally {
      this.restarting = false;
    }
  }

  private onReady(ready: Ready) {
    this.set(reduce.ready(this.state, ready));
    void this.loadNotificationSettings();
    for (const c of ready.communities) void this.loadMyRoles(c.id);
    for (const r of ready.relationships) void this.ensureUser(r.userId);
    for (const ch of ready.dmChannels) for (const id of ch.recipientIds ?? []) void this.ensureUser(id);
    void this.fillAllGaps();
  }

  private onMember(m: Member) {
    this.set({ users: { ...this.state.users, [m.user.id]: m.user } });
    if (m.user.id === this.state.me?.id) this.set({ myRoles: { ...this.state.myRoles, [m.communityId]: m.roleIds } });
    const list = this.state.members[m.communityId];
    if (list) {
      const exists = list.some((x) => x.user.id === m.user.id);
      this.set({ members: { ...this.state.members, [m.communityId]: exists ? list.map((x) => (x.user.id === m.user.id ? m : x)) : [...list, m] } });
    }
  }

  private onMessage(m: Message) {
    // A support conversation's message (its author has `guest`, true or false) belongs to the support console alone (src/support/).
    if ('guest' in (m.author as object)) return;
    const loaded = this.state.messages[m.channelId];
    const last = loaded?.items[loaded.items.length - 1];
    const viewing = this.state.activeChannelId === m.channelId && this.isVisible();
    this.set(reduce.messageCreated(this.state, m, viewing));
    if (loaded && last && m.seq > last.seq + 1) void this.fillGap(m.channelId, last.id);
    if (viewing && m.author.id !== this.state.me?.id) void this.ackServer(m.channelId, m.id);
    const me = this.state.me;
    if (me && m.author.id !== me.id && !this.isVisible()) {
      const channel = findChannel(this.state, m.channelId);
      const isPrivate = Boolean(channel && !channel.communityId);
      const mentioned = mentionsMe(m, me.id, channel?.communityId ? [channel.communityId, ...(this.state.myRoles[channel.communityId] ?? [])] : []);
      if (shouldNotify(effectiveSetting(this.state.notificationSettings, channel), isPrivate, mentioned)) {
        this.notify(isPrivate ? m.author.displayName : `${m.author.displayName} mentioned you in #${channel?.name ?? 'a channel'}`, m.content, m.channelId);
      }
    }
  }

  // ---- reactions, pins, search, notification settings -------------------------------------------------------------

  private readonly pinListeners = new Set<(channelId: string) => void>();
  private readonly eventListeners = new Map<string, Set<(payload: unknown) => void>>();

  /**
   * Asks the gateway for a support desk's events (`WatchSupportDesk`, HandleSupport; docs/api.md#support-desk). A new
   * connection watches nothing, so the desk screens call this again whenever the connection comes back.
   */
  async watchSupportDesk(communityId: string, watch = true) {
    const hub = this.gateway;
    if (!hub || hub.state !== HubConnectionState.Connected) return;
    await hub.invoke(watch ? 'WatchSupportDesk' : 'UnwatchSupportDesk', communityId);
  }

  /** Called with the payload of every `SupportConversationUpdated` or `MessageCreated` event; returns the unsubscribe. */
  onGatewayEvent(event: 'SupportConversationUpdated' | 'MessageCreated' | 'ModerationQueued', listener: (payload: unknown) => void) {
    let set = this.eventListeners.get(event);
    if (!set) this.eventListeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Called with a channel id whenever its pins change (ChannelPinsUpdated); returns the unsubscribe. */
  onPinsUpdated(listener: (channelId: string) => void) {
    this.pinListeners.add(listener);
    return () => void this.pinListeners.delete(listener);
  }

  private onReaction(e: ReactionEvent, added: boolean) {
    const loaded = this.state.messages[e.channelId];
    if (!loaded || !loaded.items.some((m) => m.id === e.messageId)) return;
    const items = loaded.items.map((m) => (m.id === e.messageId ? applyReaction(m, e, added, this.state.me?.id) : m));
    this.set({ messages: { ...this.state.messages, [e.channelId]: { ...loaded, items } } });
  }

  /** Adds or takes back the reader's reaction; the gateway's ReactionAdded/ReactionRemoved updates the counts. */
  async react(channelId: string, messageId: string, emoji: string, add: boolean) {
    if (add) await this.api.addReaction(channelId, messageId, emoji);
    else await this.api.removeReaction(channelId, messageId, emoji);
  }

  /** Pins or unpins, and marks the loaded message at once (ChannelPinsUpdated only says that the pins changed). */
  async pin(channelId: string, messageId: string, pin: boolean) {
    if (pin) await this.api.pin(channelId, messageId);
    else await this.api.unpin(channelId, messageId);
    const loaded = this.state.messages[channelId];
    if (loaded) {
      const items = loaded.items.map((m) => (m.id === messageId ? ({ ...m, pinned: pin } as Message) : m));
      this.set({ messages: { ...this.state.messages, [channelId]: { ...loaded, items } } });
    }
  }

  /** After ChannelPinsUpdated: marks the loaded messages of the channel from its pin list (at most 50 pins). */
  private async refreshPinned(channelId: string) {
    if (!this.state.messages[channelId]) return;
    const pins = await this.api.pins(channelId).catch(() => null);
    const loaded = this.state.messages[channelId];
    if (!pins || !loaded) return;
    const pinned = new Set(pins.map((m) => m.id));
    const items = loaded.items.map((m) => (isPinned(m) === pinned.has(m.id) ? m : ({ ...m, pinned: pinned.has(m.id) } as Message)));
    this.set({ messages: { ...this.state.messages, [channelId]: { ...loaded, items } } });
  }

  async loadNotificationSettings() {
    const list = await this.api.notificationSettings().catch(() => null);
    if (list) this.set({ notificationSettings: Object.fromEntries(list.map((s) => [s.targetId, s])) });
  }

  async setNotificationSetting(targetId: string, level: NotificationLevel, mutedUntil: string | null) {
    const saved = await this.api.setNotificationSetting(targetId, level, mutedUntil);
    this.set({ notificationSettings: { ...this.state.notificationSettings, [saved.targetId]: saved } });
  }

  /** Marks a message to scroll to, then loads older pages of its channel until it is there (at most 40 pages). */
  async jumpTo(channelId: string, messageId: string) {
    this.set({ jumpTo: { channelId, messageId } });
    for (let i = 0; i < 40; i++) {
      const loaded = this.state.messages[channelId];
      if (loaded?.items.some((m) => m.id === messageId)) return;
      if (!loaded) await this.loadLatest(channelId);
      else if (!loaded.hasMoreBefore) return;
      else await this.loadOlder(channelId);
    }
  }

  /**
   * Fetches every message after afterId (a gap in seq, or a reconnect) until caught up. A request made while a fill of
   * the channel runs is not dropped: that fill may have read before the newest messages were there (a reconnect's
   * `Ready` lands while the `onreconnected` fill is in flight), so one more runs when it ends. A fill that fails for
   * want of a network (the socket can outlive HTTP: a laptop's Wi-Fi dropping) tries again with backoff, so a gap
   * seen while HTTP is down closes without waiting for the next event.
   */
  async fillGap(channelId: string, afterId: string) {
    if (this.filling.has(channelId)) {
      this.refill.add(channelId);
      return;
    }
    this.filling.add(channelId);
    this.setFilling(channelId, true);
    let retry = false;
    try {
      let after = afterId;
      for (;;) {
        const page = await this.api.messages(channelId, { after, limit: 100 });
        this.set(reduce.page(this.state, channelId, page.map((m) => this.decorate(m)), 'newer', 100));
        if (page.length < 100) break;
        after = page[page.length - 1].id;
      }
      this.fillRetries.delete(channelId);
      if (this.state.activeChannelId === channelId) void this.ack(channelId);
    } catch (e) {
      // Refused (gone, no longer allowed): the next reconnect or event tries again. Unreachable: retry below.
      retry = !(e instanceof ApiError && e.status < 500);
    } finally {
      this.filling.delete(channelId);
      this.setFilling(channelId, false);
    }
    const again = this.refill.delete(channelId);
    if (this.stopped || !this.state.messages[channelId]) return;
    if (again) {
      void this.fillGap(channelId, this.fillFrom(channelId) ?? afterId);
    } else if (retry) {
      const attempt = this.fillRetries.get(channelId) ?? 0;
      this.fillRetries.set(channelId, attempt + 1);
      setTimeout(() => {
        if (!this.stopped && this.state.messages[channelId] && !this.filling.has(channelId)) void this.fillGap(channelId, this.fillFrom(channelId) ?? afterId);
      }, Math.min(500 * 2 ** attempt, MAX_FILL_RETRY_MS));
    }
  }

  /** Where a channel's next fill starts: before its first gap in seq, else after its newest loaded message. */
  private fillFrom(channelId: string): string | undefined {
    const items = this.state.messages[channelId]?.items ?? [];
    const gap = findGaps(items)[0];
    return gap ? items.find((m) => m.seq === gap.afterSeq)?.id : items[items.length - 1]?.id;
  }

  private setFilling(channelId: string, filling: boolean) {
    const loaded = this.state.messages[channelId];
    if (loaded) this.set({ messages: { ...this.state.messages, [channelId]: { ...loaded, filling } } });
  }

  async fillAllGaps() {
    for (const channelId of Object.keys(this.state.messages)) if (this.isE2ee(channelId)) void this.e2ee.resync(channelId).catch(() => undefined);
    await Promise.all(
      Object.entries(this.state.messages).map(([channelId, loaded]) => {
        const last = loaded.items[loaded.items.length - 1];
        return last ? this.fillGap(channelId, last.id) : this.loadLatest(channelId);
      }),
    );
  }

  // ---- AI assistance (docs/api.md#ai-assistance) ---------------------------------------------------------------

  /**
   * `MessageUpdated` is sent to everyone alike, so a message hidden by moderation arrives blank; a reader who may
   * manage messages in its channel reads what was written through the API (it answers them the content).
   */
  private async revealHidden(m: Message) {
    const me = this.state.me;
    const channel = findChannel(this.state, m.channelId);
    const community = channel?.communityId ? this.state.communities[channel.communityId] : undefined;
    if (!me || !channel || !community) return;
    if (!has(channelPermissions(community, channel, me.id, this.state.myRoles[community.id] ?? []), 'ManageMessages')) return;
    try {
      const full = await this.api.http.request<Message>('GET', `/channels/${m.channelId}/messages/${m.id}`);
      if (this.state.messages[m.channelId]?.items.some((x) => x.id === m.id && x.flags !== -1)) this.set(reduce.messageUpdated(this.state, keepMine(this.state.messages[m.channelId]?.items.find((x) => x.id === m.id), full)));
    } catch {
      // Deleted meanwhile, or no longer allowed: the blank copy stays.
    }
  }

  /** Streams the hub's `Summarize` into the subscriber; the returned function stops the stream and the model call. */
  streamSummary(channelId: string, sinceMessageId: string | null, subscriber: SummarySubscriber): () => void {
    const hub = this.gateway;
    if (hub?.stream && hub.state === HubConnectionState.Connected) {
      const subscription = hub.stream<string>('Summarize', channelId, sinceMessageId).subscribe(subscriber);
      return () => subscription.dispose();
    }
    const connecting = hub?.state === HubConnectionState.Connecting || hub?.state === HubConnectionState.Reconnecting;
    if (!hub?.stream || this.stopped || !connecting) {
      subscriber.error(new Error('You are offline; try again when the connection is back.'));
      return () => {};
    }
    // Connecting (a page just loaded) or reconnecting: start once the connection is up, within a bound.
    let stopStream: (() => void) | null = null;
    const deadline = Date.now() + SUMMARY_CONNECT_WAIT_MS;
    const timer = setInterval(() => {
      if (hub.state === HubConnectionState.Connected && this.gateway === hub) {
        clearInterval(timer);
        stopStream = this.streamSummary(channelId, sinceMessageId, subscriber);
      } else if (Date.now() > deadline || this.stopped || this.gateway !== hub) {
        clearInterval(timer);
        subscriber.error(new Error('You are offline; try again when the connection is back.'));
      }
    }, 100);
    return () => {
      clearInterval(timer);
      stopStream?.();
    };
  }

  // ---- channels and messages -----------------------------------------------------------------------------------

  async openChannel(channelId: string | null) {
    this.set({ activeChannelId: channelId });
    if (!channelId) return;
    if (!this.state.messages[channelId]) await this.loadLatest(channelId);
    await this.ack(channelId);
  }

  async loadLatest(channelId: string) {
    try {
      const page = await this.api.messages(channelId, { limit: PAGE });
      this.set(reduce.page(this.state, channelId, page.map((m) => this.decorate(m)), 'latest', PAGE));
    } catch (e) {
      this.fail(e);
    }
  }

  async loadOlder(channelId: string) {
    const loaded = this.state.messages[channelId];
    if (!loaded || loaded.loadingOlder || !loaded.hasMoreBefore || loaded.items.length === 0) return;
    this.set({ messages: { ...this.state.messages, [channelId]: { ...loaded, loadingOlder: true } } });
    try {
      const page = await this.api.messages(channelId, { before: loaded.items[0].id, limit: PAGE });
      this.set(reduce.page(this.state, channelId, page.map((m) => this.decorate(m)), 'older', PAGE));
    } catch (e) {
      const now = this.state.messages[channelId];
      this.set({ messages: { ...this.state.messages, [channelId]: { ...now, loadingOlder: false } } });
      this.fail(e);
    }
  }

  async send(channelId: string, content: string, replyToId?: string) {
    const nonce = randomNonce();
    for (let attempt = 0; ; attempt++) {
      try {
        const message = this.isE2ee(channelId)
          ? this.decorate(await this.e2ee.send(channelId, content, nonce))
          : await this.api.send(channelId, content, nonce, replyToId);
        this.set(reduce.messageCreated(this.state, message, true));
        // Writing in a channel means having read it: move the server's marker too (other devices follow).
        void this.ackServer(channelId, message.id);
        return message;
      } catch (e) {
        // A network failure retries with the same nonce (the server answers the original, never a duplicate).
        if (e instanceof ApiError || attempt >= 5) {
          this.fail(e);
          throw e;
        }
        await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      }
    }
  }

  async edit(channelId: string, messageId: string, content: string) {
    try {
      this.set(reduce.messageUpdated(this.state, await this.api.edit(channelId, messageId, content)));
    } catch (e) {
      this.fail(e);
    }
  }

  async remove(channelId: string, messageId: string) {
    try {
      await this.api.deleteMessage(channelId, messageId);
      this.set(reduce.messageDeleted(this.state, channelId, messageId));
    } catch (e) {
      this.fail(e);
    }
  }

  typing(channelId: string) {
    const now = Date.now();
    if ((this.lastTypingSent[channelId] ?? 0) + 5000 > now) return;
    this.lastTypingSent[channelId] = now;
    if (this.gateway?.state === HubConnectionState.Connected) void this.gateway.invoke('StartTyping', channelId).catch(() => undefined);
  }

  /** Marks the newest loaded message read; ReadStateUpdated keeps the user's other devices in step. */
  async ack(channelId: string) {
    const loaded = this.state.messages[channelId];
    const last = loaded?.items[loaded.items.length - 1];
    if (!last || !this.isVisible()) return;
    const read = this.state.readStates[channelId];
    if (read && BigInt(read.lastReadMessageId) >= BigInt(last.id) && read.unreadCount === 0) return;
    this.set(reduce.readState(this.state, { channelId, lastReadMessageId: last.id, unreadCount: 0, mentionCount: 0 }));
    await this.ackServer(channelId, last.id);
  }

  private async ackServer(channelId: string, messageId: string) {
    try {
      if (this.gateway?.state === HubConnectionState.Connected) await this.gateway.invoke('Ack', channelId, messageId);
      else await this.api.markRead(channelId, messageId);
    } catch {
      // Best effort.
    }
  }

  // ---- communities ---------------------------------------------------------------------------------------------

  async refreshCommunity(id: string) {
    try {
      this.set(reduce.community(this.state, await this.api.community(id)));
      await this.loadMyRoles(id);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) this.set(reduce.communityGone(this.state, id));
    }
  }

  async loadMyRoles(id: string) {
    const me = this.state.me;
    if (!me) return;
    try {
      const member = await this.api.member(id, me.id);
      this.set({ myRoles: { ...this.state.myRoles, [id]: member.roleIds } });
    } catch {
      // Not a member any more: the community events say so.
    }
  }

  async loadMembers(id: string) {
    const all: Member[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.api.members(id, after, 100);
      all.push(...page);
      if (page.length < 100) break;
      after = page[page.length - 1].user.id;
    }
    const users = { ...this.state.users };
    for (const m of all) users[m.user.id] = m.user;
    this.set({ members: { ...this.state.members, [id]: all }, users });
  }

  async createCommunity(name: string, description?: string) {
    const community = await this.api.createCommunity(name, description);
    this.set(reduce.community(this.state, community));
    this.set({ myRoles: { ...this.state.myRoles, [community.id]: [] } });
    // No reconnect needed: the create call returns once every open connection hears the community (CommunityJoined).
    return community;
  }

  async joinInvite(code: string) {
    const community = await this.api.joinInvite(code);
    this.set(reduce.community(this.state, community));
    await this.loadMyRoles(community.id);
    return community;
  }

  async leave(id: string) {
    await this.api.leave(id);
    this.set(reduce.communityGone(this.state, id));
  }

  // ---- people --------------------------------------------------------------------------------------------------

  async ensureUser(id: string) {
    if (this.state.users[id]) return;
    try {
      const user = await this.api.user(id);
      this.set({ users: { ...this.state.users, [id]: user } });
    } catch {
      // Unknown users show their id.
    }
  }

  async setRelationship(userId: string, type: 'friend' | 'block') {
    const r = await this.api.setRelationship(userId, type);
    if (r) this.set(reduce.relationship(this.state, r.userId, r.type));
    await this.ensureUser(userId);
  }

  async removeRelationship(userId: string) {
    await this.api.removeRelationship(userId);
    this.set(reduce.relationship(this.state, userId, 'none'));
  }

  async openDm(recipientIds: string[], e2ee = false) {
    const channel = e2ee
      ? await this.api.http.request<Channel>('POST', '/users/@me/channels', { recipientIds, e2ee: true })
      : await this.api.openPrivateChannel(recipientIds);
    this.set(reduce.channel(this.state, channel));
    // The creator makes the MLS group and welcomes every recipient's devices (docs/architecture.md#end-to-end-encryption-in-the-web-client).
    // Not awaited: making the group takes seconds (key packages, a commit, a welcome), and meanwhile the screen would
    // still show the previous conversation, where whatever the user types would go. The conversation opens at once;
    // a message sent in it waits for the group (E2eeClient.send syncs first, in line behind this sync).
    if (e2ee) void this.e2ee.sync(channel.id).catch((e: unknown) => this.fail(e));
    return channel;
  }

  async setPresence(status: 'online' | 'away' | 'busy' | 'invisible', statusMessage: string) {
    if (this.gateway?.state === HubConnectionState.Connected) await this.gateway.invoke('SetPresence', status, statusMessage);
    else await this.api.setPresence(status, statusMessage);
    const me = this.state.me;
    if (me) {
      this.set({ myStatus: status, me: { ...me, statusMessage }, presences: { ...this.state.presences, [me.id]: { userId: me.id, status, statusMessage, lastSeenAt: null } } });
    }
  }

  fail(e: unknown) {
    this.set({ error: e instanceof Error ? e.message : String(e) });
  }
}
