import { useId, useState, type KeyboardEvent } from 'react';
import type { Message, User } from '../api/types';
import { ErrorText } from './ErrorText';

export interface ComposerProps {
  label: string;
  candidates: User[];
  replyTo?: Message | null;
  editing?: Message | null;
  disabled?: boolean;
  onSend: (content: string) => Promise<unknown> | void;
  onSaveEdit?: (content: string) => Promise<unknown> | void;
  onCancel?: () => void;
  onTyping?: () => void;
}

/** The message box: Enter sends, Shift+Enter is a new line, `@` offers mentions (arrows + Enter/Tab pick one). */
export function Composer(props: ComposerProps) {
  const [text, setText] = useState(props.editing?.content ?? '');
  const [editingId, setEditingId] = useState(props.editing?.id);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const listId = useId();
  if (props.editing?.id !== editingId) {
    setEditingId(props.editing?.id);
    setText(props.editing?.content ?? '');
  }

  const query = /(?:^|\s)@([\p{L}\p{N}_.]*)$/u.exec(text)?.[1];
  const suggestions =
    query === undefined
      ? []
      : props.candidates
          .filter((u) => u.username.startsWith(query.toLowerCase()) || u.displayName.toLowerCase().startsWith(query.toLowerCase()))
          .slice(0, 8);
  const open = suggestions.length > 0;

  const pick = (u: User) => {
    setText(text.replace(/@([\p{L}\p{N}_.]*)$/u, `<@${u.id}> `));
    setActive(0);
  };

  const submit = async () => {
    const content = text.trim();
    if (!content) return;
    setError(null);
    try {
      if (props.editing) await props.onSaveEdit?.(content);
      else await props.onSend(content);
      setText('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
      return;
    }
    if (open && (e.key === 'Enter' || e.key === 'Tab')) {
      e.preventDefault();
      pick(suggestions[Math.min(active, suggestions.length - 1)]);
      return;
    }
    if (e.key === 'Escape') {
      props.onCancel?.();
      if (props.editing) setText('');
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <div className="composer">
      {(props.replyTo || props.editing) && (
        <div className="composer-context">
          <span>{props.editing ? 'Editing your message' : `Replying to ${props.replyTo!.author.displayName}`}</span>
          <button type="button" onClick={() => props.onCancel?.()}>
            Cancel
          </button>
        </div>
      )}
      {open && (
        <ul className="mention-list" role="listbox" id={listId} aria-label="Mention suggestions">
          {suggestions.map((u, i) => (
            <li
              key={u.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(u);
              }}
            >
              {u.displayName} <span className="muted">@{u.username}</span>
            </li>
          ))}
        </ul>
      )}
      <textarea
        aria-label={props.label}
        placeholder={props.label}
        rows={1}
        value={text}
        disabled={props.disabled}
        maxLength={4000}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value) props.onTyping?.();
        }}
        onKeyDown={onKeyDown}
      />
      <ErrorText error={error} />
    </div>
  );
}
