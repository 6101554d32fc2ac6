// The REST client: typed by the server's OpenAPI document (schema.d.ts is generated from /openapi/v1.json and a
// test regenerates it from a live front door and diffs, so the two cannot drift).
import type { AuthResponse } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: Record<string, string[]>,
  ) {
    super(message);
  }
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  userId: string;
}

const storageKey = 'chaos.session';

type Listener = (session: Session | null) => void;

/** Holds the tokens, refreshes the access token before it expires, and shares refreshes between tabs. */
export class TokenStore {
  private session: Session | null;
  private refreshing: Promise<Session | null> | null = null;
  private listeners = new Set<Listener>();

  constructor(private readonly storage: Storage | null = typeof localStorage === 'undefined' ? null : localStorage) {
    const raw = this.storage?.getItem(storageKey);
    this.session = raw ? (JSON.parse(raw) as Session) : null;
  }

  get current(): Session | null {
    return this.session;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(session: Session | null): void {
    this.session = session;
    if (session) this.storage?.setItem(storageKey, JSON.stringify(session));
    else this.storage?.removeItem(storageKey);
    for (const l of this.listeners) l(session);
  }

  fromAuth(auth: AuthResponse): Session {
    const session = { accessToken: auth.accessToken, refreshToken: auth.refreshToken, expiresAt: auth.expiresAt, userId: auth.user.id };
    this.set(session);
    return session;
  }

  /** A valid access token, refreshed first when it expires within a minute. */
  async accessToken(api: Api): Promise<string | null> {
    const s = this.session;
    if (!s) return null;
    if (new Date(s.expiresAt).getTime() - Date.now() > 60_000) return s.accessToken;
    this.refreshing ??= api
      .refresh(s.refreshToken)
      .then((auth) => this.fromAuth(auth))
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) this.set(null);
        return this.session;
      })
      .finally(() => (this.refreshing = null));
    return (await this.refreshing)?.accessToken ?? null;
  }
}

export type Fetch = typeof fetch;

export class Http {
  constructor(
    readonly baseUrl: string,
    private readonly tokens: TokenStore,
    private readonly api: () => Api,
    private readonly fetcher: Fetch = (...args) => fetch(...args),
  ) {}

  async request<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth) {
      const token = await this.tokens.accessToken(this.api());
      if (token) headers.authorization = `Bearer ${token}`;
    }
    const response = await this.fetcher(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const data: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const problem = (data ?? {}) as { code?: string; detail?: string; title?: string; errors?: Record<string, string[]> };
      const firstError = problem.errors ? Object.values(problem.errors)[0]?.[0] : undefined;
      const message = problem.detail ?? firstError ?? problem.title ?? `The server answered ${response.status}.`;
      if (response.status === 401 && auth && problem.code === 'unauthorized') this.tokens.set(null);
      throw new ApiError(response.status, problem.code ?? 'error', message, problem.errors);
    }
    return data as T;
  }
}

import type { Api } from './client';
