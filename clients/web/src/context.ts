import { createContext, useContext } from 'react';
import type { ChatService } from './service';
import { useChat } from './store';
import type { ChatState } from './store';

export const ServiceContext = createContext<ChatService | null>(null);

export function useService(): ChatService {
  const s = useContext(ServiceContext);
  if (!s) throw new Error('No ChatService');
  return s;
}

export function useChatState<T>(selector: (s: ChatState) => T): T {
  return useChat(useService().store, selector);
}
