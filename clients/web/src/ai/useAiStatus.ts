import { useEffect, useState } from 'react';
import type { Api } from '../api/client';
import { useService } from '../context';
import { aiApi } from './api';
import type { AiStatus } from './types';

const cache = new WeakMap<Api, { at: number; status: Promise<AiStatus> }>();
const FRESH_MS = 60_000;

/** `GET /ai/status`, shared by every screen and asked again after a minute (the server answers from its last probe). */
export function loadAiStatus(api: Api): Promise<AiStatus> {
  const hit = cache.get(api);
  if (hit && Date.now() - hit.at < FRESH_MS) return hit.status;
  const status = aiApi.status(api);
  cache.set(api, { at: Date.now(), status });
  status.catch(() => cache.delete(api));
  return status;
}

/** The server's AI status, or null while it loads; `error` in words when it could not be read. */
export function useAiStatus(): { status: AiStatus | null; error: string | null } {
  const service = useService();
  const [status, setStatus] = useState<AiStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadAiStatus(service.api).then(
      (s) => live && setStatus(s),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [service]);
  return { status, error };
}
