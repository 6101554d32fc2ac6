import { useEffect, useState, type FormEvent } from 'react';
import type { Community } from '../api/types';
import { useService } from '../context';
import { SupportApi } from './api';

/** ManageCommunity: switch the desk on or off, its greeting and offline message, and the widget's embed code. */
export function DeskSettings({ community }: { community: Community }) {
  const service = useService();
  const [enabled, setEnabled] = useState(false);
  const [greeting, setGreeting] = useState('');
  const [offline, setOffline] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const api = new SupportApi(service.api);
  useEffect(() => {
    new SupportApi(service.api).settings(community.id).then(
      (s) => {
        if (!s) return;
        setEnabled(s.enabled);
        setGreeting(s.greeting);
        setOffline(s.offlineMessage);
      },
      () => undefined,
    );
  }, [service, community.id]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setStatus(null);
    try {
      await api.configure(community.id, { enabled, greeting, offlineMessage: offline });
      setStatus('Saved.');
    } catch (x) {
      setError(x instanceof Error ? x.message : String(x));
    }
  };
  const snippet = `<script src="${location.origin}/widget.js" data-community="${community.id}" async></script>`;
  return (
    <form className="desk-settings" onSubmit={save}>
      <label className="inline">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Guests can start support chats
      </label>
      <label>
        Greeting
        <textarea maxLength={500} value={greeting} onChange={(e) => setGreeting(e.target.value)} />
      </label>
      <label>
        Offline message
        <textarea maxLength={500} value={offline} onChange={(e) => setOffline(e.target.value)} />
      </label>
      <button type="submit" className="primary">
        Save desk settings
      </button>
      {status && <p role="status">{status}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <label>
        Embed code for your site
        <textarea readOnly rows={3} value={snippet} onFocus={(e) => e.target.select()} />
      </label>
    </form>
  );
}
