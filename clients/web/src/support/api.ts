// The support desk's agent and manager routes (docs/api.md#support-desk), on the app's REST client.
import type { Api } from '../api/client';
import type { Conversation, SupportMessage } from '../widget/api';

export type { Conversation, SupportMessage };

export interface SupportStats {
  queued: number;
  assigned: number;
  agentsAvailable: number;
  medianWaitSeconds: number | null;
  medianHandleSeconds: number | null;
  ratingAverage: number | null;
}

export interface SupportDeskSettings {
  enabled: boolean;
  greeting: string;
  offlineMessage: string;
}

export interface SupportAgent {
  userId: string;
  status: 'available' | 'away';
  maxConcurrent: number;
  openConversations: number;
}

const q = (params: Record<string, string | number | undefined>) => {
  const e = Object.entries(params).filter(([, v]) => v !== undefined) as [string, string | number][];
  return e.length ? '?' + e.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&') : '';
};

export class SupportApi {
  constructor(private readonly api: Api) {}

  private r<T>(method: string, path: string, body?: unknown) {
    return this.api.http.request<T>(method, path, body);
  }

  settings(communityId: string) {
    return this.r<SupportDeskSettings>('GET', `/communities/${communityId}/support`);
  }
  configure(communityId: string, supportDesk: Partial<SupportDeskSettings>) {
    return this.r<{ supportDesk?: SupportDeskSettings | null }>('PATCH', `/communities/${communityId}`, { supportDesk });
  }
  setAgent(communityId: string, status: 'available' | 'away', maxConcurrent: number) {
    return this.r<SupportAgent>('PUT', `/communities/${communityId}/support/agents/@me`, { status, maxConcurrent });
  }
  conversations(communityId: string, status?: 'queued' | 'assigned' | 'closed', limit = 100) {
    return this.r<Conversation[]>('GET', `/communities/${communityId}/support/conversations${q({ status, limit })}`);
  }
  conversation(id: string) {
    return this.r<Conversation>('GET', `/support/conversations/${id}`);
  }
  messages(id: string) {
    return this.r<SupportMessage[]>('GET', `/support/conversations/${id}/messages?limit=100`);
  }
  send(id: string, content: string) {
    return this.r<SupportMessage>('POST', `/support/conversations/${id}/messages`, { content });
  }
  assign(id: string, agentId?: string) {
    return this.r<Conversation>('POST', `/support/conversations/${id}/assign`, agentId ? { agentId } : {});
  }
  close(id: string) {
    return this.r<Conversation>('POST', `/support/conversations/${id}/close`, {});
  }
  /** text/plain, so not through the JSON client. */
  async transcript(id: string) {
    const token = await this.api.tokens.accessToken(this.api);
    const r = await fetch(`${this.api.baseUrl}/api/v1/support/conversations/${id}/transcript`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!r.ok) throw new Error(`The transcript could not be loaded (${r.status}).`);
    return r.text();
  }
  stats(communityId: string) {
    return this.r<SupportStats>('GET', `/communities/${communityId}/support/stats`);
  }
}
