import { useEffect } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { useService } from '../context';
import { voiceEngineFor, type VoiceEngine } from './engine';
import type { VoiceUiState } from './types';

/** This tab's voice engine; opening its gateway connection on first use. */
export function useVoiceEngine(): VoiceEngine {
  const engine = voiceEngineFor(useService());
  useEffect(() => {
    void engine.connect();
  }, [engine]);
  return engine;
}

export function useVoiceState<T>(selector: (s: VoiceUiState) => T): T {
  return useStore(useVoiceEngine().store, useShallow(selector));
}
