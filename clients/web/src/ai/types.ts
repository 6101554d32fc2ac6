// AI assistance (docs/api.md#ai-assistance): the shapes the web client reads, named from the generated OpenAPI types.
import type { components } from '../api/schema';
import type { Attachment, Message } from '../api/types';

type S = components['schemas'];

export type AiStatus = S['AiStatus'];
export type ModerationMode = S['ModerationMode'];
export type ModerationStatus = S['ModerationStatus'];
export type ModerationItem = S['ModerationItem'];
export type ChannelSummary = S['ChannelSummary'];
/** A community's switches; `transcripts` only when the server offers that switch. */
export type CommunityAi = S['CommunityAiSettings'] & { transcripts?: boolean };

export type TranscriptStatus = 'pending' | 'done' | 'failed';
/** A voice message's attachment with its transcript (present when the server has a speech-to-text model). */
export type TranscribedAttachment = Attachment & { transcript?: string | null; transcriptStatus?: TranscriptStatus | null };

/** `ModerationQueued` (gateway event, only to members with ManageMessages). */
export interface ModerationQueued {
  communityId: string;
  itemId: string;
  channelId: string;
  messageId: string;
}

/** Flag bit `1` of a message: hidden by AI moderation (docs/api.md#message). */
export const HIDDEN_FLAG = 1;

/** Hidden by moderation (a deleted message, flags -1 in the store, is not). */
export const isHidden = (m: Pick<Message, 'flags'>) => m.flags !== -1 && (m.flags & HIDDEN_FLAG) !== 0;
