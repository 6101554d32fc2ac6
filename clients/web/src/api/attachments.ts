// Attachments (docs/api.md#attachment-routes): multipart uploads with progress, and authenticated downloads.
// Downloads need the bearer token, so images and files are fetched and shown through object URLs.
import type { Api } from './client';
import { ApiError } from './http';
import type { Attachment as SchemaAttachment, Message } from './types';

/** An attachment with the image fields (width, height, thumbnailUrl) the server adds for PNG, JPEG, GIF and WebP. */
export type Attachment = SchemaAttachment & { width?: number | null; height?: number | null; thumbnailUrl?: string | null };

export const maxFiles = 10;
export const maxFileBytes = 25 * 1024 * 1024;
export const maxTotalBytes = 50 * 1024 * 1024;

/** Checks the limits the server enforces, so a user hears about them before uploading 50 MiB for nothing. */
export function checkFiles(files: File[]): string | null {
  if (files.length === 0) return null;
  if (files.length > maxFiles) return `At most ${maxFiles} files per message.`;
  const big = files.find((f) => f.size > maxFileBytes);
  if (big) return `${big.name} is larger than 25 MiB.`;
  if (files.reduce((n, f) => n + f.size, 0) > maxTotalBytes) return 'The files are larger than 50 MiB together.';
  return null;
}

export interface UploadOptions {
  content?: string;
  nonce?: string;
  replyToId?: string;
  /** Called with 0–1 as the body is sent. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** POST /channels/{id}/attachments with XMLHttpRequest (fetch cannot report upload progress). */
export async function uploadAttachments(api: Api, channelId: string, files: File[], options: UploadOptions = {}): Promise<Message> {
  const form = new FormData();
  for (const file of files) form.append('files', file, file.name);
  if (options.content) form.append('content', options.content);
  if (options.nonce) form.append('nonce', options.nonce);
  if (options.replyToId) form.append('replyToId', options.replyToId);
  const token = await api.tokens.accessToken(api);
  return new Promise<Message>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${api.baseUrl}/api/v1/channels/${encodeURIComponent(channelId)}/attachments`);
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) options.onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      const data = xhr.responseText ? (JSON.parse(xhr.responseText) as unknown) : undefined;
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(1);
        resolve(data as Message);
        return;
      }
      const problem = (data ?? {}) as { code?: string; detail?: string; title?: string; errors?: Record<string, string[]> };
      reject(new ApiError(xhr.status, problem.code ?? 'error', problem.detail ?? problem.title ?? `The server answered ${xhr.status}.`, problem.errors));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload failed: the connection was lost.'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'The upload was cancelled.'));
    options.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}

/** Fetches an attachment (or thumbnail) URL with the bearer token and answers an object URL for it. */
export async function attachmentObjectUrl(api: Api, url: string): Promise<string> {
  const token = await api.tokens.accessToken(api);
  const response = await fetch(`${api.baseUrl}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new ApiError(response.status, 'error', `The attachment could not be loaded (${response.status}).`);
  return URL.createObjectURL(await response.blob());
}

/** A human size: 512 B, 1.5 KiB, 3.2 MiB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
