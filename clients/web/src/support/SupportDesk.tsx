import { useEffect, useState } from 'react';
import type { Community } from '../api/types';
import { useChatState } from '../context';
import { basePermissions, has } from '../permissions';
import { navigate } from '../router';
import { AgentConsole } from './AgentConsole';
import { Dashboard } from './Dashboard';
import { DeskSettings } from './DeskSettings';
import { useDesk } from './useDesk';
import './desk.css';

type Tab = 'console' | 'dashboard' | 'settings';

/** The support desk of a community (docs/architecture.md#support-desk-web): agents' console, managers' dashboard, settings. */
export function SupportDesk({ community }: { community: Community }) {
  const me = useChatState((s) => s.me)!;
  const roleIds = useChatState((s) => s.myRoles[community.id] ?? []);
  const perms = basePermissions(community, me.id, roleIds);
  const agent = has(perms, 'HandleSupport');
  const manager = has(perms, 'ManageCommunity');
  const tabs: [Tab, string, boolean][] = [
    ['console', 'Console', agent],
    ['dashboard', 'Dashboard', agent],
    ['settings', 'Desk settings', manager],
  ];
  const allowed = tabs.filter((t) => t[2]);
  const [tab, setTab] = useState<Tab>(allowed[0]?.[0] ?? 'console');
  useEffect(() => {
    if (!allowed.some((t) => t[0] === tab) && allowed[0]) setTab(allowed[0][0]);
  }, [allowed, tab]);

  return (
    <main className="chat support-desk" aria-label="Support desk">
      <header className="chat-header">
        <button type="button" className="back small" onClick={() => navigate(`/channels/${community.id}`)}>
          Back
        </button>
        <h1>Support desk</h1>
        <p className="topic">{community.name}</p>
      </header>
      {allowed.length === 0 ? (
        <p className="desk-empty">You need the HandleSupport permission to answer support chats here.</p>
      ) : (
        <>
          <div role="tablist" aria-label="Support desk sections" className="tabs desk-tabs">
            {allowed.map(([id, label]) => (
              <button key={id} type="button" role="tab" id={`desk-tab-${id}`} aria-selected={tab === id} aria-controls="desk-panel" onClick={() => setTab(id)}>
                {label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id="desk-panel" aria-labelledby={`desk-tab-${tab}`} className="desk-panel">
            {agent && tab !== 'settings' ? <Live community={community} tab={tab} /> : null}
            {tab === 'settings' && manager && <DeskSettings community={community} />}
          </div>
        </>
      )}
    </main>
  );
}

/** Console and dashboard share one live view of the desk, so switching tabs loses nothing. */
function Live({ community, tab }: { community: Community; tab: Tab }) {
  const desk = useDesk(community.id);
  return tab === 'console' ? <AgentConsole community={community} desk={desk} /> : <Dashboard desk={desk} />;
}
