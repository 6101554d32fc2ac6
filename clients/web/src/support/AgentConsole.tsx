import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { Community, Member } from '../api/types';
import { useChatState, useService } from '../context';
import { basePermissions, has } from '../permissions';
import { duration, loadCanned, saveCanned } from './canned';
import type { Conversation } from './api';
import { useConversationMessages, type useDesk } from './useDesk';

type Desk = ReturnType<typeof useDesk>;

/** The agent's console: availability, the queue, my conversations, and the open conversation (docs/architecture.md#support-desk-web). */
export function AgentConsole({ community, desk }: { community: Community; desk: Desk }) {
  const me = useChatState((s) => s.me)!;
  const { api, conversations, setConversations, error, setError } = desk;
  const [status, setStatus] = useState<'available' | 'away'>('away');
  const [capacity, setCapacity] = useState(3);
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const queue = conversations.filter((c) => c.status === 'queued');
  const mine = conversations.filter((c) => c.status === 'assigned' && c.agentId === me.id);
  const open = conversations.find((c) => c.id === selected) ?? null;

  // A conversation routed to me while none is open opens by itself.
  useEffect(() => {
    if (!selected && mine[0]) setSelected(mine[0].id);
    if (selected && !conversations.some((c) => c.id === selected)) setSelected(mine[0]?.id ?? null);
  }, [selected, mine, conversations]);

  const run = async (f: () => Promise<void>) => {
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const setAgent = (next: 'available' | 'away', max = capacity) =>
    run(async () => {
      const a = await api.setAgent(community.id, next, max);
      setStatus(a.status);
      setCapacity(a.maxConcurrent);
    });
  const merge = (c: Conversation) => setConversations((list) => (c.status === 'closed' ? list.filter((x) => x.id !== c.id) : [...list.filter((x) => x.id !== c.id), c]));

  return (
    <div className="agent-console">
      <section className="desk-column" aria-label="Agent">
        <div className="availability">
          <button type="button" role="switch" aria-checked={status === 'available'} onClick={() => void setAgent(status === 'available' ? 'away' : 'available')}>
            Available for chats
          </button>
          <span className="muted">{status === 'available' ? 'You receive new chats.' : 'You are away: no chats are routed to you.'}</span>
          <label className="inline">
            Chats at once
            <input
              type="number"
              min={1}
              max={20}
              value={capacity}
              onChange={(e) => setCapacity(Math.min(20, Math.max(1, Number(e.target.value) || 1)))}
              onBlur={() => void setAgent(status, capacity)}
            />
          </label>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {notice && <p role="status">{notice}</p>}
        <section aria-labelledby="desk-queue-title">
          <h2 id="desk-queue-title">Queue ({queue.length})</h2>
          {queue.length === 0 ? (
            <p className="muted">Nobody is waiting.</p>
          ) : (
            <ol className="desk-list">
              {queue.map((c) => (
                <li key={c.id}>
                  <span>
                    <strong>{c.guest.name}</strong> <span className="muted">waiting {duration((Date.now() - new Date(c.createdAt).getTime()) / 1000)}</span>
                  </span>
                  <button
                    type="button"
                    className="small"
                    onClick={() =>
                      void run(async () => {
                        const taken = await api.assign(c.id);
                        merge(taken);
                        setSelected(taken.id);
                      })
                    }
                  >
                    Take chat with {c.guest.name}
                  </button>
                </li>
              ))}
            </ol>
          )}
        </section>
        <nav aria-labelledby="desk-mine-title">
          <h2 id="desk-mine-title">My conversations ({mine.length})</h2>
          {mine.length === 0 ? (
            <p className="muted">No open conversations.</p>
          ) : (
            <ul className="desk-list">
              {mine.map((c) => (
                <li key={c.id}>
                  <button type="button" className={c.id === selected ? 'conversation active' : 'conversation'} aria-current={c.id === selected ? 'true' : undefined} onClick={() => setSelected(c.id)}>
                    {c.guest.name}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </nav>
      </section>
      {open && open.status === 'assigned' && open.agentId === me.id ? (
        <ConversationPane
          key={open.id}
          community={community}
          conversation={open}
          desk={desk}
          onDone={(c, text) => {
            merge(c);
            setSelected(null);
            setNotice(text);
          }}
          run={run}
        />
      ) : (
        <section className="desk-conversation empty" aria-label="Conversation">
          <p className="muted">{mine.length ? 'Pick a conversation.' : 'New chats appear here when you are available, or take one from the queue.'}</p>
        </section>
      )}
    </div>
  );
}

function ConversationPane({
  community,
  conversation,
  desk,
  onDone,
  run,
}: {
  community: Community;
  conversation: Conversation;
  desk: Desk;
  onDone: (c: Conversation, notice: string) => void;
  run: (f: () => Promise<void>) => Promise<void>;
}) {
  const service = useService();
  const me = useChatState((s) => s.me)!;
  const { api } = desk;
  const { messages, add } = useConversationMessages(api, conversation.id);
  const [text, setText] = useState('');
  const [canned, setCanned] = useState(() => loadCanned(community.id));
  const [newCanned, setNewCanned] = useState('');
  const [agents, setAgents] = useState<Member[]>([]);
  const [target, setTarget] = useState('');
  const name = conversation.guest.name;

  useEffect(() => {
    service.api.members(community.id).then(
      (list) => setAgents(list.filter((m) => m.user.id !== me.id && has(basePermissions(community, m.user.id, m.roleIds), 'HandleSupport'))),
      () => undefined,
    );
  }, [service, community, me.id]);

  const send = () =>
    run(async () => {
      const content = text.trim();
      if (!content) return;
      setText('');
      try {
        add(await api.send(conversation.id, content));
      } catch (e) {
        setText(content);
        throw e;
      }
    });
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  };
  const sortedAgents = useMemo(() => [...agents].sort((a, b) => a.user.displayName.localeCompare(b.user.displayName)), [agents]);

  return (
    <section className="desk-conversation" aria-labelledby="desk-conversation-title">
      <header className="desk-conversation-header">
        <h2 id="desk-conversation-title">{name}</h2>
        <p className="muted">
          {conversation.guest.email ? `${conversation.guest.email} · ` : ''}waited {duration(conversation.assignedAt ? (new Date(conversation.assignedAt).getTime() - new Date(conversation.createdAt).getTime()) / 1000 : null)}
        </p>
        <div className="desk-actions">
          <button
            type="button"
            className="small"
            onClick={() =>
              void run(async () => {
                const t = await api.transcript(conversation.id);
                const url = URL.createObjectURL(new Blob([t], { type: 'text/plain' }));
                const a = document.createElement('a');
                a.href = url;
                a.download = `transcript-${conversation.id}.txt`;
                a.click();
                setTimeout(() => URL.revokeObjectURL(url), 10_000);
              })
            }
          >
            Download transcript
          </button>
          <button type="button" className="small danger" onClick={() => void run(async () => onDone(await api.close(conversation.id), `The conversation with ${name} is closed.`))}>
            Close conversation
          </button>
        </div>
      </header>
      <div className="desk-messages" role="log" aria-label={`Messages with ${name}`} tabIndex={0}>
        {messages.map((m) => {
          const who = m.author.guest ? name : m.author.displayName || m.author.username || 'Agent';
          return (
            <article key={m.id} className={m.author.guest ? 'desk-message guest' : 'desk-message'}>
              <strong>{who}</strong> <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
              <p>{m.content}</p>
            </article>
          );
        })}
      </div>
      <div className="desk-composer">
        <textarea aria-label={`Message ${name}`} maxLength={4000} value={text} onChange={(e) => setText(e.target.value)} onKeyDown={onKey} placeholder={`Message ${name}`} />
        <button type="button" className="primary" onClick={() => void send()}>
          Send
        </button>
      </div>
      <details className="desk-canned">
        <summary>Canned replies</summary>
        <ul role="list" aria-label="Canned replies">
          {canned.map((c, i) => (
            <li key={i}>
              <button type="button" className="small" onClick={() => setText((t) => (t ? `${t} ${c}` : c))}>
                {c}
              </button>
              <button
                type="button"
                className="small"
                aria-label={`Remove canned reply: ${c}`}
                onClick={() => {
                  const next = canned.filter((_, j) => j !== i);
                  setCanned(next);
                  saveCanned(community.id, next);
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            const t = newCanned.trim();
            if (!t) return;
            const next = [...canned, t];
            setCanned(next);
            saveCanned(community.id, next);
            setNewCanned('');
          }}
        >
          <label>
            New canned reply
            <input maxLength={500} value={newCanned} onChange={(e) => setNewCanned(e.target.value)} />
          </label>
          <button type="submit" className="small">
            Add
          </button>
        </form>
      </details>
      <form
        className="row desk-transfer"
        onSubmit={(e) => {
          e.preventDefault();
          if (!target) return;
          const to = agents.find((a) => a.user.id === target);
          void run(async () => onDone(await api.assign(conversation.id, target), `${name} was transferred to ${to?.user.displayName ?? 'another agent'}.`));
        }}
      >
        <label>
          Transfer to
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">Choose an agent</option>
            {sortedAgents.map((a) => (
              <option key={a.user.id} value={a.user.id}>
                {a.user.displayName}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="small" disabled={!target}>
          Transfer
        </button>
      </form>
    </section>
  );
}
