import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { ChatService } from './service';
import type { ChatState } from './store';

export const ServiceContext = createContext<ChatService | null>(null);

export function useService(): ChatService {
  const s = useContext(ServiceContext);
  if (!s) throw new Error('No ChatService');
  return s;
}

/** Selects from the store; results are compared shallowly, so selectors may build arrays and objects. */
export function useChatState<T>(selector: (s: ChatState) => T): T {
  return useStore(useService().store, useShallow(selector));
}
