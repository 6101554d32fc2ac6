import './voice.css';
import { useEffect, useState } from 'react';
import type { Channel, Community } from '../api/types';
import { useChatState } from '../context';
import { channelPermissions, basePermissions, has, highestPosition } from '../permissions';
import { useVoiceEngine, useVoiceState } from './hooks';
import type { VoiceState } from './types';
import { EncryptionHeader } from '../e2ee/EncryptionHeader';

const keyName = (code: string) => code.replace(/^Key/, '').replace(/^Digit/, '').replace('Backquote', '`');

/** A voice channel's page: join/leave, mute/deafen, the participants, and the voice settings (WEB.md's names). */
export function VoiceRoom({ channel, community, onBack }: { channel: Channel; community: Community; onBack?: () => void }) {
  const engine = useVoiceEngine();
  const me = useChatState((s) => s.me)!;
  const myRoles = useChatState((s) => s.myRoles[community.id] ?? []);
  const users = useChatState((s) => s.users);
  const v = useVoiceState((s) => s);
  const participants = Object.values(v.rooms[channel.id] ?? {});
  const inHere = v.joinedChannelId === channel.id;
  const mine = inHere ? v.rooms[channel.id]?.[me.id] : undefined;
  const perms = channelPermissions(community, channel, me.id, myRoles);
  const canConnect = has(perms, 'Connect');
  const wanted = engine.wantedSelf;
  const selfMute = mine?.selfMute ?? wanted.selfMute;
  const selfDeaf = mine?.selfDeaf ?? wanted.selfDeaf;
  const name = (id: string) => users[id]?.displayName ?? id;

  return (
    <main className="chat voice-room" aria-label={`Voice channel ${channel.name}`}>
      <header className="chat-header">
        {onBack && (
          <button type="button" className="back" onClick={onBack} aria-label="Back to the list">
            ←
          </button>
        )}
        <h1>🔊 {channel.name}</h1>
        <EncryptionHeader channel={channel} community={community} />
        <p className="topic" role="status">
          {v.connection === 'reconnecting' ? 'Voice connection lost. Reconnecting…' : v.joining ? 'Joining…' : inHere ? 'Voice connected' : v.joinedChannelId ? 'You are in another voice channel' : ''}
        </p>
      </header>
      <div className="voice-body">
        <div className="voice-controls">
          {inHere ? (
            <button type="button" className="danger" onClick={() => void engine.leave()}>
              Leave voice
            </button>
          ) : (
            <button type="button" className="primary" disabled={!canConnect || v.joining} onClick={() => void engine.join(channel.id)}>
              Join voice
            </button>
          )}
          <button type="button" aria-pressed={selfMute} onClick={() => void engine.toggleMute()}>
            Mute
          </button>
          <button type="button" aria-pressed={selfDeaf} onClick={() => void engine.toggleDeafen()}>
            Deafen
          </button>
          {mine?.mute && <span className="voice-flag">Server muted</span>}
          {mine?.deaf && <span className="voice-flag">Server deafened</span>}
          {!canConnect && <p className="muted">You do not have permission to connect to this channel.</p>}
        </div>
        {v.error && (
          <p className="error" role="alert">
            {v.error}
          </p>
        )}
        <ul className="voice-participants" aria-label={`Participants in ${channel.name}`}>
          {participants.length === 0 && <li className="muted">Nobody is here yet.</li>}
          {participants.map((p) => (
            <Participant
              key={p.userId}
              state={p}
              name={name(p.userId)}
              isMe={p.userId === me.id}
              speaking={!!v.speaking[p.userId] || p.speaking}
              volume={v.volumes[p.userId] ?? 1}
              community={community}
              channel={channel}
              myRoles={myRoles}
              meId={me.id}
            />
          ))}
        </ul>
        <VoiceSettings />
      </div>
    </main>
  );
}

function Participant(props: {
  state: VoiceState;
  name: string;
  isMe: boolean;
  speaking: boolean;
  volume: number;
  community: Community;
  channel: Channel;
  myRoles: string[];
  meId: string;
}) {
  const engine = useVoiceEngine();
  const members = useChatState((s) => s.members[props.community.id]);
  const [menu, setMenu] = useState(false);
  const { state: p, name, community } = props;
  const perms = basePermissions(community, props.meId, props.myRoles);
  const targetRoles = members?.find((m) => m.user.id === p.userId)?.roleIds ?? [];
  const outranks = community.ownerId === props.meId || (p.userId !== community.ownerId && highestPosition(community, props.myRoles) > highestPosition(community, targetRoles));
  const canMute = has(perms, 'MuteMembers');
  const canDeafen = has(perms, 'DeafenMembers');
  const canMove = has(perms, 'MoveMembers');
  const moderator = !props.isMe && outranks && (canMute || canDeafen || canMove);
  const others = community.channels.filter((c) => c.type === 'voice' && c.id !== props.channel.id && has(channelPermissions(community, c, props.meId, props.myRoles), 'Connect'));
  const act = (patch: { mute?: boolean; deaf?: boolean; channelId?: string | null }) => {
    setMenu(false);
    void engine.moderate(community.id, p.userId, patch);
  };
  const flags = [p.selfMute && 'Muted', p.selfDeaf && 'Deafened', p.mute && 'Server muted', p.deaf && 'Server deafened'].filter(Boolean).join(', ');
  return (
    <li className={`voice-participant${props.speaking ? ' speaking' : ''}`} data-speaking={props.speaking} data-user-id={p.userId}>
      <span className="voice-avatar" aria-hidden="true">
        {name.slice(0, 1).toUpperCase()}
      </span>
      <span className="voice-name">
        {name}
        {props.isMe && ' (you)'}
        {props.speaking && <span className="voice-speaking"> speaking</span>}
        {flags && <span className="voice-flags"> — {flags}</span>}
      </span>
      {!props.isMe && (
        <label className="voice-volume">
          <span className="sr-only">Volume for {name}</span>
          <input type="range" min={0} max={200} step={5} value={Math.round(props.volume * 100)} onChange={(e) => engine.setVolume(p.userId, Number(e.target.value) / 100)} />
        </label>
      )}
      {moderator && (
        <div className="voice-menu">
          <button type="button" className="small" aria-haspopup="menu" aria-expanded={menu} onClick={() => setMenu(!menu)} aria-label={`Voice options for ${name}`}>
            ⋯
          </button>
          {menu && (
            <div role="menu" aria-label={`Voice options for ${name}`} className="menu">
              {canMute && (
                <button type="button" role="menuitem" onClick={() => act({ mute: !p.mute })}>
                  {p.mute ? 'Server unmute' : 'Server mute'}
                </button>
              )}
              {canDeafen && (
                <button type="button" role="menuitem" onClick={() => act({ deaf: !p.deaf })}>
                  {p.deaf ? 'Server undeafen' : 'Server deafen'}
                </button>
              )}
              {canMove &&
                others.map((c) => (
                  <button key={c.id} type="button" role="menuitem" onClick={() => act({ channelId: c.id })}>
                    Move to {c.name}
                  </button>
                ))}
              {canMove && (
                <button type="button" role="menuitem" onClick={() => act({ channelId: null })}>
                  Disconnect
                </button>
              )}
            </div>
          )}
        </div>
      )}
    </li>
  );
}

function VoiceSettings() {
  const engine = useVoiceEngine();
  const v = useVoiceState((s) => ({ mode: s.mode, key: s.pushToTalkKey, held: s.pushToTalkHeld, input: s.inputDeviceId, output: s.outputDeviceId, level: s.micLevel, joined: s.joinedChannelId }));
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [capturing, setCapturing] = useState(false);
  useEffect(() => {
    const md = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (!md?.enumerateDevices) return;
    const refresh = () => void md.enumerateDevices().then(setDevices, () => undefined);
    refresh();
    md.addEventListener?.('devicechange', refresh);
    return () => md.removeEventListener?.('devicechange', refresh);
  }, [v.joined]);
  useEffect(() => {
    if (!capturing) return;
    const onKey = (e: KeyboardEvent) => {
      e.preventDefault();
      engine.setPushToTalkKey(e.code);
      setCapturing(false);
    };
    window.addEventListener('keydown', onKey, { once: true });
    return () => window.removeEventListener('keydown', onKey);
  }, [capturing, engine]);
  const inputs = devices.filter((d) => d.kind === 'audioinput');
  const outputs = devices.filter((d) => d.kind === 'audiooutput');
  return (
    <section className="voice-settings" aria-label="Voice settings">
      <h2>Voice settings</h2>
      <label>
        Microphone
        <select value={v.input} onChange={(e) => void engine.setInputDevice(e.target.value)}>
          <option value="">Default microphone</option>
          {inputs
            .filter((d) => d.deviceId && d.deviceId !== 'default')
            .map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label || `Microphone ${i + 1}`}
              </option>
            ))}
        </select>
      </label>
      <label>
        Speaker
        <select value={v.output} onChange={(e) => void engine.setOutputDevice(e.target.value)}>
          <option value="">Default speaker</option>
          {outputs
            .filter((d) => d.deviceId && d.deviceId !== 'default')
            .map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label || `Speaker ${i + 1}`}
              </option>
            ))}
        </select>
      </label>
      <fieldset>
        <legend>Input mode</legend>
        <label className="inline">
          <input type="radio" name="voice-mode" checked={v.mode === 'voice-activity'} onChange={() => engine.setMode('voice-activity')} /> Voice activity
        </label>
        <label className="inline">
          <input type="radio" name="voice-mode" checked={v.mode === 'push-to-talk'} onChange={() => engine.setMode('push-to-talk')} /> Push to talk
        </label>
      </fieldset>
      {v.mode === 'push-to-talk' && (
        <p>
          <button type="button" onClick={() => setCapturing(true)} aria-label={`Push-to-talk key: ${keyName(v.key)}. Change`}>
            {capturing ? 'Press a key…' : `Key: ${keyName(v.key)}`}
          </button>{' '}
          {v.held ? 'Talking' : 'Hold the key to talk'}
        </p>
      )}
      {v.joined && (
        <label>
          Microphone level
          <meter min={0} max={1} value={v.level} />
        </label>
      )}
    </section>
  );
}
