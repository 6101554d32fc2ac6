import { useEffect, useRef, useState } from 'react';
import { useChatState, useService } from '../context';
import { presenceWords } from '../format';
import { useTheme } from '../theme';

const choices = ['online', 'away', 'busy', 'invisible'] as const;

/** Bottom-left: who you are, your status (MSN style), the theme switch, notifications, log out. */
export function UserPanel() {
  const service = useService();
  const me = useChatState((s) => s.me);
  const presence = useChatState((s) => (s.me ? s.presences[s.me.id] : undefined));
  const myStatus = useChatState((s) => s.myStatus);
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [dark, setDark] = useTheme();
  const [permission, setPermission] = useState(typeof Notification === 'undefined' ? 'denied' : Notification.permission);
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => setMessage(presence?.statusMessage ?? me?.statusMessage ?? ''), [presence?.statusMessage, me?.statusMessage]);
  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[role=menuitemradio]')?.focus();
  }, [open]);
  if (!me) return null;
  const status = myStatus ?? presence?.status ?? 'online';

  const choose = (s: (typeof choices)[number]) => {
    void service.setPresence(s, message).catch((e) => service.fail(e));
    setOpen(false);
  };

  return (
    <section className="user-panel" aria-label="You">
      <div className="me-card">
        <span className={`presence-dot ${status === 'invisible' ? 'offline' : status}`} aria-hidden="true" />
        <div>
          <div className="me-name">{me.displayName}</div>
          <div className="muted small">
            {presenceWords[status]}
            {me.statusMessage ? ` — ${me.statusMessage}` : ''}
          </div>
          <div className="muted small">
            Your ID: <span data-testid="my-user-id">{me.id}</span>
          </div>
        </div>
      </div>
      <div className="user-actions">
        <div className="status-menu-wrap">
          <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
            Set status
          </button>
          {open && (
            <div
              className="status-menu"
              ref={menu}
              onKeyDown={(e) => {
                if (e.key === 'Escape') setOpen(false);
                if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                  e.preventDefault();
                  const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role=menuitemradio]') ?? [])];
                  const i = items.indexOf(document.activeElement as HTMLElement);
                  items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
                }
              }}
            >
              <div role="menu" aria-label="Status">
                {choices.map((c) => (
                  <button key={c} type="button" role="menuitemradio" aria-checked={status === c} onClick={() => choose(c)}>
                    <span className={`presence-dot ${c === 'invisible' ? 'offline' : c}`} aria-hidden="true" /> {presenceWords[c]}
                  </button>
                ))}
              </div>
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  choose(status === 'offline' ? 'online' : status);
                }}
              >
                <label>
                  Status message
                  <input maxLength={128} value={message} onChange={(e) => setMessage(e.target.value)} />
                </label>
                <button type="submit" className="small">
                  Save status message
                </button>
              </form>
            </div>
          )}
        </div>
        <button type="button" role="switch" aria-checked={dark} onClick={() => setDark(!dark)}>
          Dark mode
        </button>
        {permission === 'default' && (
          <button type="button" onClick={() => void Notification.requestPermission().then(setPermission)}>
            Enable desktop notifications
          </button>
        )}
        <button type="button" onClick={() => void service.logout()}>
          Log out
        </button>
      </div>
    </section>
  );
}
