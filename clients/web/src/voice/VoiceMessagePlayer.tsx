import './voice.css';
import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { Attachment } from '../api/types';
import { useService } from '../context';
import { voiceEngineFor } from './engine';
import { base64ToBytes, formatDuration } from './wav';

export const isVoiceMessage = (a: Attachment) => a.contentType.startsWith('audio/');

let playbackContext: AudioContext | null = null;
const decoded = new Map<string, Promise<AudioBuffer>>();

/** Plays a voice message with Web Audio, shows the server's waveform, and scrubs by click, drag or arrow keys. */
export function VoiceMessagePlayer({ attachment }: { attachment: Attachment }) {
  const service = useService();
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const source = useRef<{ node: AudioBufferSourceNode; startedAt: number; offset: number } | null>(null);
  const duration = attachment.durationMs ?? 0;
  const bars = attachment.waveform ? Array.from(base64ToBytes(attachment.waveform)) : [];

  useEffect(() => () => source.current?.node.stop(), []);
  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    const tick = () => {
      const s = source.current;
      if (s && playbackContext) setPosition(Math.min(duration, (s.offset + playbackContext.currentTime - s.startedAt) * 1000));
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing, duration]);

  const load = () => {
    let p = decoded.get(attachment.id);
    if (!p) {
      p = (async () => {
        const token = await service.tokens.accessToken(service.api);
        const response = await fetch(`${service.baseUrl}${attachment.url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        if (!response.ok) throw new Error(`The voice message could not be loaded (${response.status}).`);
        const buffer = await playbackContext!.decodeAudioData(await response.arrayBuffer());
        voiceEngineFor(service).stats.lastPlaybackMs = buffer.duration * 1000;
        return buffer;
      })();
      p.catch(() => decoded.delete(attachment.id));
      decoded.set(attachment.id, p);
    }
    return p;
  };

  const stop = () => {
    const s = source.current;
    source.current = null;
    if (s) {
      s.node.onended = null;
      s.node.stop();
    }
    setPlaying(false);
  };

  const playFrom = async (ms: number) => {
    playbackContext ??= new AudioContext();
    if (playbackContext.state === 'suspended') await playbackContext.resume();
    try {
      const buffer = await load();
      stop();
      const node = playbackContext.createBufferSource();
      node.buffer = buffer;
      node.connect(playbackContext.destination);
      const offset = Math.min(ms / 1000, buffer.duration);
      node.start(0, offset);
      node.onended = () => {
        if (source.current?.node === node) {
          source.current = null;
          setPlaying(false);
          setPosition(0);
        }
      };
      source.current = { node, startedAt: playbackContext.currentTime, offset };
      setPosition(offset * 1000);
      setPlaying(true);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const seek = (ms: number) => {
    const clamped = Math.max(0, Math.min(duration, ms));
    setPosition(clamped);
    if (playing) void playFrom(clamped);
  };

  const onWaveClick = (e: MouseEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    seek(((e.clientX - rect.left) / rect.width) * duration);
  };
  const onWaveKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'ArrowRight') seek(position + 1000);
    else if (e.key === 'ArrowLeft') seek(position - 1000);
    else return;
    e.preventDefault();
  };

  const fraction = duration ? position / duration : 0;
  return (
    <div className="voice-message">
      <button type="button" className="small" onClick={() => (playing ? stop() : void playFrom(position >= duration ? 0 : position))}>
        {playing ? 'Pause' : 'Play'}
      </button>
      <div
        className="waveform"
        role="slider"
        tabIndex={0}
        aria-label="Voice message position"
        aria-valuemin={0}
        aria-valuemax={Math.round(duration / 1000)}
        aria-valuenow={Math.round(position / 1000)}
        aria-valuetext={`${formatDuration(position)} of ${formatDuration(duration)}`}
        onClick={onWaveClick}
        onKeyDown={onWaveKey}
      >
        {bars.map((b, i) => (
          <span key={i} className={i / bars.length < fraction ? 'played' : undefined} style={{ height: `${Math.max(8, (b / 255) * 100)}%` }} />
        ))}
      </div>
      <span className="voice-message-time">
        {formatDuration(position)} / {formatDuration(duration)}
      </span>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
