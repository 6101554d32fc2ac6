import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { ServiceContext } from '../context';
import { ChatService } from '../service';
import { TokenStore } from '../api/http';
import { ChannelList } from './ChannelList';
import { memberActions } from './MemberList';
import { ME, OTHER, community, user } from '../test/fixtures';
import { channelPermissions, has } from '../permissions';
import type { Member } from '../api/types';

const member = (id: string, roleIds: string[] = []): Member => ({ communityId: '1', user: user(id), nickname: null, roleIds, joinedAt: '2026-01-01T00:00:00Z' });
const modRole = { id: '5', name: 'Mods', permissions: ((1n << 6n) | (1n << 7n)).toString(), position: 2, color: 0, mentionable: false };
const lowRole = { id: '6', name: 'Regulars', permissions: '0', position: 1, color: 0, mentionable: false };

describe('memberActions', () => {
  it('plain members get no moderation controls', () => {
    const actions = memberActions(community({}, [modRole]), ME, []);
    expect(actions.canKick(member(OTHER))).toBe(false);
    expect(actions.canBan(member(OTHER))).toBe(false);
  });

  it('moderators act only on members strictly below them, never on the owner or themselves', () => {
    const c = community({}, [modRole, lowRole]);
    const actions = memberActions(c, ME, ['5']);
    expect(actions.canKick(member(OTHER, ['6']))).toBe(true);
    expect(actions.canBan(member(OTHER))).toBe(true);
    expect(actions.canKick(member(OTHER, ['5']))).toBe(false);
    expect(actions.canKick(member('999'))).toBe(false);
    expect(actions.canKick(member(ME, ['5']))).toBe(false);
  });

  it('roles can be given only with Manage Roles, and only roles below one\'s own', () => {
    const managerRole = { id: '7', name: 'Managers', permissions: (1n << 4n).toString(), position: 3, color: 0, mentionable: false };
    const c = community({}, [modRole, lowRole, managerRole]);
    expect(memberActions(c, ME, []).assignableRoles(member(OTHER))).toEqual([]);
    expect(memberActions(c, ME, ['7']).assignableRoles(member(OTHER)).map((r) => r.name)).toEqual(['Mods', 'Regulars']);
  });

  it('the owner may act on everyone else', () => {
    const actions = memberActions(community({ ownerId: ME }, [modRole]), ME, []);
    expect(actions.canBan(member(OTHER, ['5']))).toBe(true);
  });
});

describe('channel overwrites', () => {
  it('a denied ViewChannel hides the channel; a member allow wins over a role deny', () => {
    const c = community({}, [lowRole]);
    const ch = { ...c.channels[0], overwrites: [{ id: '6', type: 'role' as const, allow: '0', deny: (1n << 10n).toString() }, { id: ME, type: 'member' as const, allow: (1n << 10n).toString(), deny: '0' }] };
    expect(has(channelPermissions(c, ch, ME, ['6']), 'SendMessages')).toBe(true);
    expect(has(channelPermissions(c, ch, OTHER, ['6']), 'SendMessages')).toBe(false);
    const hidden = { ...ch, overwrites: [{ id: '1', type: 'role' as const, allow: '0', deny: (1n << 1n).toString() }] };
    expect(channelPermissions(c, hidden, OTHER, [])).toBe(0n);
  });
});

function renderChannelList(ownerId: string) {
  const service = new ChatService('http://chaos.test', new TokenStore(null));
  const c = community({ ownerId });
  service.store.setState({ me: { ...user(ME, 'Me'), statusMessage: null }, communities: { '1': c }, communityOrder: ['1'], myRoles: { '1': [] } });
  render(
    <ServiceContext.Provider value={service}>
      <ChannelList community={c} />
    </ServiceContext.Provider>,
  );
}

describe('ChannelList menus', () => {
  it('a member without permissions sees channels and invites, no settings, no channel creation', () => {
    renderChannelList('999');
    expect(screen.getByRole('navigation', { name: 'Channels' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'general' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Invite people' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Community settings' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Create channel' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Leave community' })).toBeInTheDocument();
  });

  it('the owner sees settings and channel creation, and cannot leave', () => {
    renderChannelList(ME);
    expect(screen.getByRole('button', { name: 'Community settings' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create channel' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Leave community' })).toBeNull();
  });
});
