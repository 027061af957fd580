// The object browser's keys that aren't about moving in the table: what a key press asks the
// browser to do, as a pure function of the key and of where it was pressed. The table owns the
// moving keys (arrows, Home/End, Page Up/Down, Ctrl/Cmd+A, Ctrl/Cmd+Space, Escape, type-ahead: see
// gridSelection.ts), and the window owns the app's keys (Ctrl/Cmd+F, N, T, E, B…).

import type { ActionId } from './actions';

/** The parts of a KeyboardEvent the map reads. */
export type KeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'defaultPrevented'>;

/** Where the key was pressed, and what the browser can do. */
export interface KeyContext {
  /** Cmd is the command modifier on a Mac, Ctrl elsewhere. */
  isMac: boolean;
  /** A dialog or the context menu is open: keys are theirs. */
  busy: boolean;
  /** The key went to a text field, a text area or a list box. */
  inField: boolean;
  /** The key went to the table. */
  inGrid: boolean;
  /** The browser can upload (it was given the window's transfers). */
  canUpload: boolean;
}

export type KeyAction =
  /** F5: list the folder (or the search) again. */
  | { kind: 'refresh' }
  /** Ctrl/Cmd+U: pick files to upload into the folder. */
  | { kind: 'upload' }
  /** Alt+Left, Alt+Right: through the folders visited. */
  | { kind: 'back' }
  | { kind: 'forward' }
  /** Alt+Up, Backspace: to the parent folder. */
  | { kind: 'up' }
  /** The menu key, Shift+F10: the context menu at the focused row. */
  | { kind: 'menu' }
  /** An action on the selection (or the focused row), as the toolbar and the menu offer them. */
  | { kind: 'act'; id: ActionId };

const act = (id: ActionId): KeyAction => ({ kind: 'act', id });

/** Keys that act wherever the focus is in the browser (outside text fields). */
const ANYWHERE: ReadonlyMap<string, KeyAction> = new Map([
  ['Delete', act('delete')],
  ['F2', act('rename')],
  ['Backspace', { kind: 'up' }],
]);

/** Keys that act from the table only: elsewhere Enter, Space and the menu key belong to a focused button. */
const IN_GRID: ReadonlyMap<string, KeyAction> = new Map([
  ['Enter', act('open')],
  [' ', act('preview')],
  ['ContextMenu', { kind: 'menu' }],
]);

const WITH_ALT: ReadonlyMap<string, KeyAction> = new Map([
  ['ArrowLeft', { kind: 'back' }],
  ['ArrowRight', { kind: 'forward' }],
  ['ArrowUp', { kind: 'up' }],
]);

/**
 * What this key press asks the browser to do, or null when the key isn't the browser's (it then
 * goes on to the table, the field or the window untouched). Every action found is the browser's to
 * run: the caller prevents the key's default (and, for F5, stops it from reaching the window, which
 * would refresh the bucket list).
 */
export function keyAction(e: KeyPress, at: KeyContext): KeyAction | null {
  if (e.defaultPrevented || at.busy) return null;
  const mod = at.isMac ? e.metaKey : e.ctrlKey;
  if (e.key === 'F5') return { kind: 'refresh' };
  // Only Ctrl/Cmd+U: Ctrl+Shift+U is the Unicode entry of IBus on Linux.
  const plainMod = mod && !e.altKey && !e.shiftKey;
  if (plainMod && e.key.toLowerCase() === 'u' && at.canUpload) return { kind: 'upload' };
  if (plainMod && e.key.toLowerCase() === 'l') return act('share');
  if (at.inField) return null;
  if (e.altKey && !mod) return WITH_ALT.get(e.key) ?? null;
  if (mod) return null;
  const key = e.shiftKey && e.key === 'F10' ? 'ContextMenu' : e.key;
  return ANYWHERE.get(key) ?? (at.inGrid ? IN_GRID.get(key) : undefined) ?? null;
}
