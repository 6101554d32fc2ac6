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
  // The fields stay disabled until the saved settings are in: a late answer must not overwrite what the manager typed,
  // and a save must not replace the saved texts with the empty defaults (docs/architecture.md#support-desk-web).
  const [loaded, setLoaded] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const api = new SupportApi(service.api);
  useEffect(() => {
    let current = true;
    setLoaded(false);
    setLoadError(null);
    new SupportApi(service.api).settings(community.id).then(
      (s) => {
        if (!current) return;
        if (s) {
          setEnabled(s.enabled);
          setGreeting(s.greeting);
          setOffline(s.offlineMessage);
        }
        setLoaded(true);
      },
      (x: unknown) => {
        if (current) setLoadError(`The desk settings could not be loaded: ${x instanceof Error ? x.message : String(x)}`);
      },
    );
    return () => {
      current = false;
    };
  }, [service, community.id, attempt]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!loaded) return;
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
    <form className="desk-settings" onSubmit={save} aria-busy={!loaded && !loadError}>
      {loadError && (
        <p className="error" role="alert">
          {loadError}{' '}
          <button type="button" className="small" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </p>
      )}
      <fieldset className="desk-settings-fields" disabled={!loaded}>
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
      </fieldset>
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
