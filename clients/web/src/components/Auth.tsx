import { useState, type FormEvent } from 'react';
import { useService } from '../context';
import { navigate } from '../router';
import { ErrorText } from './ErrorText';

export function Auth({ mode, inviteCode, onSwitch }: { mode: 'login' | 'register'; inviteCode?: string; onSwitch?: () => void }) {
  const service = useService();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const register = mode === 'register';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (register) await service.register(username.trim(), password, displayName.trim() || undefined);
      else await service.login(username.trim(), password);
      if (!inviteCode && (location.pathname === '/login' || location.pathname === '/register')) navigate('/channels/@me', true);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const other = register ? '/login' : '/register';
  return (
    <main className="auth">
      <div className="auth-card">
        <div className="brand" aria-hidden="true">
          <span className="logo">C</span> CHAOS
        </div>
        <h1>{register ? 'Create your account' : 'Welcome back'}</h1>
        {inviteCode && <p>Log in or create an account to accept your invite.</p>}
        <form onSubmit={submit}>
          <label>
            Username
            <input name="username" autoComplete="username" required minLength={2} maxLength={32} value={username} onChange={(e) => setUsername(e.target.value)} />
          </label>
          {register && (
            <label>
              Display name
              <input name="displayName" autoComplete="nickname" maxLength={64} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
            </label>
          )}
          <label>
            Password
            <input
              name="password"
              type="password"
              autoComplete={register ? 'new-password' : 'current-password'}
              required
              minLength={register ? 8 : 1}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <ErrorText error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {register ? 'Create account' : 'Log in'}
          </button>
        </form>
        <p>
          {register ? 'Already have an account? ' : 'New here? '}
          <a
            href={other}
            onClick={(e) => {
              e.preventDefault();
              if (onSwitch) onSwitch();
              else navigate(other);
            }}
          >
            {register ? 'Log in instead' : 'Create an account'}
          </a>
        </p>
      </div>
    </main>
  );
}
