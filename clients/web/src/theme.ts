import { useEffect, useSyncExternalStore } from 'react';

const key = 'chaos.theme';
const listeners = new Set<() => void>();
const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
media?.addEventListener?.('change', () => listeners.forEach((l) => l()));

/** Dark when the user chose it, else when the system prefers it. */
export function isDark(): boolean {
  const chosen = typeof localStorage === 'undefined' ? null : localStorage.getItem(key);
  return chosen ? chosen === 'dark' : (media?.matches ?? false);
}

export function applyTheme() {
  document.documentElement.dataset.theme = isDark() ? 'dark' : 'light';
}

export function useTheme(): [boolean, (dark: boolean) => void] {
  const dark = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    isDark,
    () => false,
  );
  useEffect(applyTheme, [dark]);
  return [
    dark,
    (d: boolean) => {
      localStorage.setItem(key, d ? 'dark' : 'light');
      listeners.forEach((l) => l());
    },
  ];
}
