import './ai.css';
import { useState } from 'react';
import type { Community } from '../api/types';
import { useChatState, useService } from '../context';
import { basePermissions, has } from '../permissions';
import { ErrorText } from '../components/ErrorText';
import { aiApi } from './api';
import { useAiStatus } from './useAiStatus';
import type { CommunityAi, ModerationMode } from './types';

const modes: [ModerationMode, string, string][] = [
  ['off', 'Off', 'Messages are not checked.'],
  ['flag', 'Flag for moderators', 'Flagged messages stay visible and wait in the moderation queue.'],
  ['hide', 'Hide until reviewed', 'Flagged messages are hidden from members until a moderator dismisses the flag.'],
];

/** The community's AI switches and the channels kept out of AI (docs/api.md#ai-assistance); a tab of the community settings. */
export function AiSettings({ community }: { community: Community }) {
  const service = useService();
  const me = useChatState((s) => s.me)!;
  const roleIds = useChatState((s) => s.myRoles[community.id] ?? []);
  const perms = basePermissions(community, me.id, roleIds);
  const { status, error: statusError } = useAiStatus();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const ai: CommunityAi = (community.ai as CommunityAi | null | undefined) ?? { moderation: 'off', summaries: false };

  if (statusError) return <ErrorText error={statusError} />;
  if (!status) return <p role="status">Checking AI assistance…</p>;
  if (!status.enabled) {
    return (
      <div className="ai-settings">
        <p>
          AI assistance is off on this server: its operator has not configured a model server. Moderation, “Catch me up”
          summaries and voice-message transcripts need one.
        </p>
      </div>
    );
  }

  const run = async (what: string, f: () => Promise<unknown>) => {
    setError(null);
    setSaved(null);
    try {
      await f();
      setSaved(what);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const setAi = (patch: Partial<CommunityAi>, what: string) =>
    run(what, async () => {
      service.store.setState((s) => {
        const c = s.communities[community.id];
        return c ? { communities: { ...s.communities, [c.id]: { ...c, ai: { ...ai, ...patch } } } } : {};
      });
      try {
        const updated = await aiApi.setCommunityAi(service.api, community.id, patch);
        service.store.setState((s) => {
          const c = s.communities[community.id];
          return c ? { communities: { ...s.communities, [c.id]: { ...c, ai: updated.ai } } } : {};
        });
      } catch (e) {
        await service.refreshCommunity(community.id);
        throw e;
      }
    });
  const setExcluded = (channelId: string, name: string, excluded: boolean) =>
    run(excluded ? `#${name} is kept out of AI.` : `#${name} may use AI again.`, async () => {
      const channel = await aiApi.setChannelExcluded(service.api, channelId, excluded);
      service.store.setState((s) => {
        const c = s.communities[community.id];
        return c ? { communities: { ...s.communities, [c.id]: { ...c, channels: c.channels.map((x) => (x.id === channel.id ? { ...x, ...channel } : x)) } } } : {};
      });
    });

  const canCommunity = has(perms, 'ManageCommunity');
  const canChannels = has(perms, 'ManageChannels');
  const channels = community.channels.filter((c) => c.type === 'text' || c.type === 'voice');
  return (
    <div className="ai-settings">
      {!status.reachable && (
        <p className="ai-warning" role="status">
          The model server is not answering right now. Settings are kept; checks and summaries resume when it answers.
        </p>
      )}
      {canCommunity && (
        <>
          <fieldset>
            <legend>Moderation</legend>
            {modes.map(([mode, label, hint]) => (
              <label key={mode} className="inline ai-choice">
                <input type="radio" name={`ai-moderation-${community.id}`} checked={ai.moderation === mode} onChange={() => void setAi({ moderation: mode }, `Moderation: ${label}.`)} />
                <span>
                  {label}
                  <span className="muted small"> — {hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Assistance</legend>
            <label className="inline ai-choice">
              <input type="checkbox" checked={ai.summaries} onChange={(e) => void setAi({ summaries: e.target.checked }, e.target.checked ? 'Summaries are on.' : 'Summaries are off.')} />
              <span>
                “Catch me up” summaries
                <span className="muted small"> — members can ask for a summary of what they missed in a channel.</span>
              </span>
            </label>
            <p className="muted small">
              Voice message transcripts (set by the server’s operator):{' '}
              {status.transcripts?.enabled
                ? `on${status.transcripts.model ? `, with ${status.transcripts.model}` : ''}; channels kept out of AI get none.`
                : `off${status.transcripts?.detail ? ` — ${status.transcripts.detail}` : ' — no speech-to-text model is configured.'}`}
            </p>
            {'transcripts' in ai && (
              <label className="inline ai-choice">
                <input type="checkbox" checked={Boolean(ai.transcripts)} onChange={(e) => void setAi({ transcripts: e.target.checked }, e.target.checked ? 'Transcripts are on.' : 'Transcripts are off.')} />
                <span>Voice message transcripts</span>
              </label>
            )}
          </fieldset>
        </>
      )}
      {canChannels && (
        <fieldset>
          <legend>Channels kept out of AI</legend>
          <p className="muted small">Nothing of a channel kept out is ever sent to a model: no checks, no summaries, no transcripts.</p>
          {channels.map((c) => {
            const e2ee = Boolean((c as { e2ee?: boolean }).e2ee);
            return (
              <label key={c.id} className="inline ai-choice">
                <input
                  type="checkbox"
                  checked={c.aiExcluded || e2ee}
                  disabled={e2ee}
                  aria-label={`Keep ${c.type === 'text' ? '#' : ''}${c.name} out of AI`}
                  onChange={(e) => void setExcluded(c.id, c.name, e.target.checked)}
                />
                <span>
                  {c.type === 'text' ? `#${c.name}` : `Voice: ${c.name}`}
                  {e2ee && <span className="muted small"> — end-to-end encrypted, always kept out</span>}
                </span>
              </label>
            );
          })}
        </fieldset>
      )}
      <ErrorText error={error} />
      {saved && <p role="status">{saved}</p>}
    </div>
  );
}
