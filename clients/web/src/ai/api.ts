import type { Api } from '../api/client';
import type { Channel, Community, Message } from '../api/types';
import type { AiStatus, ChannelSummary, CommunityAi, ModerationItem, ModerationStatus } from './types';

const q = (params: Record<string, string | number | undefined>) => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined) as [string, string | number][];
  return entries.length ? '?' + entries.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&') : '';
};

/** The AI routes of docs/api.md#ai-assistance, over the client's authenticated HTTP. */
export const aiApi = {
  status: (api: Api) => api.http.request<AiStatus>('GET', '/ai/status'),
  setCommunityAi: (api: Api, communityId: string, ai: Partial<CommunityAi>) =>
    api.http.request<Community>('PATCH', `/communities/${communityId}`, { ai }),
  setChannelExcluded: (api: Api, channelId: string, aiExcluded: boolean) =>
    api.http.request<Channel>('PATCH', `/channels/${channelId}`, { aiExcluded }),
  queue: (api: Api, communityId: string, status?: ModerationStatus, before?: string, limit = 50) =>
    api.http.request<ModerationItem[]>('GET', `/communities/${communityId}/moderation/queue${q({ status, before, limit })}`),
  decide: (api: Api, communityId: string, itemId: string, status: Exclude<ModerationStatus, 'open'>) =>
    api.http.request<ModerationItem>('PATCH', `/communities/${communityId}/moderation/queue/${itemId}`, { status }),
  message: (api: Api, channelId: string, messageId: string) => api.http.request<Message>('GET', `/channels/${channelId}/messages/${messageId}`),
  summarize: (api: Api, channelId: string, sinceMessageId?: string) =>
    api.http.request<ChannelSummary>('POST', `/channels/${channelId}/summaries`, sinceMessageId ? { sinceMessageId } : {}),
};
