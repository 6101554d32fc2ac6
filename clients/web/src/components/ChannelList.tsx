import { useState, type FormEvent } from 'react';
import type { Community } from '../api/types';
import { useChatState, useService } from '../context';
import { navigate } from '../router';
import { channelPermissions, basePermissions, has } from '../permissions';
import { Dialog } from './Dialog';
import { CommunitySettings } from './CommunitySettings';
import { ErrorText } from './ErrorText';
import { VoiceChannelItem } from '../voice/VoiceChannelItem';
import { NotificationMenu } from './NotificationMenu';
import { effectiveSetting, visibleBadge } from '../notifications';
import type { Channel } from '../api/types';
import { ModerationQueueButton } from '../ai/ModerationQueueButton';

export function ChannelList({ community, activeChannelId }: { community: Community; activeChannelId?: string }) {
  const service = useService();
  const me = useChatState((s) => s.me);
  const roleIds = useChatState((s) => s.myRoles[community.id] ?? []);
  const readStates = useChatState((s) => s.readStates);
  const settings = useChatState((s) => s.notificationSettings);
  const [dialog, setDialog] = useState<'invite' | 'channel' | 'settings' | 'leave' | null>(null);
  if (!me) return null;
  const perms = basePermissions(community, me.id, roleIds);
  const isOwner = community.ownerId === me.id;
  const canSettings = ['ManageCommunity', 'ManageRoles', 'ViewAuditLog', 'BanMembers', 'ManageChannels'].some((p) => has(perms, p as never));
  const channels = community.channels
    .filter((c) => has(channelPermissions(community, c, me.id, roleIds), 'ViewChannel'))
    .sort((a, b) => a.position - b.position);

  return (
    <nav className="sidebar" aria-label="Channels">
      <header className="sidebar-header">
        <h2>{community.name}</h2>
        <div className="sidebar-actions">
          <NotificationMenu targetId={community.id} name={community.name} />
          {has(perms, 'CreateInvites') && (
            <button type="button" onClick={() => setDialog('invite')}>
              Invite people
            </button>
          )}
          {(has(perms, 'HandleSupport') || has(perms, 'ManageCommunity')) && (
            <button type="button" onClick={() => navigate(`/desk/${community.id}`)}>
              Support desk
            </button>
          )}
          {has(perms, 'ManageMessages') && (community.ai?.moderation ?? 'off') !== 'off' && <ModerationQueueButton community={community} />}
          {canSettings && (
            <button type="button" onClick={() => setDialog('settings')}>
              Community settings
            </button>
          )}
          {!isOwner && (
            <button type="button" onClick={() => setDialog('leave')}>
              Leave community
            </button>
          )}
        </div>
      </header>
      <h3 className="section-title">Text channels</h3>
      <ul className="channel-list">
        {channels
          .filter((c) => c.type === 'text')
          .map((c) => {
            const read = readStates[c.id];
            // Muted or "none" channels show no badge; "mentions" ones only their mentions (docs/api.md#notification-settings).
            const shown = visibleBadge(effectiveSetting(settings, c), read?.unreadCount ?? 0, read?.mentionCount ?? 0);
            const unread = shown.unread > 0 && c.id !== activeChannelId;
            const mentions = c.id === activeChannelId ? 0 : shown.mentions;
            const badgeId = `channel-badge-${c.id}`;
            return (
              <li key={c.id}>
                <a
                  href={`/channels/${community.id}/${c.id}`}
                  className={`channel${c.id === activeChannelId ? ' active' : ''}${unread ? ' unread' : ''}`}
                  aria-current={c.id === activeChannelId ? 'page' : undefined}
                  aria-describedby={unread ? badgeId : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/channels/${community.id}/${c.id}`);
                  }}
                >
                  <span aria-hidden="true" className="hash">
                    #
                  </span>
                  {c.name}
                  {unread && (
                    <span id={badgeId} className={mentions ? 'badge' : 'badge subtle'} aria-hidden="true" data-testid="unread-badge">
                      {mentions > 0 ? `${mentions}` : `${shown.unread}`}
                      <span className="sr-only">{mentions > 0 ? ` mentions, ${shown.unread} unread` : ' unread'}</span>
                    </span>
                  )}
                </a>
              </li>
            );
          })}
      </ul>
      {channels.some((c) => c.type === 'voice') && <h3 className="section-title">Voice channels</h3>}
      <ul className="channel-list">
        {channels
          .filter((c) => c.type === 'voice')
          .map((c) => (
            <li key={c.id}>
              <VoiceChannelItem community={community} channel={c} active={c.id === activeChannelId} />
            </li>
          ))}
      </ul>
      {has(perms, 'ManageChannels') && (
        <button type="button" className="link-button" onClick={() => setDialog('channel')}>
          Create channel
        </button>
      )}
      {dialog === 'invite' && <InviteDialog communityId={community.id} onClose={() => setDialog(null)} />}
      {dialog === 'channel' && <CreateChannelDialog communityId={community.id} onClose={() => setDialog(null)} />}
      {dialog === 'settings' && <CommunitySettings community={community} onClose={() => setDialog(null)} />}
      {dialog === 'leave' && (
        <Dialog title={`Leave ${community.name}?`} onClose={() => setDialog(null)}>
          <p>You can come back with a new invite.</p>
          <button
            type="button"
            className="danger"
            onClick={async () => {
              await service.leave(community.id).catch((e) => service.fail(e));
              setDialog(null);
              navigate('/channels/@me');
            }}
          >
            Leave
          </button>
        </Dialog>
      )}
    </nav>
  );
}

function InviteDialog({ communityId, onClose }: { communityId: string; onClose: () => void }) {
  const service = useService();
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = async () => {
    try {
      const invite = await service.api.createInvite(communityId, 0, 7 * 86400);
      setLink(`${location.origin}/invite/${invite.code}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Dialog title="Invite people" onClose={onClose}>
      {!link && (
        <button type="button" className="primary" onClick={create}>
          Create invite link
        </button>
      )}
      {link && (
        <label>
          Invite link
          <input readOnly value={link} onFocus={(e) => e.target.select()} />
        </label>
      )}
      {link && (
        <button type="button" onClick={() => void navigator.clipboard?.writeText(link)}>
          Copy link
        </button>
      )}
      <ErrorText error={error} />
    </Dialog>
  );
}

function CreateChannelDialog({ communityId, onClose }: { communityId: string; onClose: () => void }) {
  const service = useService();
  const [name, setName] = useState('');
  const [type, setType] = useState<'text' | 'voice'>('text');
  const [encrypted, setEncrypted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      // End-to-end encryption is for voice channels in communities (docs/api.md#end-to-end-encryption).
      const channel = type === 'voice' && encrypted
        ? await service.api.http.request<Channel>('POST', `/communities/${communityId}/channels`, { name: name.trim(), type, e2ee: true })
        : await service.api.createChannel(communityId, name.trim(), type);
      service.store.setState((s) => {
        const c = s.communities[communityId];
        return c && !c.channels.some((x) => x.id === channel.id)
          ? { communities: { ...s.communities, [communityId]: { ...c, channels: [...c.channels, channel] } } }
          : {};
      });
      onClose();
      if (type === 'text') navigate(`/channels/${communityId}/${channel.id}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Dialog title="Create channel" onClose={onClose}>
      <form onSubmit={submit}>
        <label>
          Channel name
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        </label>
        <fieldset>
          <legend>Channel type</legend>
          <label className="inline">
            <input type="radio" name="type" checked={type === 'text'} onChange={() => setType('text')} /> Text
          </label>
          <label className="inline">
            <input type="radio" name="type" checked={type === 'voice'} onChange={() => setType('voice')} /> Voice
          </label>
        </fieldset>
        {type === 'voice' && (
          <label className="inline">
            <input type="checkbox" checked={encrypted} onChange={(e) => setEncrypted(e.target.checked)} /> End-to-end encrypted
          </label>
        )}
        <ErrorText error={error} />
        <button type="submit" className="primary">
          Create channel
        </button>
      </form>
    </Dialog>
  );
}
