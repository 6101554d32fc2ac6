import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { checkFiles, uploadAttachments } from '../api/attachments';
import { useService } from '../context';
import { ErrorText } from './ErrorText';

/**
 * The attach button and drop zone around the composer: picked or dropped files upload at once as a message of their
 * own (with a nonce, so a retried upload is not doubled), showing progress; the message arrives through the gateway.
 */
export function AttachDropZone({ channelId, replyToId, children }: { channelId: string; replyToId?: string; children: ReactNode }) {
  const service = useService();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  const upload = async (files: File[]) => {
    const refused = checkFiles(files);
    setError(refused);
    if (refused || files.length === 0) return;
    setProgress(0);
    try {
      await uploadAttachments(service.api, channelId, files, { nonce: crypto.randomUUID().replaceAll('-', ''), replyToId, onProgress: setProgress });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setProgress(null);
      if (input.current) input.current.value = '';
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void upload([...e.dataTransfer.files]);
  };

  return (
    <div
      className={`attach-zone${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        if (![...e.dataTransfer.types].includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <div className="attach-row">
        <button type="button" className="attach-button" aria-label="Attach files" title="Attach files" disabled={progress !== null} onClick={() => input.current?.click()}>
          +
        </button>
        <input ref={input} type="file" multiple hidden aria-label="Files to attach" onChange={(e) => void upload([...(e.target.files ?? [])])} />
        {children}
      </div>
      {progress !== null && <progress className="attach-progress" max={1} value={progress} aria-label="Upload progress" />}
      <ErrorText error={error} />
    </div>
  );
}
