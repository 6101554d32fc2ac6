import { useEffect, useState } from 'react';
import type { Community, Member, PresenceStatus } from '../api/types';
import { useChatState, useService } from '../context';
import { presenceWords } from '../format';
import { basePermissions, has, highestPosition } from '../permissions';

export interface MemberActions {
  canKick: (m: Member) => boolean;
  canBan: (m: Member) => boolean;
  /** Roles this user may give or take (ManageRoles, strictly below their highest role). */
  assignableRoles: (m: Member) => Community['roles'];
}

/** Which moderation controls a member row shows: only what the server would allow (and never on yourself or the owner). */
export function memberActions(community: Community, meId: string, myRoleIds: readonly string[]): MemberActions {
  const perms = basePermissions(community, meId, myRoleIds);
  const mine = community.ownerId === meId ? Infinity : highestPosition(community, myRoleIds);
  const below = (m: Member) => m.user.id !== meId && m.user.id !== community.ownerId && highestPosition(community, m.roleIds) < mine;
  return {
    canKick: (m) => has(perms, 'KickMembers') && below(m),
    canBan: (m) => has(perms, 'BanMembers') && below(m),
    assignableRoles: (m) =>
      has(perms, 'ManageRoles') && (m.user.id === meId || below(m)) ? community.roles.filter((r) => r.id !== community.id && r.position < mine) : [],
  };
}

export function MemberList({ community }: { community: Community }) {
  const service = useService();
  const me = useChatState((s) => s.me)!;
  const members = useChatState((s) => s.members[community.id]);
  const roleIds = useChatState((s) => s.myRoles[community.id] ?? []);
  const presences = useChatState((s) => s.presences);
  const myStatus = useChatState((s) => s.myStatus);
  const relationships = useChatState((s) => s.relationships);
  const [confirming, setConfirming] = useState<{ member: Member; action: 'kick' | 'ban' } | null>(null);
  useEffect(() => {
    void service.loadMembers(community.id).catch((e) => service.fail(e));
  }, [service, community.id]);
  const actions = memberActions(community, me.id, roleIds);
  const status = (id: string): PresenceStatus => {
    const s = (id === me.id ? myStatus : null) ?? presences[id]?.status ?? (id === me.id ? 'online' : 'offline');
    return s === 'invisible' ? 'offline' : s;
  };
  const sorted = [...(members ?? [])].sort((a, b) => a.user.displayName.localeCompare(b.user.displayName));
  return (
    <aside className="members" aria-label="Members">
      <h2 className="section-title">Members — {members?.length ?? community.memberCount}</h2>
      {!members && <p role="status">Loading members…</p>}
      <ul>
        {sorted.map((m) => {
          const st = status(m.user.id);
          const name = m.nickname ?? m.user.displayName;
          return (
            <li key={m.user.id} className="member">
              <span className={`presence-dot ${st}`} aria-hidden="true" />
              <span className="member-name">
                {name}
                {m.user.id === community.ownerId && <span className="muted small"> (owner)</span>}
                <span className="sr-only">, {presenceWords[st]}</span>
              </span>
              <span className="member-actions">
                {m.user.id !== me.id && !relationships[m.user.id] && (
                  <button type="button" className="small" onClick={() => void service.setRelationship(m.user.id, 'friend').catch((e) => service.fail(e))}>
                    Add {name} as a friend
                  </button>
                )}
                {actions.canKick(m) && (
                  <button type="button" className="small" onClick={() => setConfirming({ member: m, action: 'kick' })}>
                    Kick {name}
                  </button>
                )}
                {actions.assignableRoles(m).length > 0 && (
                  <details className="member-roles">
                    <summary>Roles of {name}</summary>
                    {actions.assignableRoles(m).map((r) => (
                      <label key={r.id} className="inline">
                        <input
                          type="checkbox"
                          checked={m.roleIds.includes(r.id)}
                          onChange={async (e) => {
                            try {
                              if (e.target.checked) await service.api.addMemberRole(community.id, m.user.id, r.id);
                              else await service.api.removeMemberRole(community.id, m.user.id, r.id);
                              await service.loadMembers(community.id);
                              if (m.user.id === me.id) await service.loadMyRoles(community.id);
                            } catch (err) {
                              service.fail(err);
                            }
                          }}
                        />{' '}
                        {r.name}
                      </label>
                    ))}
                  </details>
                )}
                {actions.canBan(m) && (
                  <button type="button" className="small danger" onClick={() => setConfirming({ member: m, action: 'ban' })}>
                    Ban {name}
                  </button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      {confirming && (
        <div role="alertdialog" aria-label={`Confirm ${confirming.action}`} className="confirm">
          <p>
            {confirming.action === 'kick' ? 'Kick' : 'Ban'} {confirming.member.user.displayName}?
          </p>
          <button
            type="button"
            className="danger"
            onClick={async () => {
              const { member, action } = confirming;
              setConfirming(null);
              try {
                if (action === 'kick') await service.api.kick(community.id, member.user.id);
                else await service.api.ban(community.id, member.user.id);
                await service.loadMembers(community.id);
              } catch (e) {
                service.fail(e);
              }
            }}
          >
            Confirm {confirming.action}
          </button>
          <button type="button" onClick={() => setConfirming(null)}>
            Cancel
          </button>
        </div>
      )}
    </aside>
  );
}
