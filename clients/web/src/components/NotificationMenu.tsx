import { useState } from 'react';
import { useChatState, useService } from '../context';
import type { NotificationLevel } from '../notifications';
import { ErrorText } from './ErrorText';
import { BellIcon } from './Icons';

const levels: { value: NotificationLevel; label: string }[] = [
  { value: 'all', label: 'All messages' },
  { value: 'mentions', label: 'Only mentions' },
  { value: 'none', label: 'Nothing' },
];

const mutes: { label: string; ms: number | null }[] = [
  { label: 'Not muted', ms: null },
  { label: 'Mute for 1 hour', ms: 3_600_000 },
  { label: 'Mute for 8 hours', ms: 8 * 3_600_000 },
  { label: 'Mute for 1 week', ms: 7 * 24 * 3_600_000 },
];

/** Notification level and mute for a community or a channel (docs/api.md#notification-settings). */
export function NotificationMenu({ targetId, name }: { targetId: string; name: string }) {
  const service = useService();
  const setting = useChatState((s) => s.notificationSettings[targetId]);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const level = setting?.level ?? 'all';
  const mutedUntil = setting?.mutedUntil ?? null;
  const muted = mutedUntil !== null && new Date(mutedUntil).getTime() > Date.now();
  const save = async (next: NotificationLevel, until: string | null) => {
    setError(null);
    try {
      await service.setNotificationSetting(targetId, next, until);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="notification-menu">
      <button type="button" aria-label={`Notification settings for ${name}`} aria-expanded={open} onClick={() => setOpen(!open)}>
        <BellIcon off={muted || level === 'none'} />
      </button>
      {open && (
        <div className="menu" role="group" aria-label={`Notifications for ${name}`}>
          <fieldset>
            <legend>Notify me about</legend>
            {levels.map((l) => (
              <label key={l.value}>
                <input type="radio" name={`level-${targetId}`} checked={level === l.value} onChange={() => void save(l.value, mutedUntil)} /> {l.label}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Mute</legend>
            {mutes.map((m) => (
              <label key={m.label}>
                <input
                  type="radio"
                  name={`mute-${targetId}`}
                  checked={m.ms === null ? !muted : false}
                  onChange={() => void save(level, m.ms === null ? null : new Date(Date.now() + m.ms).toISOString())}
                />{' '}
                {m.label}
              </label>
            ))}
            {muted && <p>Muted until {new Date(mutedUntil!).toLocaleString()}</p>}
          </fieldset>
          <ErrorText error={error} />
        </div>
      )}
    </div>
  );
}
