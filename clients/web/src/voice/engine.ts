import { HttpTransportType, HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel, Subject, type ISubscription } from '@microsoft/signalr';
import { createStore } from 'zustand/vanilla';
import type { ChatService } from '../service';
import { JitterBuffer } from './jitterBuffer';
import type { ReceivedFrame, TransmitMode, VoiceJoined, VoiceState, VoiceStats, VoiceUiState } from './types';
import { base64ToBytes, bytesToBase64 } from './wav';
import type { FrameCrypto } from '../e2ee/frameCrypto';
import workletUrl from './capture-worklet.js?url&no-inline';

export const SAMPLE_RATE = 48_000;
export const FRAME_SAMPLES = 960;
const FRAME_S = FRAME_SAMPLES / SAMPLE_RATE;
/** Decoded audio is scheduled this far ahead of "now" after an underrun (the playout delay). */
const PLAYOUT_DELAY_S = 0.04;
/** How much decoded audio the pump keeps scheduled ahead. */
const LOOKAHEAD_S = 0.06;
/** More than this many packets waiting (a burst after a stall) is latency nobody wants: the oldest are dropped. */
const MAX_BUFFERED = 3;
/** Voice activity: RMS over this opens the gate, which stays open this long after the last loud frame. */
const VAD_THRESHOLD = 0.01;
const VAD_HANG_MS = 300;
const HEARD_THRESHOLD = 0.01;
const SPEAKING_HOLD_MS = 300;
const TRACE = 3000;

const epoch = () => performance.timeOrigin + performance.now();
const load = <T>(key: string, fallback: T): T => {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
};
const save = (key: string, value: unknown) => {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode: settings last for the session.
  }
};

interface Peer {
  userId: string;
  decoder: AudioDecoder;
  gain: GainNode;
  buffer: JitterBuffer;
  /** AudioContext time where the next decoded frame starts. */
  nextTime: number;
  /** Sequences handed to the decoder, in order; its outputs come back in the same order. */
  pending: { sequence: number; lost: boolean }[];
  lastToc: number;
  lastFrame: Float32Array | null;
  heardAt: number;
  /** Set when this browser's decoder refused a packet-loss-concealment packet: conceal by repeating instead. */
  plcRefused: boolean;
}

/** The capture side of one call: microphone → AudioWorklet (20 ms mono frames at 48 kHz) → WebCodecs Opus encoder. */
interface Capture {
  stream: MediaStream;
  node: AudioWorkletNode;
  sink: GainNode;
  encoder: AudioEncoder;
  /** Per frame handed to the encoder: its RTP-like timestamp, when it was complete, and whether it is sent. */
  queue: { timestamp: number; at: number; send: boolean }[];
}

/**
 * Voice rooms in the browser (docs/architecture.md#voice-in-the-web-client). Owns its own gateway connection (so voice
 * survives and heals independently of chat), the room states of every visible voice channel, capture and encoding,
 * SendVoice and ReceiveVoice, one jitter buffer + Opus decoder + gain per speaker, and Web Audio playback.
 */
export class VoiceEngine {
  readonly store = createStore<VoiceUiState>()(() => ({
    connection: 'idle',
    rooms: {},
    joinedChannelId: null,
    joining: false,
    speaking: {},
    volumes: load<Record<string, number>>('chaos.voice.volumes', {}),
    mode: load<TransmitMode>('chaos.voice.mode', 'voice-activity'),
    pushToTalkKey: load('chaos.voice.pttKey', 'Backquote'),
    pushToTalkHeld: false,
    inputDeviceId: load('chaos.voice.input', ''),
    outputDeviceId: load('chaos.voice.output', ''),
    micLevel: 0,
    error: null,
  }));

  readonly stats: VoiceStats = {
    framesCaptured: 0,
    framesSent: 0,
    framesReceived: {},
    framesDecoded: 0,
    framesNonSilent: 0,
    framesPlayed: 0,
    framesConcealed: 0,
    framesRepeated: 0,
    lastReceivedAt: 0,
    lastReceivedFrom: {},
    sendTrace: [],
    playTrace: [],
    lastRecordingMs: 0,
    lastPlaybackMs: 0,
    framesEncrypted: 0,
    framesUndecryptable: 0,
  };
  /** Set in an e2ee voice channel: frames are encrypted before sending and decrypted on arrival (e2ee/frameCrypto.ts). */
  private frames: FrameCrypto | null = null;

  private hub: HubConnection | null = null;
  private stopped = true;
  private ctx: AudioContext | null = null;
  private capture: Capture | null = null;
  private sender: Subject<unknown> | null = null;
  private receiver: ISubscription<ReceivedFrame> | null = null;
  private readonly peers = new Map<string, Peer>();
  private sequence = 0;
  private timestamp = 0;
  private vadUntil = 0;
  private sentAt = 0;
  private micLevel = 0;
  private timers: ReturnType<typeof setInterval>[] = [];
  private leaving = false;
  /** What the user asked for; re-applied after a rejoin. */
  private wanted = { selfMute: false, selfDeaf: false };

  constructor(private readonly service: ChatService) {
    service.voiceParticipants = (channelId) => Object.keys(this.state.rooms[channelId] ?? {});
    service.tokens.subscribe((s) => {
      if (!s) void this.stop();
    });
  }

  get state(): VoiceUiState {
    return this.store.getState();
  }

  private set(patch: Partial<VoiceUiState>) {
    this.store.setState(patch);
  }

  private get meId(): string | undefined {
    return this.service.state.me?.id ?? this.service.tokens.current?.userId;
  }

  /** My state in the room I am in. */
  get me(): VoiceState | undefined {
    const { joinedChannelId, rooms } = this.state;
    const id = this.meId;
    return joinedChannelId && id ? rooms[joinedChannelId]?.[id] : undefined;
  }

  // ---- the voice gateway connection ---------------------------------------------------------------------------

  /** Opens the voice connection (idempotent): room states arrive in its Ready and VoiceStateUpdated events. */
  async connect() {
    if (this.hub || !this.service.tokens.current) return;
    this.stopped = false;
    const hub = new HubConnectionBuilder()
      .withUrl(`${this.service.baseUrl}/gateway`, {
        accessTokenFactory: async () => (await this.service.tokens.accessToken(this.service.api)) ?? '',
        transport: HttpTransportType.WebSockets,
        skipNegotiation: true,
      })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(250 * 2 ** ctx.previousRetryCount, 3000) })
      .configureLogging(LogLevel.None)
      .build();
    this.hub = hub;
    hub.on('Ready', (ready: { voiceStates?: VoiceState[] }) => this.onReady(ready.voiceStates ?? []));
    hub.on('VoiceStateUpdated', (s: VoiceState) => this.onVoiceState(s));
    hub.on('Reconnect', (r: { retryAfterMs: number }) => void this.restartAfter(hub, r.retryAfterMs));
    hub.onreconnecting(() => {
      this.abandonStreams();
      this.set({ connection: 'reconnecting' });
    });
    hub.onreconnected(() => {
      this.set({ connection: 'online' });
      void this.rejoin();
    });
    hub.onclose(() => {
      this.abandonStreams();
      if (this.stopped || this.hub !== hub) return;
      this.set({ connection: 'reconnecting' });
      void this.startWithRetry(hub).then(() => this.rejoin());
    });
    this.set({ connection: 'connecting' });
    await this.startWithRetry(hub);
  }

  private async startWithRetry(hub: HubConnection) {
    for (let attempt = 0; !this.stopped && this.hub === hub; attempt++) {
      try {
        if (hub.state === HubConnectionState.Disconnected) await hub.start();
        this.set({ connection: 'online' });
        return;
      } catch {
        if (!this.service.tokens.current) return;
        this.set({ connection: 'reconnecting' });
        await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 3000)));
      }
    }
  }

  private async restartAfter(hub: HubConnection, ms: number) {
    this.set({ connection: 'reconnecting' });
    const current = this.hub;
    this.hub = null;
    await hub.stop().catch(() => undefined);
    await new Promise((r) => setTimeout(r, ms));
    this.hub = current;
    if (this.hub === hub && !this.stopped) {
      await this.startWithRetry(hub);
      await this.rejoin();
    }
  }

  async stop() {
    this.stopped = true;
    await this.leave().catch(() => undefined);
    const hub = this.hub;
    this.hub = null;
    this.set({ connection: 'idle', rooms: {} });
    await hub?.stop().catch(() => undefined);
  }

  /** For tests and the "network drop" path: closes the socket as a network failure would, so the engine heals. */
  async dropConnection() {
    const hub = this.hub as unknown as { connection?: { transport?: { _webSocket?: WebSocket } } } | null;
    this.abandonStreams();
    hub?.connection?.transport?._webSocket?.close(4000, 'dropped');
  }

  private onReady(states: VoiceState[]) {
    const rooms: Record<string, Record<string, VoiceState>> = {};
    for (const s of states) if (s.channelId) (rooms[s.channelId] ??= {})[s.userId] = s;
    // A rejoin may be in flight: keep my own place until the server says where I am.
    const me = this.me;
    if (me?.channelId && !rooms[me.channelId]?.[me.userId]) (rooms[me.channelId] ??= {})[me.userId] = me;
    this.set({ rooms });
  }

  private onVoiceState(s: VoiceState) {
    const rooms: Record<string, Record<string, VoiceState>> = {};
    for (const [channelId, users] of Object.entries(this.state.rooms)) {
      if (users[s.userId] && channelId !== s.channelId) {
        const rest = { ...users };
        delete rest[s.userId];
        if (Object.keys(rest).length) rooms[channelId] = rest;
      } else rooms[channelId] = users;
    }
    if (s.channelId) rooms[s.channelId] = { ...rooms[s.channelId], [s.userId]: s };
    this.set({ rooms });
    const joined = this.state.joinedChannelId;
    // Someone came or went in my e2ee room: bring the MLS group in line (adds or removes by a commit → new frame keys).
    if (joined && this.frames && s.userId !== this.meId) void this.service.e2ee.sync(joined).catch(() => undefined);
    if (s.userId !== this.meId || !joined) return;
    if (s.channelId === null && !this.leaving && !this.state.joining) {
      // A moderator disconnected me (or another device took my place).
      this.teardownMedia();
      this.set({ joinedChannelId: null });
    } else if (s.channelId && s.channelId !== joined) {
      // Moved by a moderator: the same ReceiveVoice stream now carries the new room.
      this.resetPeers();
      this.set({ joinedChannelId: s.channelId });
    }
    if (s.deaf || s.selfDeaf) this.resetPeers();
  }

  // ---- joining and leaving -------------------------------------------------------------------------------------

  async join(channelId: string) {
    await this.connect();
    const hub = this.hub;
    if (!hub) return;
    this.set({ joining: true, error: null });
    try {
      await this.ensureAudio();
      const joined = await hub.invoke<VoiceJoined>('JoinVoice', channelId);
      this.applyJoined(joined);
      this.setupE2ee(joined.channelId);
      await this.applyWanted(joined);
      this.startStreams(hub);
      await this.startCapture().catch((e: unknown) => this.set({ error: `The microphone is unavailable, you can listen only: ${e instanceof Error ? e.message : String(e)}` }));
      this.startTimers();
    } catch (e) {
      this.set({ error: e instanceof Error ? e.message.replace(/^.*HubException: /, '') : String(e) });
      if (!this.state.joinedChannelId) this.teardownMedia();
    } finally {
      this.set({ joining: false });
    }
  }

  async leave() {
    if (!this.state.joinedChannelId) return;
    this.leaving = true;
    try {
      this.teardownMedia();
      const hub = this.hub;
      this.set({ joinedChannelId: null });
      if (hub?.state === HubConnectionState.Connected) await hub.invoke('LeaveVoice').catch(() => undefined);
    } finally {
      this.leaving = false;
    }
  }

  private setupE2ee(channelId: string) {
    if (!this.service.isE2ee(channelId) || !this.service.e2ee.device) {
      this.frames = null;
      return;
    }
    this.frames = this.service.e2ee.frameCrypto(channelId);
    void this.service.e2ee.sync(channelId).catch((e: unknown) => this.set({ error: `Encryption is not ready: ${e instanceof Error ? e.message : String(e)}` }));
  }

  private applyJoined(joined: VoiceJoined) {
    const rooms = { ...this.state.rooms };
    for (const [id, users] of Object.entries(rooms)) {
      if (this.meId && users[this.meId]) {
        const rest = { ...users };
        delete rest[this.meId];
        rooms[id] = rest;
      }
    }
    rooms[joined.channelId] = Object.fromEntries(joined.participants.map((p) => [p.userId, p]));
    this.set({ rooms, joinedChannelId: joined.channelId });
  }

  private async applyWanted(joined: VoiceJoined) {
    const mine = joined.participants.find((p) => p.userId === this.meId);
    if (mine && (mine.selfMute !== this.wanted.selfMute || mine.selfDeaf !== this.wanted.selfDeaf)) {
      await this.setSelf(this.wanted.selfMute, this.wanted.selfDeaf);
    }
  }

  /** After a dropped connection: a fresh connection joins the same room again and restarts both streams. */
  private async rejoin() {
    const channelId = this.state.joinedChannelId;
    const hub = this.hub;
    if (!channelId || !hub || hub.state !== HubConnectionState.Connected) return;
    this.stopStreams();
    this.resetPeers();
    this.set({ joining: true });
    try {
      const joined = await hub.invoke<VoiceJoined>('JoinVoice', channelId);
      this.applyJoined(joined);
      this.setupE2ee(joined.channelId);
      await this.applyWanted(joined);
      this.startStreams(hub);
    } catch (e) {
      this.set({ error: `Could not rejoin voice: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      this.set({ joining: false });
    }
  }

  async setSelf(selfMute: boolean, selfDeaf: boolean) {
    this.wanted = { selfMute, selfDeaf };
    if (selfDeaf) this.resetPeers();
    const hub = this.hub;
    if (!this.state.joinedChannelId || hub?.state !== HubConnectionState.Connected) return;
    try {
      this.onVoiceState(await hub.invoke<VoiceState>('SetVoiceState', selfMute, selfDeaf));
    } catch (e) {
      this.set({ error: e instanceof Error ? e.message : String(e) });
    }
  }

  toggleMute() {
    return this.setSelf(!this.wanted.selfMute, this.wanted.selfDeaf);
  }

  toggleDeafen() {
    return this.setSelf(this.wanted.selfMute, !this.wanted.selfDeaf);
  }

  get wantedSelf() {
    return this.wanted;
  }

  /** Moderator actions (PATCH /communities/{id}/voice-states/{userId}). */
  async moderate(communityId: string, userId: string, patch: { mute?: boolean; deaf?: boolean; channelId?: string | null }) {
    try {
      await this.service.api.http.request('PATCH', `/communities/${communityId}/voice-states/${userId}`, patch);
    } catch (e) {
      this.set({ error: e instanceof Error ? e.message : String(e) });
    }
  }

  // ---- settings ------------------------------------------------------------------------------------------------

  setVolume(userId: string, volume: number) {
    const volumes = { ...this.state.volumes, [userId]: volume };
    save('chaos.voice.volumes', volumes);
    this.set({ volumes });
    const peer = this.peers.get(userId);
    if (peer) peer.gain.gain.value = volume;
  }

  setMode(mode: TransmitMode) {
    save('chaos.voice.mode', mode);
    this.set({ mode });
  }

  setPushToTalkKey(code: string) {
    save('chaos.voice.pttKey', code);
    this.set({ pushToTalkKey: code });
  }

  async setInputDevice(deviceId: string) {
    save('chaos.voice.input', deviceId);
    this.set({ inputDeviceId: deviceId });
    if (this.capture) {
      this.stopCapture();
      await this.startCapture().catch((e: unknown) => this.set({ error: String(e) }));
    }
  }

  async setOutputDevice(deviceId: string) {
    save('chaos.voice.output', deviceId);
    this.set({ outputDeviceId: deviceId });
    await this.applySink();
  }

  private async applySink() {
    const ctx = this.ctx as (AudioContext & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (ctx?.setSinkId) await ctx.setSinkId(this.state.outputDeviceId).catch((e: unknown) => this.set({ error: `Cannot use that speaker: ${String(e)}` }));
  }

  private readonly onKey = (e: KeyboardEvent) => {
    if (e.code !== this.state.pushToTalkKey || e.repeat) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
    const held = e.type === 'keydown';
    if (held !== this.state.pushToTalkHeld) this.set({ pushToTalkHeld: held });
  };

  // ---- media ---------------------------------------------------------------------------------------------------

  private async ensureAudio() {
    if (!this.ctx) {
      this.ctx = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'interactive' });
      await this.ctx.audioWorklet.addModule(workletUrl);
      await this.applySink();
    }
    if (this.ctx.state === 'suspended') await this.ctx.resume().catch(() => undefined);
    return this.ctx;
  }

  private async startCapture() {
    const ctx = await this.ensureAudio();
    // Echo cancellation and noise suppression suit a call; `chaos.voice.processing` = false turns them off (the
    // end-to-end tests play a file as the microphone and want it unchanged).
    const processing = load('chaos.voice.processing', true);
    const id = this.state.inputDeviceId;
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        deviceId: id ? { exact: id } : undefined,
        echoCancellation: processing,
        noiseSuppression: processing,
        autoGainControl: processing,
        channelCount: 1,
      },
    });
    if (!this.state.joinedChannelId) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    const node = new AudioWorkletNode(ctx, 'chaos-capture', { numberOfInputs: 1, numberOfOutputs: 1 });
    // A silent sink keeps the worklet pulled by the graph.
    const sink = ctx.createGain();
    sink.gain.value = 0;
    ctx.createMediaStreamSource(stream).connect(node);
    node.connect(sink).connect(ctx.destination);
    const capture: Capture = {
      stream,
      node,
      sink,
      queue: [],
      encoder: new AudioEncoder({
        output: (chunk) => this.onEncoded(capture, chunk),
        error: (e) => this.set({ error: `The Opus encoder failed: ${e.message}` }),
      }),
    };
    capture.encoder.configure({ codec: 'opus', sampleRate: SAMPLE_RATE, numberOfChannels: 1, bitrate: 32_000, opus: { frameDuration: 20_000, complexity: 5 } } as AudioEncoderConfig);
    node.port.onmessage = (e: MessageEvent<{ samples: Float32Array; level: number }>) => this.onCaptured(capture, e.data.samples, e.data.level);
    this.capture = capture;
  }

  private get transmitting(): boolean {
    const me = this.me;
    if (this.wanted.selfMute || me?.mute || me?.selfMute) return false;
    return this.state.mode === 'push-to-talk' ? this.state.pushToTalkHeld : epoch() < this.vadUntil;
  }

  private onCaptured(capture: Capture, samples: Float32Array, level: number) {
    if (this.capture !== capture || capture.encoder.state !== 'configured') return;
    const at = epoch();
    this.stats.framesCaptured++;
    this.micLevel = Math.max(this.micLevel * 0.8, level);
    if (level > VAD_THRESHOLD) this.vadUntil = at + VAD_HANG_MS;
    this.timestamp = (this.timestamp + FRAME_SAMPLES) >>> 0;
    capture.queue.push({ timestamp: this.timestamp, at, send: this.transmitting && !!this.sender });
    const data = new AudioData({ format: 'f32-planar', sampleRate: SAMPLE_RATE, numberOfFrames: FRAME_SAMPLES, numberOfChannels: 1, timestamp: Math.round((this.timestamp / SAMPLE_RATE) * 1e6), data: samples as Float32Array<ArrayBuffer> });
    capture.encoder.encode(data);
    data.close();
  }

  private onEncoded(capture: Capture, chunk: EncodedAudioChunk) {
    const meta = capture.queue.shift();
    if (!meta?.send || !this.sender || this.capture !== capture || !this.transmitting || !this.socketOpen) return;
    const bytes = new Uint8Array(chunk.byteLength);
    chunk.copyTo(bytes);
    const sequence = this.sequence;
    this.sequence = (sequence + 1) >>> 0;
    const frames = this.frames;
    if (frames) {
      // Never plaintext in an e2ee room: a frame without a key yet (waiting for the welcome) is dropped.
      const sender = this.sender;
      void frames.encrypt(bytes).then(
        (sealed) => {
          if (this.sender !== sender || !this.socketOpen) return;
          this.stats.framesEncrypted = (this.stats.framesEncrypted ?? 0) + 1;
          sender.next({ sequence, timestamp: meta.timestamp, payload: bytesToBase64(sealed) });
        },
        () => undefined,
      );
    } else this.sender.next({ sequence, timestamp: meta.timestamp, payload: bytesToBase64(bytes) });
    this.sentAt = epoch();
    this.stats.framesSent++;
    this.stats.sendTrace.push([sequence, meta.at]);
    if (this.stats.sendTrace.length > TRACE) this.stats.sendTrace.splice(0, this.stats.sendTrace.length - TRACE);
  }

  /**
   * Whether the gateway's socket still accepts data. Between a socket starting to close and SignalR noticing, stream
   * items would fail inside SignalR's send queue (unhandled); so frames wait for this (a peek at the transport).
   */
  private get socketOpen(): boolean {
    if (this.hub?.state !== HubConnectionState.Connected) return false;
    const socket = (this.hub as unknown as { connection?: { transport?: { _webSocket?: WebSocket } } }).connection?.transport?._webSocket;
    return !socket || socket.readyState === WebSocket.OPEN;
  }

  private startStreams(hub: HubConnection) {
    this.stopStreams();
    const sender = new Subject<unknown>();
    this.sender = sender;
    hub.send('SendVoice', sender).catch(() => undefined);
    this.receiver = hub.stream<ReceivedFrame>('ReceiveVoice').subscribe({
      next: (f) => this.onFrame(f),
      error: () => undefined,
      complete: () => undefined,
    });
  }

  /** The connection that carried the streams is gone: forget them without a word to it (that would throw). */
  private abandonStreams() {
    this.sender = null;
    this.receiver = null;
  }

  private stopStreams() {
    try {
      if (this.socketOpen) this.sender?.complete();
    } catch {
      // The connection that carried it is gone.
    }
    this.sender = null;
    try {
      if (this.socketOpen) this.receiver?.dispose();
    } catch {
      // As above.
    }
    this.receiver = null;
  }

  private get deafened() {
    const me = this.me;
    return this.wanted.selfDeaf || !!me?.deaf || !!me?.selfDeaf;
  }

  private onFrame(f: ReceivedFrame) {
    this.stats.framesReceived[f.userId] = (this.stats.framesReceived[f.userId] ?? 0) + 1;
    this.stats.lastReceivedAt = epoch();
    this.stats.lastReceivedFrom[f.userId] = this.stats.lastReceivedAt;
    if (this.deafened || !this.ctx) return;
    const frames = this.frames;
    if (frames) {
      void frames.decrypt(f.userId, base64ToBytes(f.payload)).then((packet) => {
        if (!packet) this.stats.framesUndecryptable = (this.stats.framesUndecryptable ?? 0) + 1;
        else if (this.frames === frames && this.ctx) this.accept(f, packet);
      });
      return;
    }
    this.accept(f, base64ToBytes(f.payload));
  }

  private accept(f: ReceivedFrame, payload: Uint8Array) {
    const peer = this.peer(f.userId);
    peer.buffer.push({ sequence: f.sequence, timestamp: f.timestamp, payload });
    peer.buffer.trim(MAX_BUFFERED);
    this.pump(peer);
  }

  private peer(userId: string): Peer {
    let peer = this.peers.get(userId);
    if (peer) return peer;
    const ctx = this.ctx!;
    const gain = ctx.createGain();
    gain.gain.value = this.state.volumes[userId] ?? 1;
    gain.connect(ctx.destination);
    peer = { userId, gain, buffer: new JitterBuffer(), nextTime: 0, pending: [], lastToc: 0xfc, lastFrame: null, heardAt: 0, plcRefused: false, decoder: null! };
    peer.decoder = this.createDecoder(peer);
    this.peers.set(userId, peer);
    return peer;
  }

  private createDecoder(peer: Peer): AudioDecoder {
    const decoder = new AudioDecoder({
      output: (data) => this.onDecoded(peer, data),
      error: () => {
        // A refused concealment packet closes the decoder: make a new one and conceal by repetition from now on.
        peer.plcRefused = true;
        peer.pending = [];
        if (this.peers.get(peer.userId) === peer) peer.decoder = this.createDecoder(peer);
      },
    });
    decoder.configure({ codec: 'opus', sampleRate: SAMPLE_RATE, numberOfChannels: 1 });
    return decoder;
  }

  /** Moves packets from the jitter buffer to the decoder while less than LOOKAHEAD_S of audio is scheduled. */
  private pump(peer: Peer) {
    const ctx = this.ctx;
    if (!ctx || peer.decoder.state !== 'configured') return;
    for (;;) {
      const scheduledUntil = Math.max(peer.nextTime, ctx.currentTime) + peer.pending.length * FRAME_S;
      const ahead = scheduledUntil - ctx.currentTime;
      if (ahead >= LOOKAHEAD_S) return;
      const item = peer.buffer.take(ahead < FRAME_S * 1.5);
      if (!item) return;
      if (item.kind === 'packet') {
        peer.lastToc = item.packet.payload[0];
        peer.pending.push({ sequence: item.packet.sequence, lost: false });
        peer.decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: Math.round((item.packet.timestamp / SAMPLE_RATE) * 1e6), data: item.packet.payload }));
      } else {
        this.stats.framesConcealed++;
        if (peer.plcRefused) {
          this.stats.framesRepeated++;
          if (peer.lastFrame) this.schedule(peer, peer.lastFrame.map((x) => x * 0.5), item.sequence);
        } else {
          // An Opus packet whose only frame is empty tells the decoder the frame was lost: it conceals it (RFC 6716 §3.2.1).
          peer.pending.push({ sequence: item.sequence, lost: true });
          peer.decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: 0, data: new Uint8Array([peer.lastToc & 0xfc]) }));
        }
      }
    }
  }

  private onDecoded(peer: Peer, data: AudioData) {
    const meta = peer.pending.shift();
    const samples = new Float32Array(data.numberOfFrames);
    data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
    data.close();
    if (this.peers.get(peer.userId) !== peer || !meta) return;
    this.stats.framesDecoded++;
    let sum = 0;
    for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
    const rms = Math.sqrt(sum / Math.max(1, samples.length));
    if (rms > 0.001) this.stats.framesNonSilent++;
    if (rms > HEARD_THRESHOLD && !meta.lost) peer.heardAt = epoch();
    peer.lastFrame = samples;
    this.schedule(peer, samples, meta.sequence);
  }

  private schedule(peer: Peer, samples: Float32Array, sequence: number) {
    const ctx = this.ctx;
    if (!ctx || this.deafened) return;
    const now = ctx.currentTime;
    if (peer.nextTime < now + 0.005) peer.nextTime = now + PLAYOUT_DELAY_S;
    const buffer = ctx.createBuffer(1, samples.length, SAMPLE_RATE);
    buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(peer.gain);
    source.start(peer.nextTime);
    this.stats.framesPlayed++;
    this.stats.playTrace.push([peer.userId, sequence, epoch() + (peer.nextTime - now) * 1000]);
    if (this.stats.playTrace.length > TRACE) this.stats.playTrace.splice(0, this.stats.playTrace.length - TRACE);
    peer.nextTime += samples.length / SAMPLE_RATE;
  }

  private resetPeers() {
    for (const peer of this.peers.values()) {
      if (peer.decoder.state !== 'closed') peer.decoder.close();
      peer.gain.disconnect();
    }
    this.peers.clear();
  }

  private startTimers() {
    if (this.timers.length) return;
    window.addEventListener('keydown', this.onKey);
    window.addEventListener('keyup', this.onKey);
    this.timers.push(setInterval(() => this.peers.forEach((p) => this.pump(p)), 10));
    this.timers.push(setInterval(() => this.publishLevels(), 100));
  }

  /** Speaking indicators from received (and, for me, sent) audio, and the microphone meter: at most 10 updates/s. */
  private publishLevels() {
    const now = epoch();
    const speaking: Record<string, boolean> = {};
    for (const p of this.peers.values()) if (now - p.heardAt < SPEAKING_HOLD_MS) speaking[p.userId] = true;
    if (this.meId && now - this.sentAt < SPEAKING_HOLD_MS) speaking[this.meId] = true;
    const old = this.state.speaking;
    const changed = Object.keys(speaking).length !== Object.keys(old).length || Object.keys(speaking).some((k) => !old[k]);
    const micLevel = Math.round(Math.min(1, this.micLevel * 8) * 20) / 20;
    this.micLevel *= 0.5;
    if (changed || micLevel !== this.state.micLevel) this.set({ ...(changed ? { speaking } : {}), micLevel });
  }

  private stopCapture() {
    const capture = this.capture;
    this.capture = null;
    if (!capture) return;
    for (const t of capture.stream.getTracks()) t.stop();
    capture.node.port.onmessage = null;
    capture.node.disconnect();
    capture.sink.disconnect();
    if (capture.encoder.state !== 'closed') capture.encoder.close();
  }

  private teardownMedia() {
    this.frames = null;
    this.stopStreams();
    this.stopCapture();
    this.resetPeers();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (typeof window !== 'undefined') {
      window.removeEventListener('keydown', this.onKey);
      window.removeEventListener('keyup', this.onKey);
    }
    this.set({ speaking: {}, micLevel: 0, pushToTalkHeld: false });
  }
}

const engines = new WeakMap<ChatService, VoiceEngine>();

/** One voice engine per chat service (per tab); exposed as window.__chaosVoice for the end-to-end tests. */
export function voiceEngineFor(service: ChatService): VoiceEngine {
  let engine = engines.get(service);
  if (!engine) {
    engine = new VoiceEngine(service);
    engines.set(service, engine);
    if (typeof window !== 'undefined') (window as unknown as { __chaosVoice: VoiceEngine }).__chaosVoice = engine;
  }
  return engine;
}
