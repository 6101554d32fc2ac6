import type { Message } from '../api/types';
import { pickerEmoji, reactionsOf } from '../notifications';

/**
 * Reaction chips under a message (press to join or take back) and a small picker (docs/api.md#reactions). A message
 * without reactions has no row: its "Add reaction" button sits with the message's other actions (MessageList), and
 * the picker opens here.
 */
export function Reactions({
  message,
  canAdd,
  open,
  setOpen,
  onToggle,
}: {
  message: Message;
  canAdd: boolean;
  open: boolean;
  setOpen: (open: boolean) => void;
  onToggle: (emoji: string, add: boolean) => void;
}) {
  const reactions = reactionsOf(message);
  if (reactions.length === 0 && !open) return null;
  return (
    <div className="reactions">
      {reactions.map((r) => (
        <button
          key={r.emoji}
          type="button"
          className={`reaction${r.me ? ' mine' : ''}`}
          aria-pressed={r.me}
          aria-label={`${r.emoji} ${r.count} ${r.count === 1 ? 'reaction' : 'reactions'}${r.me ? ', including yours' : ''}`}
          onClick={() => onToggle(r.emoji, !r.me)}
        >
          {r.emoji} {r.count}
        </button>
      ))}
      {canAdd && reactions.length > 0 && (
        <button type="button" className="reaction add" aria-label="Add reaction" aria-expanded={open} onClick={() => setOpen(!open)}>
          ☺+
        </button>
      )}
      {open && (
        <div className="reaction-picker" role="menu" aria-label="Pick a reaction">
          {pickerEmoji.map((e) => (
            <button
              key={e}
              type="button"
              role="menuitem"
              aria-label={`React with ${e}`}
              onClick={() => {
                setOpen(false);
                if (!reactions.some((r) => r.emoji === e && r.me)) onToggle(e, true);
              }}
            >
              {e}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
