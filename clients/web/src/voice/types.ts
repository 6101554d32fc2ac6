/** VoiceState (docs/api.md#voicestate). */
export interface VoiceState {
  channelId: string | null;
  userId: string;
  selfMute: boolean;
  selfDeaf: boolean;
  mute: boolean;
  deaf: boolean;
  speaking: boolean;
}

/** JoinVoice's answer. */
export interface VoiceJoined {
  channelId: string;
  participants: VoiceState[];
  codec: { name: string; sampleRate: number; channels: number; frameMs: number; maxBitrate: number };
}

/** One ReceiveVoice item as JSON carries it (payload base64). */
export interface ReceivedFrame {
  userId: string;
  sequence: number;
  timestamp: number;
  payload: string;
}

export type TransmitMode = 'voice-activity' | 'push-to-talk';

export type VoiceConnection = 'idle' | 'connecting' | 'online' | 'reconnecting';

/** What the voice UI renders; kept apart from the chat store. */
export interface VoiceUiState {
  connection: VoiceConnection;
  /** channelId → userId → state, for every voice channel the user can see. */
  rooms: Record<string, Record<string, VoiceState>>;
  /** The voice channel this tab is in (null when not in voice). */
  joinedChannelId: string | null;
  joining: boolean;
  /** User ids heard (or, for me, sending) in the last few hundred milliseconds. */
  speaking: Record<string, boolean>;
  volumes: Record<string, number>;
  mode: TransmitMode;
  pushToTalkKey: string;
  pushToTalkHeld: boolean;
  inputDeviceId: string;
  outputDeviceId: string;
  micLevel: number;
  error: string | null;
}

/** Counters the end-to-end tests and the latency benchmark read from the page (window.__chaosVoice). */
export interface VoiceStats {
  framesCaptured: number;
  framesSent: number;
  framesReceived: Record<string, number>;
  framesDecoded: number;
  framesNonSilent: number;
  framesPlayed: number;
  framesConcealed: number;
  /** Losses concealed by repeating the last frame because the decoder refused an empty (PLC) packet. */
  framesRepeated: number;
  lastReceivedAt: number;
  /** userId → epoch ms of the last frame received from them. */
  lastReceivedFrom: Record<string, number>;
  /** [sequence, epoch ms when the 20 ms frame was complete] of the last frames sent. */
  sendTrace: [number, number][];
  /** [userId, sequence, epoch ms when the frame was scheduled to play] of the last frames played. */
  playTrace: [string, number, number][];
  lastRecordingMs: number;
  lastPlaybackMs: number;
  /** E2EE voice channels: frames sent encrypted, and received frames this browser could not decrypt (dropped). */
  framesEncrypted?: number;
  framesUndecryptable?: number;
}
