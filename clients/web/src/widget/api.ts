// The few support routes a guest may call (docs/api.md#support-desk), with the guest token as a bearer token.

export interface GuestAuthor {
  guest: true;
  name: string;
}

export interface AgentAuthor {
  guest?: false;
  id: string;
  username?: string;
  displayName?: string | null;
}

export interface SupportMessage {
  id: string;
  channelId?: string;
  author: GuestAuthor | AgentAuthor;
  content: string;
  createdAt: string;
  seq?: string | number;
}

export interface Conversation {
  id: string;
  communityId: string;
  channelId?: string;
  guest: { name: string; email?: string | null };
  status: 'queued' | 'assigned' | 'closed';
  agentId?: string | null;
  agent?: AgentAuthor | null;
  queuePosition?: number | null;
  createdAt: string;
  assignedAt?: string | null;
  closedAt?: string | null;
  rating?: { score: number; comment?: string | null } | null;
}

export class GuestApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class GuestApi {
  token = '';

  constructor(readonly origin: string) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(`${this.origin}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new GuestApiError(0, 'network', 'The support service cannot be reached. Check your connection and try again.');
    }
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    const data: unknown = text && type.includes('json') ? JSON.parse(text) : text;
    if (!response.ok) {
      const p = (typeof data === 'object' && data ? data : {}) as { code?: string; detail?: string; title?: string; errors?: Record<string, string[]> };
      const first = p.errors ? Object.values(p.errors)[0]?.[0] : undefined;
      throw new GuestApiError(response.status, p.code ?? 'error', p.detail ?? first ?? p.title ?? `The server answered ${response.status}.`);
    }
    return data as T;
  }

  info(communityId: string) {
    return this.request<{ enabled: boolean; greeting: string; offlineMessage: string; agentsAvailable: number }>('GET', `/support/${communityId}`);
  }
  start(communityId: string, name: string, email: string | undefined, message: string) {
    return this.request<{ conversation: Conversation; guestToken: string }>('POST', `/support/${communityId}/conversations`, { name, email, message });
  }
  conversation(id: string) {
    return this.request<Conversation>('GET', `/support/conversations/${id}`);
  }
  messages(id: string) {
    return this.request<SupportMessage[]>('GET', `/support/conversations/${id}/messages?limit=100`);
  }
  send(id: string, content: string) {
    return this.request<SupportMessage>('POST', `/support/conversations/${id}/messages`, { content });
  }
  rate(id: string, score: number, comment?: string) {
    return this.request<Conversation>('POST', `/support/conversations/${id}/rating`, { score, comment: comment || undefined });
  }
  transcript(id: string) {
    return this.request<string>('GET', `/support/conversations/${id}/transcript`);
  }
}
