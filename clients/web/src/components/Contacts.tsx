import { useState, type FormEvent } from 'react';
import type { PresenceStatus } from '../api/types';
import { useChatState, useService } from '../context';
import { channelTitle, presenceWords } from '../format';
import { navigate } from '../router';
import { Dialog } from './Dialog';
import { ErrorText } from './ErrorText';
import { LockIcon, LockMark } from '../e2ee/EncryptionHeader';

/** The MSN half: contacts with presence and status messages, requests, blocks, and the DMs and groups. */
export function Contacts({ activeChannelId }: { activeChannelId?: string }) {
  const service = useService();
  const state = useChatState((s) => s);
  const [addOpen, setAddOpen] = useState(false);
  const [groupOpen, setGroupOpen] = useState(false);
  const entries = Object.entries(state.relationships);
  const name = (id: string) => state.users[id]?.displayName ?? `User ${id}`;
  const status = (id: string): PresenceStatus => {
    const s = state.presences[id]?.status ?? 'offline';
    return s === 'invisible' ? 'offline' : s;
  };
  const friends = entries.filter(([, t]) => t === 'friend').map(([id]) => id);
  const online = friends.filter((id) => status(id) !== 'offline').sort((a, b) => name(a).localeCompare(name(b)));
  const offline = friends.filter((id) => status(id) === 'offline').sort((a, b) => name(a).localeCompare(name(b)));
  const incoming = entries.filter(([, t]) => t === 'incoming').map(([id]) => id);
  const outgoing = entries.filter(([, t]) => t === 'outgoing').map(([id]) => id);
  const blocked = entries.filter(([, t]) => t === 'blocked').map(([id]) => id);
  const act = (f: () => Promise<unknown>) => void f().catch((e) => service.fail(e));

  const openDm = async (userId: string, e2ee = false) => {
    const channel = await service.openDm([userId], e2ee);
    navigate(`/channels/@me/${channel.id}`);
  };

  const contact = (id: string) => {
    const st = status(id);
    const message = state.presences[id]?.statusMessage;
    return (
      <li key={id} className="contact">
        <button type="button" className="contact-main" onClick={() => act(() => openDm(id))}>
          <span className={`presence-dot ${st}`} aria-hidden="true" />
          <span className="contact-text">
            <span className="contact-name">{name(id)}</span> <span className="presence-word">({presenceWords[st]})</span>
            {message && (
              <>
                {' '}
                <span className="status-message">— {message}</span>
              </>
            )}
          </span>
        </button>
        <button type="button" className="icon small" aria-label={`Encrypted chat with ${name(id)}`} title="End-to-end encrypted chat" onClick={() => act(() => openDm(id, true))}>
          <LockIcon />
        </button>
        <button type="button" className="icon small" aria-label={`Block ${name(id)}`} title="Block" onClick={() => act(() => service.setRelationship(id, 'block'))}>
          ⊘
        </button>
      </li>
    );
  };

  const dms = Object.values(state.privateChannels).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  return (
    <nav className="sidebar contacts" aria-label="Contacts">
      <header className="sidebar-header msn">
        <h2>Contacts</h2>
        <div className="sidebar-actions">
          <button type="button" onClick={() => setAddOpen(true)}>
            Add a contact
          </button>
          <button type="button" onClick={() => setGroupOpen(true)} disabled={friends.length < 2}>
            New group chat
          </button>
        </div>
      </header>
      {incoming.length > 0 && (
        <section aria-label="Friend requests">
          <h3 className="section-title">Friend requests ({incoming.length})</h3>
          <ul>
            {incoming.map((id) => (
              <li key={id} className="contact request">
                <span>{name(id)} wants to be your friend</span>
                <button type="button" className="primary small" onClick={() => act(() => service.setRelationship(id, 'friend'))}>
                  Accept {name(id)}
                </button>
                <button type="button" className="small" onClick={() => act(() => service.removeRelationship(id))}>
                  Decline {name(id)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <h3 className="section-title">Online ({online.length})</h3>
      <ul className="contact-list">{online.map(contact)}</ul>
      <h3 className="section-title">Offline ({offline.length})</h3>
      <ul className="contact-list">{offline.map(contact)}</ul>
      {outgoing.length > 0 && (
        <>
          <h3 className="section-title">Waiting for an answer</h3>
          <ul>
            {outgoing.map((id) => (
              <li key={id} className="contact request">
                <span>{name(id)}</span>
                <button type="button" className="small" onClick={() => act(() => service.removeRelationship(id))}>
                  Cancel request to {name(id)}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {blocked.length > 0 && (
        <>
          <h3 className="section-title">Blocked</h3>
          <ul>
            {blocked.map((id) => (
              <li key={id} className="contact request">
                <span>{name(id)}</span>
                <button type="button" className="small" onClick={() => act(() => service.removeRelationship(id))}>
                  Unblock {name(id)}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3 className="section-title">Conversations</h3>
      <ul className="channel-list">
        {dms.map((c) => {
          const unread = (state.readStates[c.id]?.unreadCount ?? 0) > 0 && c.id !== activeChannelId;
          return (
            <li key={c.id}>
              <a
                href={`/channels/@me/${c.id}`}
                className={`channel${c.id === activeChannelId ? ' active' : ''}${unread ? ' unread' : ''}`}
                aria-current={c.id === activeChannelId ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/channels/@me/${c.id}`);
                }}
              >
                {channelTitle(state, c)} <LockMark channel={c} />
                {unread && (
                  <span className="badge" aria-hidden="true" data-testid="unread-badge">
                    {state.readStates[c.id]!.unreadCount}
                  </span>
                )}
              </a>
            </li>
          );
        })}
      </ul>
      {addOpen && <AddContact onClose={() => setAddOpen(false)} />}
      {groupOpen && <NewGroup friends={friends} name={name} onClose={() => setGroupOpen(false)} />}
    </nav>
  );
}

function AddContact({ onClose }: { onClose: () => void }) {
  const service = useService();
  const [id, setId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await service.setRelationship(id.trim(), 'friend');
      setSent(true);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Dialog title="Add a contact" onClose={onClose}>
      <form onSubmit={submit}>
        <p>Ask your friend for their user ID (shown under their name in the bottom-left corner).</p>
        <label>
          User ID
          <input required inputMode="numeric" pattern="[0-9]{1,19}" value={id} onChange={(e) => setId(e.target.value)} autoFocus />
        </label>
        <ErrorText error={error} />
        {sent && <p role="status">Friend request sent.</p>}
        <button type="submit" className="primary">
          Send friend request
        </button>
      </form>
    </Dialog>
  );
}

function NewGroup({ friends, name, onClose }: { friends: string[]; name: (id: string) => string; onClose: () => void }) {
  const service = useService();
  const [chosen, setChosen] = useState<string[]>([]);
  const [encrypted, setEncrypted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title="New group chat" onClose={onClose}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            const c = await service.openDm(chosen, encrypted);
            onClose();
            navigate(`/channels/@me/${c.id}`);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          }
        }}
      >
        <fieldset>
          <legend>Choose 2 to 9 friends</legend>
          {friends.map((id) => (
            <label key={id} className="inline">
              <input
                type="checkbox"
                checked={chosen.includes(id)}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, id] : chosen.filter((x) => x !== id))}
              />{' '}
              {name(id)}
            </label>
          ))}
        </fieldset>
        <label className="inline">
          <input type="checkbox" checked={encrypted} onChange={(e) => setEncrypted(e.target.checked)} /> End-to-end encrypted (never read by
          AI or search; cannot be changed later)
        </label>
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={chosen.length < 2 || chosen.length > 9}>
          Create group
        </button>
      </form>
    </Dialog>
  );
}
