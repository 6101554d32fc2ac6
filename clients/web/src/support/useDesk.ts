import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useChatState, useService } from '../context';
import { SupportApi, type Conversation, type SupportMessage, type SupportStats } from './api';

/** Merges one conversation into a list (newest state wins), oldest first. */
export function upsertConversation(list: Conversation[], c: Conversation): Conversation[] {
  const rest = list.filter((x) => x.id !== c.id);
  return [...rest, c].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

/**
 * The desk's live state for the console and the dashboard: the open conversations (queued and assigned), the
 * figures, kept current by `SupportConversationUpdated` events and read again after every reconnect.
 */
export function useDesk(communityId: string) {
  const service = useService();
  const api = useMemo(() => new SupportApi(service.api), [service]);
  const connection = useChatState((s) => s.connection);
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [stats, setStats] = useState<SupportStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const statsTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const loadStats = useCallback(() => {
    api.stats(communityId).then(
      (s) => setStats(s),
      (e: Error) => setError(e.message),
    );
  }, [api, communityId]);

  // Events come in bursts (a close assigns the next in the queue): the figures are read at most every 300 ms.
  const statsSoon = useCallback(() => {
    if (statsTimer.current) return;
    statsTimer.current = setTimeout(() => {
      statsTimer.current = undefined;
      loadStats();
    }, 300);
  }, [loadStats]);

  const reload = useCallback(async () => {
    try {
      const [queued, assigned] = await Promise.all([api.conversations(communityId, 'queued'), api.conversations(communityId, 'assigned')]);
      setConversations([...queued, ...assigned].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    loadStats();
  }, [api, communityId, loadStats]);

  // Watch first, then read: a change in between arrives as an event, none is missed. Again after every reconnect.
  useEffect(() => {
    if (connection !== 'online') return;
    let live = true;
    service.watchSupportDesk(communityId).then(
      () => live && void reload(),
      (e: Error) => live && setError(e.message.replace(/^.*HubException: /, '')),
    );
    return () => {
      live = false;
      void service.watchSupportDesk(communityId, false).catch(() => undefined);
    };
  }, [service, communityId, connection, reload]);

  useEffect(() => {
    const off = service.onGatewayEvent('SupportConversationUpdated', (p) => {
      const c = p as Conversation;
      if (c.communityId !== communityId) return;
      setConversations((list) => (c.status === 'closed' ? list.filter((x) => x.id !== c.id) : upsertConversation(list, c)));
      statsSoon();
    });
    // Agents going available or away send no conversation event: the figures are also read every 10 s.
    const every = setInterval(loadStats, 10_000);
    return () => {
      off();
      clearInterval(every);
      clearTimeout(statsTimer.current);
      statsTimer.current = undefined;
    };
  }, [service, communityId, statsSoon, loadStats]);

  return { api, conversations, setConversations, stats, error, setError, reload, loadStats };
}

/** One conversation's messages: loaded once, then live from `MessageCreated` (its channel id is the conversation id). */
export function useConversationMessages(api: SupportApi, conversationId: string | null) {
  const service = useService();
  const connection = useChatState((s) => s.connection);
  const [messages, setMessages] = useState<SupportMessage[]>([]);
  const add = useCallback((m: SupportMessage) => {
    setMessages((list) => (list.some((x) => x.id === m.id) ? list : [...list, m].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))));
  }, []);
  useEffect(() => {
    setMessages([]);
    if (!conversationId || connection !== 'online') return;
    let live = true;
    api.messages(conversationId).then(
      (list) => live && list.forEach(add),
      () => undefined,
    );
    const off = service.onGatewayEvent('MessageCreated', (p) => {
      const m = p as SupportMessage;
      if (m.channelId === conversationId) add(m);
    });
    return () => {
      live = false;
      off();
    };
  }, [api, service, conversationId, connection, add]);
  return { messages, add };
}
