import './voice.css';
import type { Channel, Community } from '../api/types';
import { useChatState } from '../context';
import { navigate } from '../router';
import { useVoiceState } from './hooks';
import { LockMark } from '../e2ee/EncryptionHeader';

/** A voice channel in the channel list: a link to its room, and who is in it (with speaking indicators). */
export function VoiceChannelItem({ community, channel, active }: { community: Community; channel: Channel; active: boolean }) {
  const participants = useVoiceState((s) => Object.values(s.rooms[channel.id] ?? {}));
  const speaking = useVoiceState((s) => s.speaking);
  const users = useChatState((s) => s.users);
  const href = `/channels/${community.id}/${channel.id}`;
  return (
    <>
      {/* A button, not a link: "link" is the text channels' role (WEB.md), and a voice "General" must not match a text "general". */}
      <button
        type="button"
        className={`channel voice${active ? ' active' : ''}`}
        aria-current={active ? 'page' : undefined}
        onClick={() => navigate(href)}
      >
        <svg aria-hidden="true" width="14" height="14" viewBox="0 0 24 24" className="voice-icon">
          <path d="M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z" fill="currentColor" />
        </svg>
        {channel.name}
        <span className="sr-only"> (voice channel)</span>
        <LockMark channel={channel} />
      </button>
      {participants.length > 0 && (
        <ul className="voice-participants-mini" aria-label={`In ${channel.name}`}>
          {participants.map((p) => {
            const on = !!speaking[p.userId] || p.speaking;
            return (
              <li key={p.userId} className={on ? 'speaking' : undefined}>
                <span className="speaking-dot" aria-hidden="true" />
                {users[p.userId]?.displayName ?? p.userId}
                {on && <span className="sr-only"> (speaking)</span>}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
