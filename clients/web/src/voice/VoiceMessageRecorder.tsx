import './voice.css';
import { useEffect, useRef, useState } from 'react';
import type { Message } from '../api/types';
import { useService } from '../context';
import { reduce } from '../store';
import { voiceEngineFor } from './engine';
import { Recording } from './recorder';
import { formatDuration } from './wav';

/** Holding the button longer than this records while held; a shorter press toggles (click to start, click to send). */
const HOLD_MS = 400;

type Phase = 'idle' | 'starting' | 'recording' | 'uploading';

/**
 * Records a voice message (hold-to-record or click-to-record) with a live level and duration, and uploads it as WAV
 * (the server encodes Ogg Opus and computes the waveform) with upload progress.
 */
export function VoiceMessageRecorder({ channelId }: { channelId: string }) {
  const service = useService();
  const [phase, setPhase] = useState<Phase>('idle');
  const [elapsed, setElapsed] = useState(0);
  const [level, setLevel] = useState(0);
  const [progress, setProgress] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const recording = useRef<Promise<Recording | null> | null>(null);
  const pressedAt = useRef<number | null>(null);
  const ignoreClick = useRef(false);

  useEffect(() => {
    if (phase !== 'recording') return;
    const t = setInterval(() => {
      void recording.current?.then((r) => {
        if (!r) return;
        setElapsed(r.durationMs);
        setLevel(Math.min(1, r.level * 6));
      });
    }, 100);
    return () => clearInterval(t);
  }, [phase]);

  useEffect(() => () => void recording.current?.then((r) => r?.cancel()), []);

  const start = () => {
    setError(null);
    setElapsed(0);
    setPhase('starting');
    recording.current = Recording.start(() => void finish()).then(
      (r) => {
        setPhase('recording');
        return r;
      },
      (e: unknown) => {
        setError(`The microphone is unavailable: ${e instanceof Error ? e.message : String(e)}`);
        setPhase('idle');
        recording.current = null;
        return null;
      },
    );
  };

  const cancel = async () => {
    const r = await recording.current;
    recording.current = null;
    r?.cancel();
    setPhase('idle');
  };

  const finish = async () => {
    const pending = recording.current;
    recording.current = null;
    const r = await pending;
    if (!r) return;
    const { blob, durationMs } = await r.stop();
    voiceEngineFor(service).stats.lastRecordingMs = durationMs;
    if (durationMs < 300) {
      setError('Too short: hold the button, or click once to start and again to send.');
      setPhase('idle');
      return;
    }
    setPhase('uploading');
    setProgress(0);
    try {
      const message = await upload(service.baseUrl, (await service.tokens.accessToken(service.api)) ?? '', channelId, blob, setProgress);
      service.store.setState(reduce.messageCreated(service.state, message, true));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setPhase('idle');
    }
  };

  const recordingNow = phase === 'recording' || phase === 'starting';
  return (
    <div className="voice-recorder">
      <button
        type="button"
        className={recordingNow ? 'recording' : undefined}
        aria-pressed={recordingNow}
        disabled={phase === 'uploading'}
        onPointerDown={() => {
          if (phase !== 'idle') return;
          pressedAt.current = Date.now();
          ignoreClick.current = true;
          start();
        }}
        onPointerUp={() => {
          const at = pressedAt.current;
          pressedAt.current = null;
          if (at !== null && Date.now() - at >= HOLD_MS) void finish();
        }}
        onClick={() => {
          if (ignoreClick.current) {
            ignoreClick.current = false;
            return;
          }
          if (phase === 'idle') start();
          else if (recordingNow) void finish();
        }}
      >
        {recordingNow ? 'Stop and send voice message' : 'Record voice message'}
      </button>
      {recordingNow && (
        <>
          <meter aria-label="Recording level" min={0} max={1} value={level} />
          <span role="timer" aria-label="Recording duration">
            {formatDuration(elapsed)}
          </span>
          <button type="button" className="small" onClick={() => void cancel()}>
            Cancel recording
          </button>
        </>
      )}
      {phase === 'uploading' && <progress aria-label="Uploading voice message" max={1} value={progress} />}
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function upload(baseUrl: string, token: string, channelId: string, blob: Blob, onProgress: (p: number) => void): Promise<Message> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${baseUrl}/api/v1/channels/${channelId}/voice-messages`);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', 'audio/wav');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const body = (() => {
        try {
          return JSON.parse(xhr.responseText) as Message & { detail?: string };
        } catch {
          return null;
        }
      })();
      if (xhr.status === 201 && body) resolve(body);
      else reject(new Error(body?.detail ?? `The upload failed (${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error('The upload failed: the connection was lost.'));
    xhr.send(blob);
  });
}
