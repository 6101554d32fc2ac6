import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Channel, Community, Message, User } from '../api/types';
import { useChatState, useService } from '../context';
import { channelTitle, displayName } from '../format';
import { channelPermissions, has } from '../permissions';
import { MessageList } from './MessageList';
import { Composer } from './Composer';
import { VoiceMessageRecorder } from '../voice/VoiceMessageRecorder';
import { MentionsInbox } from './MentionsInbox';
import { NotificationMenu } from './NotificationMenu';
import { PinnedMessages } from './PinnedMessages';
import { SearchPanel } from './SearchPanel';
import { navigate } from '../router';
import { AttachDropZone } from './AttachButton';
import { EncryptionHeader, isE2ee } from '../e2ee/EncryptionHeader';
import { CatchMeUp, summariesOffered, useMarkerAtOpen } from '../ai/CatchMeUp';

export function ChatView({ channel, community, onBack }: { channel: Channel; community?: Community; onBack?: () => void }) {
  const service = useService();
  const state = useChatState((s) => s);
  const me = state.me!;
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [editing, setEditing] = useState<Message | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [panel, setPanel] = useState<'pins' | 'mentions' | 'summary' | null>(null);
  // Narrow screens fold the header's tools behind one button (styles.css); open for one channel at a time.
  const [toolsOpenFor, setToolsOpenFor] = useState<string | null>(null);
  const toolsOpen = toolsOpenFor === channel.id;
  const toolsId = useId();
  const moreButton = useRef<HTMLButtonElement>(null);
  const markerAtOpen = useMarkerAtOpen(channel.id);
  const offersSummary = summariesOffered(community, channel);
  const typingMap = state.typing[channel.id];
  useEffect(() => {
    void service.openChannel(channel.id);
    setReplyTo(null);
    setEditing(null);
    return () => void service.openChannel(null);
  }, [service, channel.id]);
  useEffect(() => {
    if (!typingMap || Object.keys(typingMap).length === 0) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [typingMap]);
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') void service.ack(channel.id);
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [service, channel.id]);

  const perms = community ? channelPermissions(community, channel, me.id, state.myRoles[community.id] ?? []) : null;
  const canSend = perms === null || has(perms, 'SendMessages');
  const canManage = perms !== null && has(perms, 'ManageMessages');
  // DMs and groups: any recipient may pin (docs/api.md#reaction-and-pin-routes).
  const canPin = perms === null || canManage;
  const canReact = perms === null || has(perms, 'AddReactions');
  const jump = (m: Message) => {
    const target = state.privateChannels[m.channelId] ? `/channels/@me/${m.channelId}` : `/channels/${findCommunityOf(m.channelId) ?? community?.id}/${m.channelId}`;
    navigate(target);
    void service.jumpTo(m.channelId, m.id);
  };
  const findCommunityOf = (channelId: string) => Object.values(state.communities).find((c) => c.channels.some((ch) => ch.id === channelId))?.id;
  const isDm = !community;
  // End-to-end encrypted: no edits and no attachments (the server refuses both; docs/architecture.md#end-to-end-encryption-in-the-web-client).
  const encrypted = isE2ee(channel);
  const title = channelTitle(state, channel);
  const dmName = isDm ? title : '';
  const togglePanel = (next: 'pins' | 'mentions' | 'summary') => {
    setPanel(panel === next ? null : next);
    setToolsOpenFor(null);
  };
  const candidates = useMemo<User[]>(() => {
    if (community) return (state.members[community.id] ?? []).map((m) => m.user).filter((u) => u.id !== me.id);
    return (channel.recipientIds ?? []).filter((id) => id !== me.id).map((id) => state.users[id]).filter(Boolean) as User[];
  }, [community, channel.recipientIds, state.members, state.users, me.id]);
  const typers = Object.entries(typingMap ?? {})
    .filter(([id, exp]) => exp > now && id !== me.id)
    .map(([id]) => displayName(state, id));

  const composer = (
    <Composer
      label={isDm ? `Message ${dmName}` : `Message #${channel.name}`}
      candidates={candidates}
      replyTo={replyTo}
      editing={editing}
      onTyping={() => service.typing(channel.id)}
      onSend={async (content) => {
        await service.send(channel.id, content, replyTo?.id);
        setReplyTo(null);
      }}
      onSaveEdit={async (content) => {
        await service.edit(channel.id, editing!.id, content);
        setEditing(null);
      }}
      onCancel={() => {
        setReplyTo(null);
        setEditing(null);
      }}
    />
  );

  return (
    <main className="chat" aria-label={title}>
      <header
        className="chat-header"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && toolsOpen) {
            setToolsOpenFor(null);
            moreButton.current?.focus();
          }
        }}
      >
        {onBack && (
          <button type="button" className="back" onClick={onBack} aria-label="Back to the list">
            ←
          </button>
        )}
        <h1>{title}</h1>
        {channel.topic && <p className="topic">{channel.topic}</p>}
        <EncryptionHeader channel={channel} community={community} />
        <button
          type="button"
          ref={moreButton}
          className="chat-more"
          aria-label={`More tools for ${isDm ? title : `#${channel.name}`}`}
          aria-expanded={toolsOpen}
          aria-controls={toolsId}
          onClick={() => setToolsOpenFor(toolsOpen ? null : channel.id)}
        >
          ⋯
        </button>
        <div id={toolsId} className={toolsOpen ? 'chat-tools open' : 'chat-tools'}>
          {offersSummary && (
            <button type="button" aria-pressed={panel === 'summary'} onClick={() => togglePanel('summary')}>
              Catch me up
            </button>
          )}
          <SearchPanel communityId={community?.id} channelId={channel.id} onJump={jump} />
          <button type="button" aria-pressed={panel === 'pins'} onClick={() => togglePanel('pins')}>
            Pinned messages
          </button>
          <button type="button" aria-pressed={panel === 'mentions'} onClick={() => togglePanel('mentions')}>
            Mentions
          </button>
          <NotificationMenu targetId={channel.id} name={isDm ? title : `#${channel.name}`} />
        </div>
      </header>
      {panel === 'pins' && <PinnedMessages channelId={channel.id} canManage={canPin} onJump={jump} onClose={() => setPanel(null)} />}
      {panel === 'summary' && offersSummary && <CatchMeUp key={channel.id} channel={channel} markerAtOpen={markerAtOpen} onClose={() => setPanel(null)} />}
      {panel === 'mentions' && <MentionsInbox onJump={jump} onClose={() => setPanel(null)} />}
      <MessageList
        label={isDm ? `Messages with ${dmName}` : `Messages in #${channel.name}`}
        channel={state.messages[channel.id]}
        users={state.users}
        meId={me.id}
        canManageMessages={canManage}
        lastReadMessageId={undefined}
        onLoadOlder={() => void service.loadOlder(channel.id)}
        onReply={(m) => {
          setEditing(null);
          setReplyTo(m);
        }}
        onEdit={encrypted ? undefined : (m) => {
          setReplyTo(null);
          setEditing(m);
        }}
        onDelete={(m) => void service.remove(channel.id, m.id)}
        canAddReactions={canReact}
        onReact={(m, emoji, add) => void service.react(channel.id, m.id, emoji, add).catch(() => undefined)}
        onPin={canPin ? (m, pin) => void service.pin(channel.id, m.id, pin).catch(() => undefined) : undefined}
        highlightId={state.jumpTo?.channelId === channel.id ? state.jumpTo.messageId : undefined}
      />
      <div className="typing" role="status" aria-live="polite">
        {typers.length === 1 && `${typers[0]} is typing…`}
        {typers.length === 2 && `${typers[0]} and ${typers[1]} are typing…`}
        {typers.length > 2 && 'Several people are typing…'}
      </div>
      {canSend ? (
        encrypted ? composer : (
          <AttachDropZone channelId={channel.id} replyToId={replyTo?.id}>
            {composer}
          </AttachDropZone>
        )
      ) : (
        <p className="composer muted">You do not have permission to send messages in this channel.</p>
      )}
      {community && perms !== null && has(perms, 'SendVoiceMessages') && <VoiceMessageRecorder channelId={channel.id} />}
    </main>
  );
}
