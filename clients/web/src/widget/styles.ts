// The widget's styles live inside its shadow root: the host page's CSS cannot reach in and ours cannot leak out.
// Colours pass WCAG AA on their backgrounds (white on #0a5bc4 is 6.4:1, #4a5568 on white 7.5:1).
export const css = `
:host { all: initial; }
* { box-sizing: border-box; }
.root { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a202c; }
button, input, textarea { font: inherit; }
button { cursor: pointer; border-radius: 6px; border: 1px solid #0a5bc4; background: #fff; color: #0a4a9e; padding: 6px 12px; }
button.primary { background: #0a5bc4; color: #fff; }
button:disabled { opacity: .6; cursor: default; }
button:focus-visible, input:focus-visible, textarea:focus-visible, a:focus-visible { outline: 3px solid #f6ad55; outline-offset: 2px; }
.launcher { border-radius: 24px; padding: 12px 20px; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.panel { width: min(360px, calc(100vw - 40px)); height: min(540px, calc(100vh - 40px)); background: #fff; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.3); display: flex; flex-direction: column; overflow: hidden; }
.head { display: flex; align-items: center; justify-content: space-between; background: #0a5bc4; color: #fff; padding: 10px 14px; }
.head h2 { margin: 0; font-size: 16px; }
.head button { background: transparent; color: #fff; border-color: #fff; padding: 2px 10px; }
.body { flex: 1; overflow: auto; padding: 12px 14px; display: flex; flex-direction: column; gap: 10px; }
form { display: flex; flex-direction: column; gap: 8px; }
label { font-weight: 600; font-size: 14px; display: flex; flex-direction: column; gap: 4px; }
input, textarea { border: 1px solid #718096; border-radius: 6px; padding: 7px 9px; color: #1a202c; background: #fff; font-weight: 400; }
textarea { resize: vertical; min-height: 60px; }
.status { background: #ebf4ff; color: #1a365d; border-radius: 8px; padding: 8px 10px; margin: 0; }
.status.closed { background: #edf2f7; color: #2d3748; }
.log { flex: 1; display: flex; flex-direction: column; gap: 8px; margin: 0; padding: 0; list-style: none; }
.msg { max-width: 85%; padding: 6px 10px; border-radius: 10px; background: #edf2f7; align-self: flex-start; white-space: pre-wrap; word-wrap: break-word; }
.msg.mine { background: #0a5bc4; color: #fff; align-self: flex-end; }
.msg .who { display: block; font-size: 12px; font-weight: 700; }
.footer { padding: 10px 14px; border-top: 1px solid #cbd5e0; display: flex; flex-direction: column; gap: 8px; max-height: 65%; overflow: auto; }
.composer { display: flex; gap: 6px; padding: 10px 14px; border-top: 1px solid #cbd5e0; }
.composer textarea { flex: 1; min-height: 40px; height: 40px; }
.error { color: #9b2c2c; background: #fff5f5; border-radius: 6px; padding: 6px 8px; margin: 0; }
.muted { color: #4a5568; font-size: 13px; margin: 0; }
fieldset { border: 1px solid #cbd5e0; border-radius: 8px; padding: 8px 10px; margin: 0; }
legend { font-weight: 600; padding: 0 4px; }
.stars { display: flex; gap: 4px; }
.stars button { min-width: 40px; }
.stars button[aria-pressed="true"] { background: #0a5bc4; color: #fff; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
