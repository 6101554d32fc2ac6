import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

export function navigate(path: string, replace = false) {
  if (path === location.pathname) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  notify();
}

export function usePath(): string {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => location.pathname,
    () => '/',
  );
}

export type Route =
  | { name: 'home'; channelId?: string }
  | { name: 'community'; communityId: string; channelId?: string }
  | { name: 'invite'; code: string }
  | { name: 'desk'; communityId: string }
  | { name: 'login' }
  | { name: 'register' };

export function parseRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'invite' && parts[1]) return { name: 'invite', code: parts[1] };
  if (parts[0] === 'desk' && parts[1]) return { name: 'desk', communityId: parts[1] };
  if (parts[0] === 'login') return { name: 'login' };
  if (parts[0] === 'register') return { name: 'register' };
  if (parts[0] === 'channels' && parts[1] && parts[1] !== '@me') return { name: 'community', communityId: parts[1], channelId: parts[2] };
  if (parts[0] === 'channels' && parts[1] === '@me' && parts[2]) return { name: 'home', channelId: parts[2] };
  return { name: 'home' };
}
