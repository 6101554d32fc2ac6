// Entry of widget.js (built separately from the app by vite.widget.config.ts): reads its own <script> tag.
import { SupportWidget } from './widget';

declare global {
  interface Window {
    ChaosSupport?: SupportWidget;
  }
}

const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-community][src*="widget"]');
const communityId = script?.dataset.community;
if (script && communityId && !window.ChaosSupport) {
  const origin = script.dataset.origin || new URL(script.src, location.href).origin;
  const start = () => (window.ChaosSupport = new SupportWidget({ origin, communityId, title: script.dataset.title }));
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
} else if (!communityId) {
  console.warn('CHAOS support widget: add data-community="<community id>" to its script tag.');
}
