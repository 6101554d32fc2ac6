import './ai.css';
import type { Attachment } from '../api/types';
import type { TranscribedAttachment } from './types';

/** The transcript under a voice message (docs/api.md#ai-assistance): pending, the text, or that it failed; nothing without one. */
export function VoiceTranscript({ attachment }: { attachment: Attachment }) {
  const a = attachment as TranscribedAttachment;
  switch (a.transcriptStatus) {
    case 'pending':
      return (
        <p className="transcript muted small" role="status">
          Transcribing…
        </p>
      );
    case 'done':
      return a.transcript?.trim() ? (
        <div className="transcript transcript-text" role="group" aria-label="Transcript">
          {a.transcript}
        </div>
      ) : (
        <p className="transcript muted small">Transcript: no speech was recognized.</p>
      );
    case 'failed':
      return <p className="transcript muted small">No transcript: transcription failed.</p>;
    default:
      return null;
  }
}
