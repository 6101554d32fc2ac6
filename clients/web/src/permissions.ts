import type { Channel, Community, Role } from './api/types';

/** The permission bits of docs/api.md#permissions. */
export const P = {
  Administrator: 0n, ViewChannel: 1n, ManageChannels: 2n, ManageCommunity: 3n, ManageRoles: 4n, CreateInvites: 5n,
  KickMembers: 6n, BanMembers: 7n, ModerateMembers: 8n, ViewAuditLog: 9n, SendMessages: 10n, ManageMessages: 11n,
  ReadMessageHistory: 12n, MentionEveryone: 13n, AttachFiles: 14n, Connect: 15n, Speak: 16n, MuteMembers: 17n,
  DeafenMembers: 18n, MoveMembers: 19n, SendVoiceMessages: 20n, AddReactions: 21n, HandleSupport: 22n,
} as const;
export type PermissionName = keyof typeof P;

const ALL = (1n << 64n) - 1n;
export const bit = (name: PermissionName) => 1n << P[name];
export const has = (perms: bigint, name: PermissionName) => (perms & bit(name)) !== 0n;

/** Community-level permissions, Discord's order: owner and Administrator have everything. */
export function basePermissions(community: Community, userId: string, roleIds: readonly string[]): bigint {
  if (community.ownerId === userId) return ALL;
  const roles = community.roles as Role[];
  let perms = BigInt(roles.find((r) => r.id === community.id)?.permissions ?? '0');
  for (const role of roles) if (roleIds.includes(role.id)) perms |= BigInt(role.permissions);
  return has(perms, 'Administrator') ? ALL : perms;
}

/** Channel permissions: @everyone overwrite, then role overwrites, then the member's own. */
export function channelPermissions(community: Community, channel: Channel, userId: string, roleIds: readonly string[]): bigint {
  let perms = basePermissions(community, userId, roleIds);
  if (perms === ALL) return ALL;
  const overwrites = channel.overwrites ?? [];
  const everyone = overwrites.find((o) => o.id === community.id);
  if (everyone) perms = (perms & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let deny = 0n;
  let allow = 0n;
  for (const o of overwrites) {
    if (o.type === 'role' && o.id !== community.id && roleIds.includes(o.id)) {
      deny |= BigInt(o.deny);
      allow |= BigInt(o.allow);
    }
  }
  perms = (perms & ~deny) | allow;
  const mine = overwrites.find((o) => o.type === 'member' && o.id === userId);
  if (mine) perms = (perms & ~BigInt(mine.deny)) | BigInt(mine.allow);
  return has(perms, 'ViewChannel') ? perms : 0n;
}

/** The highest role position of a member (@everyone is 0). */
export function highestPosition(community: Community, roleIds: readonly string[]): number {
  return Math.max(0, ...community.roles.filter((r) => roleIds.includes(r.id)).map((r) => r.position));
}
