// Keyboard shortcuts of the queues and review screen. One table, so the help overlay and the handler agree.

export type Action = 'next' | 'previous' | 'approve' | 'reject' | 'edit' | 'search' | 'help' | 'hold' | 'close';

export const SHORTCUTS: readonly { key: string; action: Action; label: string }[] = [
  { key: 'j', action: 'next', label: 'Next invoice' },
  { key: 'k', action: 'previous', label: 'Previous invoice' },
  { key: 'a', action: 'approve', label: 'Approve' },
  { key: 'r', action: 'reject', label: 'Reject (asks why)' },
  { key: 'h', action: 'hold', label: 'Put on hold / release' },
  { key: 'e', action: 'edit', label: 'Edit the first field' },
  { key: '/', action: 'search', label: 'Search' },
  { key: '?', action: 'help', label: 'Show these shortcuts' },
  { key: 'Escape', action: 'close', label: 'Close help, leave a field' },
];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** Whether the key was typed into a text field (then only Escape is a shortcut). */
  inTextField: boolean;
}

/** The action for a key press, or `null` when it is not a shortcut here. */
export function actionFor(event: KeyLike): Action | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (event.inTextField) return event.key === 'Escape' ? 'close' : null;
  return SHORTCUTS.find((shortcut) => shortcut.key === event.key)?.action ?? null;
}

/** Whether an element takes typed text (inputs other than buttons/checkboxes, textareas, editable). */
export function isTextField(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  if (target.tagName !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(type);
}
