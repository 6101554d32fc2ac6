import { useEffect, useState, type FormEvent } from 'react';
import type { AuditEntry, Ban, Community } from '../api/types';
import { useChatState, useService } from '../context';
import { navigate } from '../router';
import { basePermissions, bit, has, P, type PermissionName } from '../permissions';
import { Dialog } from './Dialog';
import { ErrorText } from './ErrorText';
import { AiSettings } from '../ai/AiSettings';

type Tab = 'overview' | 'roles' | 'overwrites' | 'ai' | 'bans' | 'audit';

export function CommunitySettings({ community, onClose }: { community: Community; onClose: () => void }) {
  const me = useChatState((s) => s.me)!;
  const roleIds = useChatState((s) => s.myRoles[community.id] ?? []);
  const perms = basePermissions(community, me.id, roleIds);
  const tabs: [Tab, string, boolean][] = [
    ['overview', 'Overview', has(perms, 'ManageCommunity')],
    ['roles', 'Roles', has(perms, 'ManageRoles')],
    ['overwrites', 'Channel permissions', has(perms, 'ManageRoles') || has(perms, 'ManageChannels')],
    ['ai', 'AI assistance', has(perms, 'ManageCommunity') || has(perms, 'ManageChannels')],
    ['bans', 'Bans', has(perms, 'BanMembers')],
    ['audit', 'Audit log', has(perms, 'ViewAuditLog')],
  ];
  const allowed = tabs.filter((t) => t[2]);
  const [tab, setTab] = useState<Tab>(allowed[0]?.[0] ?? 'overview');
  return (
    <Dialog title={`${community.name} settings`} onClose={onClose} wide>
      <div role="tablist" aria-label="Settings sections" className="tabs">
        {allowed.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="tab-panel">
        {tab === 'overview' && <Overview community={community} isOwner={community.ownerId === me.id} onClose={onClose} />}
        {tab === 'roles' && <Roles community={community} />}
        {tab === 'overwrites' && <Overwrites community={community} />}
        {tab === 'ai' && <AiSettings community={community} />}
        {tab === 'bans' && <Bans community={community} />}
        {tab === 'audit' && <Audit community={community} />}
      </div>
    </Dialog>
  );
}

function useError() {
  const [error, setError] = useState<string | null>(null);
  const run = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const view = <ErrorText error={error} />;
  return [run, view] as const;
}

function Overview({ community, isOwner, onClose }: { community: Community; isOwner: boolean; onClose: () => void }) {
  const service = useService();
  const [name, setName] = useState(community.name);
  const [description, setDescription] = useState(community.description);
  const [saved, setSaved] = useState(false);
  const [run, error] = useError();
  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await service.api.updateCommunity(community.id, { name, description });
      await service.refreshCommunity(community.id);
      setSaved(true);
    });
  };
  return (
    <form onSubmit={save}>
      <label>
        Community name
        <input required minLength={2} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Description
        <textarea maxLength={1000} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <button type="submit" className="primary">
        Save changes
      </button>
      {saved && <p role="status">Saved.</p>}
      {error}
      {isOwner && (
        <button
          type="button"
          className="danger"
          onClick={() =>
            void run(async () => {
              if (!confirm(`Delete ${community.name} for everyone?`)) return;
              await service.api.deleteCommunity(community.id);
              service.store.setState((s) => ({ communityOrder: s.communityOrder.filter((id) => id !== community.id) }));
              onClose();
              navigate('/channels/@me');
            })
          }
        >
          Delete community
        </button>
      )}
    </form>
  );
}

const editable: PermissionName[] = (Object.keys(P) as PermissionName[]).filter((p) => p !== 'Administrator');

function Roles({ community }: { community: Community }) {
  const service = useService();
  const [name, setName] = useState('');
  const [run, error] = useError();
  const roles = [...community.roles].sort((a, b) => b.position - a.position);
  const toggle = (roleId: string, current: string, p: PermissionName) =>
    run(async () => {
      await service.api.updateRole(community.id, roleId, { permissions: (BigInt(current) ^ bit(p)).toString() });
      await service.refreshCommunity(community.id);
    });
  return (
    <div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await service.api.createRole(community.id, { name: name.trim() });
            setName('');
            await service.refreshCommunity(community.id);
          });
        }}
      >
        <label>
          New role name
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit">Create role</button>
      </form>
      {error}
      {roles.map((r) => (
        <details key={r.id} className="role">
          <summary>{r.id === community.id ? '@everyone' : r.name}</summary>
          <fieldset>
            <legend>Permissions of {r.id === community.id ? '@everyone' : r.name}</legend>
            {editable.map((p) => (
              <label key={p} className="inline perm">
                <input type="checkbox" checked={has(BigInt(r.permissions), p)} onChange={() => void toggle(r.id, r.permissions, p)} /> {p}
              </label>
            ))}
          </fieldset>
          {r.id !== community.id && (
            <button
              type="button"
              className="danger"
              onClick={() =>
                void run(async () => {
                  await service.api.deleteRole(community.id, r.id);
                  await service.refreshCommunity(community.id);
                })
              }
            >
              Delete role {r.name}
            </button>
          )}
        </details>
      ))}
    </div>
  );
}

function Overwrites({ community }: { community: Community }) {
  const service = useService();
  const channels = community.channels.filter((c) => c.communityId);
  const [channelId, setChannelId] = useState(channels[0]?.id ?? '');
  const [roleId, setRoleId] = useState(community.id);
  const [run, error] = useError();
  const channel = community.channels.find((c) => c.id === channelId);
  const ow = channel?.overwrites.find((o) => o.id === roleId);
  const allow = BigInt(ow?.allow ?? '0');
  const deny = BigInt(ow?.deny ?? '0');
  const set = (p: PermissionName, state: 'allow' | 'deny' | 'inherit') =>
    run(async () => {
      const b = bit(p);
      const a = state === 'allow' ? allow | b : allow & ~b;
      const d = state === 'deny' ? deny | b : deny & ~b;
      await service.api.putOverwrite(channelId, roleId, { type: 'role', allow: a.toString(), deny: d.toString() });
      await service.refreshCommunity(community.id);
    });
  const shown: PermissionName[] = ['ViewChannel', 'SendMessages', 'ReadMessageHistory', 'ManageMessages', 'MentionEveryone', 'Connect', 'Speak'];
  return (
    <div>
      <div className="row">
        <label>
          Channel
          <select value={channelId} onChange={(e) => setChannelId(e.target.value)}>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.type === 'text' ? '#' : 'Voice:'} {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Role
          <select value={roleId} onChange={(e) => setRoleId(e.target.value)}>
            {community.roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id === community.id ? '@everyone' : r.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error}
      <table>
        <thead>
          <tr>
            <th scope="col">Permission</th>
            <th scope="col">Allow</th>
            <th scope="col">Inherit</th>
            <th scope="col">Deny</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((p) => {
            const state = allow & bit(p) ? 'allow' : deny & bit(p) ? 'deny' : 'inherit';
            return (
              <tr key={p}>
                <th scope="row">{p}</th>
                {(['allow', 'inherit', 'deny'] as const).map((s) => (
                  <td key={s}>
                    <input type="radio" name={`ow-${p}`} aria-label={`${p}: ${s}`} checked={state === s} onChange={() => void set(p, s)} />
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Loads once per community; the error, if any, in words. */
function useLoaded<T>(load: () => Promise<T>, key: string) {
  const [value, setValue] = useState<T | null>(null);
  const [run, error] = useError();
  useEffect(() => {
    void run(async () => setValue(await load()));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return [value, setValue, run, error] as const;
}

function Bans({ community }: { community: Community }) {
  const service = useService();
  const [bans, setBans, run, error] = useLoaded<Ban[]>(() => service.api.bans(community.id), community.id);
  if (!bans) return <p role="status">Loading bans…</p>;
  return (
    <div>
      {error}
      {bans.length === 0 && <p>Nobody is banned.</p>}
      <ul>
        {bans.map((b) => (
          <li key={b.user.id} className="row">
            {b.user.displayName} {b.reason && <span className="muted">— {b.reason}</span>}
            <button
              type="button"
              onClick={() =>
                void run(async () => {
                  await service.api.unban(community.id, b.user.id);
                  setBans(bans.filter((x) => x.user.id !== b.user.id));
                })
              }
            >
              Unban {b.user.displayName}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Audit({ community }: { community: Community }) {
  const service = useService();
  const users = useChatState((s) => s.users);
  const [entries, , , error] = useLoaded<AuditEntry[]>(() => service.api.auditLog(community.id), community.id);
  if (!entries) return <p role="status">Loading the audit log…</p>;
  const who = (id: string | null) => {
    if (!id) return '';
    const channel = community.channels.find((c) => c.id === id);
    const role = community.roles.find((r) => r.id === id);
    return users[id]?.displayName ?? (channel ? `#${channel.name}` : role ? `@${role.name}` : id);
  };
  return (
    <div>
      {error}
      <table aria-label="Audit log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
          </tr>
        </thead>
        <tbody>
          {[...entries].reverse().map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.createdAt).toLocaleString()}</td>
              <td>{who(e.actorId)}</td>
              <td>{e.action}</td>
              <td>
                {who(e.targetId)} {e.reason && <span className="muted">({e.reason})</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
