import { useEffect, useState, useSyncExternalStore } from 'react';
import type { InvitePreview } from './api/types';
import { ServiceContext, useChatState, useService } from './context';
import { findChannel } from './store';
import type { ChatService } from './service';
import { navigate, parseRoute, usePath } from './router';
import { Auth } from './components/Auth';
import { Rail } from './components/Rail';
import { ChannelList } from './components/ChannelList';
import { Contacts } from './components/Contacts';
import { ChatView } from './components/ChatView';
import { MemberList } from './components/MemberList';
import { UserPanel } from './components/UserPanel';
import { useTheme } from './theme';
import { VoiceRoom } from './voice/VoiceRoom';
import { SupportDesk } from './support/SupportDesk';

export function App({ service }: { service: ChatService }) {
  return (
    <ServiceContext.Provider value={service}>
      <Root />
    </ServiceContext.Provider>
  );
}

function useSession() {
  const service = useService();
  return useSyncExternalStore(
    (l) => service.tokens.subscribe(l),
    () => service.tokens.current,
  );
}

function Root() {
  const service = useService();
  const session = useSession();
  const route = parseRoute(usePath());
  const [authMode, setAuthMode] = useState<'login' | 'register'>('login');
  useTheme();
  useEffect(() => {
    if (session) void service.connect();
  }, [service, session]);

  if (!session) {
    const mode = route.name === 'register' ? 'register' : route.name === 'login' ? 'login' : authMode;
    return (
      <>
        {route.name === 'invite' && <InviteBanner code={route.code} />}
        <Auth
          mode={mode}
          inviteCode={route.name === 'invite' ? route.code : undefined}
          onSwitch={route.name === 'login' || route.name === 'register' ? undefined : () => setAuthMode(mode === 'login' ? 'register' : 'login')}
        />
      </>
    );
  }
  if (route.name === 'login' || route.name === 'register') {
    navigate('/channels/@me', true);
    return null;
  }
  return <Shell />;
}

function InviteBanner({ code }: { code: string }) {
  const service = useService();
  const [preview, setPreview] = useState<InvitePreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    service.api.previewInvite(code).then(setPreview, (e: Error) => setError(e.message));
  }, [service, code]);
  return (
    <div className="invite-banner" role="region" aria-label="Invitation">
      {preview && <p>You have been invited to join {preview.community?.name ?? 'a community'}.</p>}
      {error && <p role="alert">This invite cannot be used: {error}</p>}
    </div>
  );
}

function Shell() {
  const service = useService();
  const route = parseRoute(usePath());
  const connection = useChatState((s) => s.connection);
  const me = useChatState((s) => s.me);
  const error = useChatState((s) => s.error);
  const communities = useChatState((s) => s.communities);
  const channelId = route.name === 'home' || route.name === 'community' ? route.channelId : undefined;
  const channel = useChatState((s) => (channelId ? findChannel(s, channelId) : undefined));
  const community = route.name === 'community' || route.name === 'desk' ? communities[route.communityId] : undefined;

  // A community without a channel in the address opens its first text channel.
  useEffect(() => {
    if (route.name === 'community' && community && !route.channelId) {
      const first = [...community.channels].filter((c) => c.type === 'text').sort((a, b) => a.position - b.position)[0];
      if (first) navigate(`/channels/${community.id}/${first.id}`, true);
    }
  }, [route.name, community, route.name === 'community' ? route.channelId : undefined]);

  // Notifications for mentions and DMs while the tab is hidden.
  useEffect(() => {
    service.notify = (title, body, channelId) => {
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      const n = new Notification(title, { body: body.slice(0, 200), tag: channelId, icon: '/icons/icon-192.png' });
      n.onclick = () => {
        window.focus();
        const ch = findChannel(service.state, channelId);
        navigate(ch?.communityId ? `/channels/${ch.communityId}/${ch.id}` : `/channels/@me/${channelId}`);
      };
    };
  }, [service]);

  if (!me) {
    return (
      <div className="loading-screen" role="status">
        {connection === 'reconnecting' ? 'Cannot reach CHAOS. Trying again…' : 'Connecting…'}
      </div>
    );
  }
  if (route.name === 'invite') return <InviteScreen code={route.code} />;

  const showChat = !!channel || (route.name === 'desk' && !!community);
  return (
    <div className={`shell${showChat ? ' has-chat' : ''}`}>
      {connection !== 'online' && (
        <div className="banner" role="alert">
          Connection lost. Reconnecting…
        </div>
      )}
      {error && (
        <div className="banner error-banner" role="alert">
          {error}
          <button type="button" className="small" onClick={() => service.store.setState({ error: null })}>
            Dismiss
          </button>
        </div>
      )}
      <Rail activeCommunityId={community?.id} />
      <div className="side">
        {community ? <ChannelList community={community} activeChannelId={channel?.id} /> : <Contacts activeChannelId={channel?.id} />}
        <UserPanel />
      </div>
      {route.name === 'desk' && community ? (
        <SupportDesk key={community.id} community={community} />
      ) : channel?.type === 'voice' && community ? (
        <VoiceRoom key={channel.id} channel={channel} community={community} onBack={() => navigate(`/channels/${community.id}`)} />
      ) : channel ? (
        <ChatView
          key={channel.id}
          channel={channel}
          community={community}
          onBack={() => navigate(community ? `/channels/${community.id}` : '/channels/@me')}
        />
      ) : (
        <main className="chat empty" aria-label="Welcome">
          {route.name === 'community' && !community ? (
            <p>This community is not in your list. It may have been deleted, or you may have left it.</p>
          ) : (
            <>
              <h1>Hi {me.displayName}!</h1>
              <p>Pick a contact to chat, or open a community on the left.</p>
            </>
          )}
        </main>
      )}
      {community && route.name !== 'desk' && <MemberList community={community} />}
    </div>
  );
}

function InviteScreen({ code }: { code: string }) {
  const service = useService();
  const [preview, setPreview] = useState<InvitePreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    service.api.previewInvite(code).then(setPreview, (e: Error) => setError(e.message));
  }, [service, code]);
  const accept = async () => {
    setBusy(true);
    try {
      const c = await service.joinInvite(code);
      const general = [...c.channels].filter((ch) => ch.type === 'text').sort((a, b) => a.position - b.position)[0];
      navigate(`/channels/${c.id}${general ? `/${general.id}` : ''}`, true);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <main className="auth">
      <div className="auth-card">
        <h1>{preview ? `Join ${preview.community?.name ?? 'this community'}` : 'Invitation'}</h1>
        {preview?.community && <p>{preview.community.memberCount} members</p>}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="button" className="primary" disabled={busy || (!preview && !error)} onClick={accept}>
          Accept invite
        </button>
        <button type="button" onClick={() => navigate('/channels/@me')}>
          Not now
        </button>
      </div>
    </main>
  );
}
