import './e2ee.css';
// The per-channel choice, shown where people look (docs/architecture.md#end-to-end-encryption-in-the-web-client): an
// e2ee channel's header says "End-to-end encrypted" with a lock and a Verify button; a channel whose community has AI
// assistance on (and that is not excluded from it) says "AI assistance on". Never both: an e2ee channel is never read
// by AI, and converting one into the other is impossible (create a new channel).
import { useEffect, useState } from 'react';
import type { Channel, Community } from '../api/types';
import { useChatState, useService } from '../context';
import { displayName } from '../format';
import { Dialog } from '../components/Dialog';
import { ErrorText } from '../components/ErrorText';
import { toHex } from './vault';
import type { Device } from './client';

export type E2eeChannel = Channel & { e2ee?: boolean; aiExcluded?: boolean };

/** A padlock drawn as SVG (an emoji needs a colour-emoji font the machine may not have). */
export function LockIcon() {
  return (
    <svg aria-hidden="true" width="12" height="12" viewBox="0 0 24 24" className="lock-icon">
      <path d="M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1h1zm2 0h6V7a3 3 0 0 0-6 0v3z" fill="currentColor" />
    </svg>
  );
}

export function isE2ee(channel: Channel): boolean {
  return Boolean((channel as E2eeChannel).e2ee);
}

export function aiAssisted(channel: Channel, community?: Community): boolean {
  const ai = (community as (Community & { ai?: { moderation: string; summaries: boolean } | null }) | undefined)?.ai;
  return !isE2ee(channel) && !(channel as E2eeChannel).aiExcluded && !!ai && (ai.summaries || ai.moderation !== 'off');
}

export function EncryptionHeader({ channel, community }: { channel: Channel; community?: Community }) {
  const [open, setOpen] = useState(false);
  if (isE2ee(channel)) {
    return (
      <div className="e2ee-badge" role="status">
        <LockIcon /> End-to-end encrypted
        <button type="button" className="small" onClick={() => setOpen(true)}>
          Verify
        </button>
        {open && <VerifyDialog channel={channel} onClose={() => setOpen(false)} />}
      </div>
    );
  }
  if (aiAssisted(channel, community)) {
    return (
      <div className="ai-badge" role="status">
        AI assistance on
      </div>
    );
  }
  return null;
}

/** A lock drawn next to an e2ee channel's name in lists; screen readers hear "encrypted". */
export function LockMark({ channel }: { channel: Channel }) {
  if (!isE2ee(channel)) return null;
  return (
    <span className="lock" role="img" aria-label="encrypted" title="End-to-end encrypted">
      <LockIcon />
    </span>
  );
}

/**
 * Compares safety numbers: each other member's number is computed here from the identity keys in the MLS group; both
 * people read theirs out (in person or on a call) and they must match. Also lists the devices the server says each
 * member has, marking any that are not in the group, and lets a member remove someone from the group (a commit).
 */
function VerifyDialog({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const service = useService();
  const state = useChatState((s) => s);
  const me = state.me!;
  const [rows, setRows] = useState<{ userId: string; number: string | null; devices: (Device & { inGroup: boolean })[] }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => service.e2ee.onGroupChanged((id) => id === channel.id && setVersion((v) => v + 1)), [service, channel.id]);
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        await service.e2ee.sync(channel.id);
        const members = service.e2ee.members(channel.id);
        const keys = new Set(members.map((m) => toHex(m.identityKey)));
        const users = [...new Set(members.map((m) => m.userId).filter((u): u is string => !!u && u !== me.id))];
        const out = [];
        for (const userId of users) {
          void service.ensureUser(userId);
          const devices = await service.e2ee.devices(userId).catch(() => [] as Device[]);
          out.push({
            userId,
            number: await service.e2ee.safetyNumberWith(channel.id, userId),
            devices: devices.map((d) => ({ ...d, inGroup: keys.has(toHex(Uint8Array.from(atob(d.identityKey), (c) => c.charCodeAt(0)))) })),
          });
        }
        if (live) setRows(out);
      } catch (e) {
        if (live) setError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [service, channel.id, me.id, version]);
  const epoch = service.e2ee.epoch(channel.id);
  return (
    <Dialog title="Verify encryption" onClose={onClose} wide>
      <p>
        Messages here are end-to-end encrypted with MLS: only the devices listed below can read them; the server stores
        ciphertext only. Compare each safety number with that person (in person or on a call). If the numbers match,
        nobody is in between.
      </p>
      {epoch !== null && <p className="muted">Group epoch {String(epoch)}.</p>}
      {!rows && !error && <p role="status">Loading the group…</p>}
      <ErrorText error={error} />
      {rows?.length === 0 && <p>Nobody else is in the encrypted group yet.</p>}
      <ul className="verify-list">
        {rows?.map((r) => (
          <li key={r.userId}>
            <h3>{displayName(state, r.userId)}</h3>
            <p>
              Safety number with {displayName(state, r.userId)}:{' '}
              <code aria-label={`Safety number with ${displayName(state, r.userId)}`}>{r.number ?? 'not in the group'}</code>
            </p>
            <ul>
              {r.devices.map((d) => (
                <li key={d.id}>
                  {d.name} — {d.inGroup ? 'in the group' : 'not in the group'}
                </li>
              ))}
            </ul>
            <button
              type="button"
              className="small"
              onClick={() =>
                void service.e2ee.removeUser(channel.id, r.userId).then(
                  () => setVersion((v) => v + 1),
                  (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
                )
              }
            >
              Remove {displayName(state, r.userId)} from the encrypted group
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
