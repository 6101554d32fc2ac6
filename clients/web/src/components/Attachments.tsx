import { useEffect, useState } from 'react';
import { attachmentObjectUrl, formatSize, type Attachment } from '../api/attachments';
import { useService } from '../context';
import { PaperclipIcon } from './Icons';

/** A message's attachments: image thumbnails inline (click opens the original), everything else as a download link. */
export function AttachmentList({ attachments }: { attachments: readonly Attachment[] }) {
  const files = attachments.filter((a) => a.durationMs == null);
  if (files.length === 0) return null;
  return (
    <ul className="attachments" aria-label="Attachments">
      {files.map((a) => (
        <li key={a.id}>{a.thumbnailUrl ? <ImageAttachment attachment={a} /> : <FileAttachment attachment={a} />}</li>
      ))}
    </ul>
  );
}

function ImageAttachment({ attachment }: { attachment: Attachment }) {
  const service = useService();
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    let live = true;
    void attachmentObjectUrl(service.api, attachment.thumbnailUrl!)
      .then((u) => {
        url = u;
        if (live) setSrc(u);
        else URL.revokeObjectURL(u);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [service, attachment.thumbnailUrl]);
  const scale = Math.min(1, 256 / Math.max(attachment.width ?? 256, attachment.height ?? 256));
  return (
    <button type="button" className="attachment-image" onClick={() => void download(service.api, attachment, true)} aria-label={`Open ${attachment.filename}`}>
      {src ? (
        <img src={src} alt={attachment.filename} width={Math.round((attachment.width ?? 256) * scale)} height={Math.round((attachment.height ?? 256) * scale)} />
      ) : (
        <span className="muted">{attachment.filename}</span>
      )}
    </button>
  );
}

function FileAttachment({ attachment }: { attachment: Attachment }) {
  const service = useService();
  return (
    <button type="button" className="attachment-file" onClick={() => void download(service.api, attachment, false)} aria-label={`Download ${attachment.filename}`}>
      <PaperclipIcon /> {attachment.filename} <span className="muted">({formatSize(attachment.size)})</span>
    </button>
  );
}

async function download(api: Parameters<typeof attachmentObjectUrl>[0], attachment: Attachment, open: boolean) {
  const url = await attachmentObjectUrl(api, attachment.url);
  const a = document.createElement('a');
  a.href = url;
  if (open) a.target = '_blank';
  else a.download = attachment.filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
