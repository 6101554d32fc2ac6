// Canned replies: kept per community in this browser's storage (the API has no canned-reply routes; docs/api.md#support-desk).
export const defaultCanned = [
  'Hello! How can I help you today?',
  'Let me check that for you. One moment, please.',
  'Is there anything else I can help you with?',
  'Thank you for contacting us. Have a great day!',
];

const key = (communityId: string) => `chaos.canned.${communityId}`;

export function loadCanned(communityId: string, storage: Storage | null = typeof localStorage === 'undefined' ? null : localStorage): string[] {
  try {
    const raw = storage?.getItem(key(communityId));
    const list = raw ? (JSON.parse(raw) as unknown) : null;
    return Array.isArray(list) && list.every((x) => typeof x === 'string') ? list : defaultCanned;
  } catch {
    return defaultCanned;
  }
}

export function saveCanned(communityId: string, list: string[], storage: Storage | null = typeof localStorage === 'undefined' ? null : localStorage) {
  try {
    storage?.setItem(key(communityId), JSON.stringify(list.slice(0, 50)));
  } catch {
    // Storage full or blocked: the list lasts for this page.
  }
}

/** "3 min", "45 s", "1 h 5 min": how long something took or has waited. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
