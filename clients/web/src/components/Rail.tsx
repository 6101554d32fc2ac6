import { useState, type FormEvent } from 'react';
import { useChatState, useService } from '../context';
import { navigate } from '../router';
import { Dialog } from './Dialog';
import { ErrorText } from './ErrorText';
import { effectiveSetting, visibleBadge } from '../notifications';

export function Rail({ activeCommunityId }: { activeCommunityId?: string }) {
  const service = useService();
  const communities = useChatState((s) => s.communityOrder.map((id) => s.communities[id]).filter(Boolean));
  const readStates = useChatState((s) => s.readStates);
  const settings = useChatState((s) => s.notificationSettings);
  const badge = (ch: { id: string; communityId?: string | null }) =>
    visibleBadge(effectiveSetting(settings, ch), readStates[ch.id]?.unreadCount ?? 0, readStates[ch.id]?.mentionCount ?? 0);
  const dmUnread = useChatState((s) => Object.keys(s.privateChannels).reduce((n, id) => n + (s.readStates[id]?.unreadCount ?? 0), 0));
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const c = await service.createCommunity(name.trim());
      setCreating(false);
      setName('');
      const general = c.channels.find((ch) => ch.type === 'text');
      navigate(`/channels/${c.id}${general ? `/${general.id}` : ''}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <nav className="rail" aria-label="Communities">
      <a
        href="/channels/@me"
        className={`rail-item home${!activeCommunityId ? ' active' : ''}`}
        aria-current={!activeCommunityId ? 'page' : undefined}
        onClick={(e) => {
          e.preventDefault();
          navigate('/channels/@me');
        }}
        aria-describedby={dmUnread ? 'home-unread' : undefined}
      >
        <span aria-hidden="true">☺</span>
        <span className="sr-only">Friends and direct messages</span>
        {dmUnread > 0 && (
          <span className="badge" id="home-unread" aria-hidden="true">
            {dmUnread}
            <span className="sr-only"> unread</span>
          </span>
        )}
      </a>
      <ul>
        {communities.map((c) => {
          const text = c.channels.filter((ch) => ch.type === 'text');
          const unread = text.some((ch) => badge(ch).unread > 0);
          const mentions = text.reduce((n, ch) => n + badge(ch).mentions, 0);
          const badgeId = `community-badge-${c.id}`;
          return (
            <li key={c.id}>
              <a
                href={`/channels/${c.id}`}
                className={`rail-item${c.id === activeCommunityId ? ' active' : ''}${unread ? ' unread' : ''}`}
                aria-current={c.id === activeCommunityId ? 'page' : undefined}
                aria-describedby={unread || mentions ? badgeId : undefined}
                title={c.name}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/channels/${c.id}`);
                }}
              >
                <span className="initials" aria-hidden="true">
                  {c.name.slice(0, 2)}
                </span>
                <span className="sr-only">{c.name}</span>
                {(unread || mentions > 0) && (
                  <span id={badgeId} className={mentions ? "badge" : "dot"} aria-hidden="true">
                    {mentions > 0 ? mentions : ''}
                    <span className="sr-only">{mentions > 0 ? ` mentions` : 'unread messages'}</span>
                  </span>
                )}
              </a>
            </li>
          );
        })}
      </ul>
      <button type="button" className="rail-item add" onClick={() => setCreating(true)} aria-label="Create community" title="Create community">
        +
      </button>
      {creating && (
        <Dialog title="Create a community" onClose={() => setCreating(false)}>
          <form onSubmit={create}>
            <label>
              Community name
              <input required minLength={2} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
            </label>
            <ErrorText error={error} />
            <button type="submit" className="primary">
              Create
            </button>
          </form>
        </Dialog>
      )}
    </nav>
  );
}
