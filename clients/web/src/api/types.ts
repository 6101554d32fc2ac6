// Names for the generated OpenAPI types (schema.d.ts), plus the gateway's payloads, which OpenAPI does not describe.
import type { components } from './schema';

type S = components['schemas'];
type Nullable<T, K extends keyof T> = Omit<T, K> & { [P in K]: T[P] | null };

export type User = S['PublicUser'] & { statusMessage?: string | null };
export type Me = S['UserDto'];
export type AuthResponse = S['AuthResponse'];
export type Community = Omit<S['Community'], 'channels'> & { channels: Channel[] };
export type CommunitySummary = S['CommunitySummary'];
export type Role = S['Role'];
export type Overwrite = S['ChannelOverwrite'];
export type Channel = Nullable<S['Channel'], 'communityId'>;
export type ChannelType = S['ChannelType'];
export type Member = S['Member'];
export type Message = Nullable<S['Message'], 'replyToId'>;
export type Attachment = S['Attachment'];
export type Invite = S['Invite'];
export type InvitePreview = S['InvitePreview'];
export type AuditEntry = Nullable<S['AuditEntry'], 'targetId'>;
export type Ban = S['Ban'];
export type Relationship = S['Relationship'];
export type RelationshipKind = S['RelationshipType'];
export type Presence = S['UserPresence'];
export type PresenceStatus = S['PresenceStatus'];

/** ReadState (docs/api.md); not in the REST document because only the gateway sends it. */
export interface ReadState {
  channelId: string;
  lastReadMessageId: string;
  unreadCount: number;
  mentionCount: number;
}

/** The gateway's first event (docs/api.md). */
export interface Ready {
  user: Me;
  communities: Community[];
  dmChannels: Channel[];
  relationships: Relationship[];
  presences: Presence[];
  readStates: ReadState[];
  voiceStates: unknown[];
}
