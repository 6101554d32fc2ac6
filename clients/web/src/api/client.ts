import { Http, TokenStore } from './http';
import type {
  AuditEntry, AuthResponse, Ban, Channel, Community, Invite, InvitePreview, Member, Message, Overwrite,
  Relationship, RelationshipKind, Role, User, PresenceStatus, CommunitySummary,
} from './types';
import type { NotificationLevel, NotificationSetting } from '../notifications';

const q = (params: Record<string, string | number | undefined>) => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined) as [string, string | number][];
  return entries.length ? '?' + entries.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&') : '';
};

/** Every REST route the web client uses (docs/api.md), one method each. */
export class Api {
  readonly http: Http;

  constructor(readonly baseUrl: string, readonly tokens: TokenStore, fetcher?: typeof fetch) {
    this.http = new Http(baseUrl, tokens, () => this, fetcher);
  }

  private r<T>(method: string, path: string, body?: unknown, auth = true) {
    return this.http.request<T>(method, path, body, auth);
  }

  register(username: string, password: string, displayName?: string) {
    return this.r<AuthResponse>('POST', '/auth/register', { username, password, displayName: displayName || undefined }, false);
  }
  login(username: string, password: string) {
    return this.r<AuthResponse>('POST', '/auth/login', { username, password }, false);
  }
  refresh(refreshToken: string) {
    return this.r<AuthResponse>('POST', '/auth/refresh', { refreshToken }, false);
  }
  logout(refreshToken: string) {
    return this.r<void>('POST', '/auth/logout', { refreshToken }, false);
  }
  me() {
    return this.r<User>('GET', '/users/@me');
  }
  updateMe(patch: { displayName?: string; statusMessage?: string }) {
    return this.r<User>('PATCH', '/users/@me', patch);
  }
  user(id: string) {
    return this.r<User>('GET', `/users/${id}`);
  }
  myCommunities() {
    return this.r<CommunitySummary[]>('GET', '/users/@me/communities');
  }

  createCommunity(name: string, description?: string) {
    return this.r<Community>('POST', '/communities', { name, description });
  }
  community(id: string) {
    return this.r<Community>('GET', `/communities/${id}`);
  }
  updateCommunity(id: string, patch: { name?: string; description?: string }) {
    return this.r<Community>('PATCH', `/communities/${id}`, patch);
  }
  deleteCommunity(id: string) {
    return this.r<void>('DELETE', `/communities/${id}`);
  }
  members(id: string, after?: string, limit = 100) {
    return this.r<Member[]>('GET', `/communities/${id}/members${q({ after, limit })}`);
  }
  member(id: string, userId: string) {
    return this.r<Member>('GET', `/communities/${id}/members/${userId}`);
  }
  leave(id: string) {
    return this.r<void>('DELETE', `/communities/${id}/members/@me`);
  }
  kick(id: string, userId: string) {
    return this.r<void>('DELETE', `/communities/${id}/members/${userId}`);
  }
  ban(id: string, userId: string, reason?: string) {
    return this.r<void>('PUT', `/communities/${id}/bans/${userId}`, { reason });
  }
  unban(id: string, userId: string) {
    return this.r<void>('DELETE', `/communities/${id}/bans/${userId}`);
  }
  bans(id: string) {
    return this.r<Ban[]>('GET', `/communities/${id}/bans`);
  }
  createInvite(id: string, maxUses = 0, maxAgeSeconds = 86400) {
    return this.r<Invite>('POST', `/communities/${id}/invites`, { maxUses, maxAgeSeconds });
  }
  invites(id: string) {
    return this.r<Invite[]>('GET', `/communities/${id}/invites`);
  }
  previewInvite(code: string) {
    return this.r<InvitePreview>('GET', `/invites/${encodeURIComponent(code)}`, undefined, false);
  }
  joinInvite(code: string) {
    return this.r<Community>('POST', `/invites/${encodeURIComponent(code)}`);
  }
  deleteInvite(code: string) {
    return this.r<void>('DELETE', `/invites/${encodeURIComponent(code)}`);
  }
  createRole(id: string, role: { name: string; permissions?: string; color?: number; mentionable?: boolean }) {
    return this.r<Role>('POST', `/communities/${id}/roles`, role);
  }
  updateRole(id: string, roleId: string, role: { name?: string; permissions?: string; color?: number; mentionable?: boolean; position?: number }) {
    return this.r<Role>('PATCH', `/communities/${id}/roles/${roleId}`, role);
  }
  deleteRole(id: string, roleId: string) {
    return this.r<void>('DELETE', `/communities/${id}/roles/${roleId}`);
  }
  addMemberRole(id: string, userId: string, roleId: string) {
    return this.r<void>('PUT', `/communities/${id}/members/${userId}/roles/${roleId}`);
  }
  removeMemberRole(id: string, userId: string, roleId: string) {
    return this.r<void>('DELETE', `/communities/${id}/members/${userId}/roles/${roleId}`);
  }
  auditLog(id: string, before?: string, limit = 50) {
    return this.r<AuditEntry[]>('GET', `/communities/${id}/audit-log${q({ before, limit })}`);
  }

  createChannel(id: string, name: string, type: 'text' | 'voice' = 'text', topic?: string) {
    return this.r<Channel>('POST', `/communities/${id}/channels`, { name, type, topic });
  }
  updateChannel(channelId: string, patch: { name?: string; topic?: string; position?: number }) {
    return this.r<Channel>('PATCH', `/channels/${channelId}`, patch);
  }
  deleteChannel(channelId: string) {
    return this.r<void>('DELETE', `/channels/${channelId}`);
  }
  putOverwrite(channelId: string, targetId: string, overwrite: Omit<Overwrite, 'id'>) {
    return this.r<void>('PUT', `/channels/${channelId}/overwrites/${targetId}`, overwrite);
  }
  deleteOverwrite(channelId: string, targetId: string) {
    return this.r<void>('DELETE', `/channels/${channelId}/overwrites/${targetId}`);
  }

  messages(channelId: string, page: { before?: string; after?: string; limit?: number } = {}) {
    return this.r<Message[]>('GET', `/channels/${channelId}/messages${q({ ...page, limit: page.limit ?? 50 })}`);
  }
  send(channelId: string, content: string, nonce?: string, replyToId?: string) {
    return this.r<Message>('POST', `/channels/${channelId}/messages`, { content, nonce, replyToId });
  }
  edit(channelId: string, messageId: string, content: string) {
    return this.r<Message>('PATCH', `/channels/${channelId}/messages/${messageId}`, { content });
  }
  deleteMessage(channelId: string, messageId: string) {
    return this.r<void>('DELETE', `/channels/${channelId}/messages/${messageId}`);
  }
  typing(channelId: string) {
    return this.r<void>('POST', `/channels/${channelId}/typing`);
  }
  markRead(channelId: string, lastReadMessageId: string) {
    return this.r<void>('PUT', `/channels/${channelId}/read-state`, { lastReadMessageId });
  }

  relationships() {
    return this.r<Relationship[]>('GET', '/users/@me/relationships');
  }
  setRelationship(userId: string, type: Exclude<RelationshipKind, 'incoming' | 'outgoing' | 'blocked' | 'none'> | 'block') {
    return this.r<Relationship>('PUT', `/users/@me/relationships/${userId}`, { type });
  }
  removeRelationship(userId: string) {
    return this.r<void>('DELETE', `/users/@me/relationships/${userId}`);
  }
  setPresence(status: Exclude<PresenceStatus, 'offline'>, statusMessage?: string) {
    return this.r<void>('PUT', '/users/@me/presence', { status, statusMessage });
  }
  privateChannels() {
    return this.r<Channel[]>('GET', '/users/@me/channels');
  }
  openPrivateChannel(recipientIds: string[]) {
    return this.r<Channel>('POST', '/users/@me/channels', { recipientIds });
  }
  // Reactions, pins, search, mentions and notification settings (docs/api.md#reaction-and-pin-routes).
  addReaction(channelId: string, messageId: string, emoji: string) {
    return this.r<void>('PUT', `/channels/${channelId}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}/@me`);
  }
  removeReaction(channelId: string, messageId: string, emoji: string) {
    return this.r<void>('DELETE', `/channels/${channelId}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}/@me`);
  }
  pins(channelId: string) {
    return this.r<Message[]>('GET', `/channels/${channelId}/pins`);
  }
  pin(channelId: string, messageId: string) {
    return this.r<void>('PUT', `/channels/${channelId}/pins/${messageId}`);
  }
  unpin(channelId: string, messageId: string) {
    return this.r<void>('DELETE', `/channels/${channelId}/pins/${messageId}`);
  }
  searchCommunity(communityId: string, text: string, before?: string) {
    return this.r<{ messages: Message[] }>('GET', `/communities/${communityId}/messages/search${q({ q: text, before, limit: 25 })}`);
  }
  searchChannel(channelId: string, text: string, before?: string) {
    return this.r<{ messages: Message[] }>('GET', `/channels/${channelId}/messages/search${q({ q: text, before, limit: 25 })}`);
  }
  mentions(before?: string) {
    return this.r<{ messages: Message[] }>('GET', `/users/@me/mentions${q({ before, limit: 25 })}`);
  }
  notificationSettings() {
    return this.r<NotificationSetting[]>('GET', '/users/@me/notification-settings');
  }
  setNotificationSetting(targetId: string, level: NotificationLevel, mutedUntil: string | null) {
    return this.r<NotificationSetting>('PUT', `/users/@me/notification-settings/${targetId}`, { level, mutedUntil });
  }
}
