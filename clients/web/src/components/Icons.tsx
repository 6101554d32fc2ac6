/**
 * Small inline SVG icons. Emoji glyphs such as a bell or a pin are missing from many systems' fonts (they show as an
 * empty box), so the interface draws its own icons; they inherit the text colour and are hidden from screen readers.
 */
const common = { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': true, focusable: false } as const;

export function BellIcon({ off = false }: { off?: boolean }) {
  return (
    <svg {...common} className="icon" data-icon={off ? 'bell-off' : 'bell'}>
      <path
        d="M8 1.5a4 4 0 0 0-4 4v2.8L2.5 11v.8h11V11L12 8.3V5.5a4 4 0 0 0-4-4zM6.3 13a1.8 1.8 0 0 0 3.4 0z"
        fill="currentColor"
      />
      {off && <path d="M2 2l12 12" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />}
    </svg>
  );
}

export function PinIcon() {
  return (
    <svg {...common} className="icon" data-icon="pin">
      <path d="M5 1.5h6l-1 1.2v3.6l2.5 2.6v1H8.7V15H7.3V9.9H3.5v-1L6 6.3V2.7z" fill="currentColor" />
    </svg>
  );
}

export function PaperclipIcon() {
  return (
    <svg {...common} className="icon" data-icon="paperclip">
      <path
        d="M10.5 4.5l-5 5a1.2 1.2 0 0 0 1.7 1.7l5.3-5.3a2.6 2.6 0 0 0-3.7-3.7L3.4 7.6a4 4 0 0 0 5.7 5.7l4.4-4.4"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinecap="round"
      />
    </svg>
  );
}
