import { describe, expect, it } from 'vitest';
import { keyAction, type KeyContext, type KeyPress } from './keymap';

const press = (key: string, mods: Partial<Omit<KeyPress, 'key'>> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  defaultPrevented: false,
  ...mods,
});

/** Linux or Windows, focus in the table, uploads possible. */
const GRID: KeyContext = { isMac: false, busy: false, inField: false, inGrid: true, canUpload: true };
/** Focus on a toolbar button. */
const BUTTON: KeyContext = { ...GRID, inGrid: false };
/** Focus in the filter or the path bar. */
const FIELD: KeyContext = { ...GRID, inField: true, inGrid: false };
const MAC: KeyContext = { ...GRID, isMac: true };

describe('keyAction', () => {
  it('opens with Enter and previews with Space, from the table only', () => {
    expect(keyAction(press('Enter'), GRID)).toEqual({ kind: 'act', id: 'open' });
    expect(keyAction(press(' '), GRID)).toEqual({ kind: 'act', id: 'preview' });
    expect(keyAction(press('Enter'), BUTTON)).toBeNull();
    expect(keyAction(press(' '), BUTTON)).toBeNull();
    expect(keyAction(press('Enter'), FIELD)).toBeNull();
  });

  it('deletes with Delete and renames with F2 from anywhere but a field', () => {
    for (const at of [GRID, BUTTON]) {
      expect(keyAction(press('Delete'), at)).toEqual({ kind: 'act', id: 'delete' });
      expect(keyAction(press('F2'), at)).toEqual({ kind: 'act', id: 'rename' });
    }
    expect(keyAction(press('Delete', { shiftKey: true }), GRID)).toEqual({ kind: 'act', id: 'delete' });
    expect(keyAction(press('Delete'), FIELD)).toBeNull();
    expect(keyAction(press('F2'), FIELD)).toBeNull();
  });

  it('goes up with Backspace or Alt+Up, back and forward with Alt+Left and Alt+Right', () => {
    expect(keyAction(press('Backspace'), GRID)).toEqual({ kind: 'up' });
    expect(keyAction(press('Backspace'), BUTTON)).toEqual({ kind: 'up' });
    expect(keyAction(press('Backspace'), FIELD)).toBeNull();
    expect(keyAction(press('ArrowUp', { altKey: true }), GRID)).toEqual({ kind: 'up' });
    expect(keyAction(press('ArrowLeft', { altKey: true }), BUTTON)).toEqual({ kind: 'back' });
    expect(keyAction(press('ArrowRight', { altKey: true }), GRID)).toEqual({ kind: 'forward' });
    expect(keyAction(press('ArrowLeft', { altKey: true }), FIELD)).toBeNull();
    // Alt with another key is nobody's here, even one that acts without Alt.
    expect(keyAction(press('ArrowDown', { altKey: true }), GRID)).toBeNull();
    expect(keyAction(press('Delete', { altKey: true }), GRID)).toBeNull();
  });

  it('leaves the arrows without Alt to the table', () => {
    for (const key of ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageDown']) {
      expect(keyAction(press(key), GRID)).toBeNull();
      expect(keyAction(press(key, { shiftKey: true }), GRID)).toBeNull();
    }
  });

  it('opens the context menu with the menu key or Shift+F10, from the table', () => {
    expect(keyAction(press('ContextMenu'), GRID)).toEqual({ kind: 'menu' });
    expect(keyAction(press('F10', { shiftKey: true }), GRID)).toEqual({ kind: 'menu' });
    expect(keyAction(press('F10'), GRID)).toBeNull();
    expect(keyAction(press('F10', { shiftKey: true }), BUTTON)).toBeNull();
  });

  it('uploads with Ctrl+U and shares with Ctrl+L, also from a field', () => {
    for (const at of [GRID, BUTTON, FIELD]) {
      expect(keyAction(press('u', { ctrlKey: true }), at)).toEqual({ kind: 'upload' });
      expect(keyAction(press('l', { ctrlKey: true }), at)).toEqual({ kind: 'act', id: 'share' });
    }
    expect(keyAction(press('U', { ctrlKey: true }), GRID)).toEqual({ kind: 'upload' });
    // Ctrl+Shift+U is the Unicode entry of IBus; Alt makes another key.
    expect(keyAction(press('U', { ctrlKey: true, shiftKey: true }), GRID)).toBeNull();
    expect(keyAction(press('u', { ctrlKey: true, altKey: true }), GRID)).toBeNull();
    expect(keyAction(press('l', { ctrlKey: true, shiftKey: true }), GRID)).toBeNull();
    // Without the window's transfers there is no upload.
    expect(keyAction(press('u', { ctrlKey: true }), { ...GRID, canUpload: false })).toBeNull();
  });

  it('uses Cmd on a Mac, where Ctrl is no command', () => {
    expect(keyAction(press('u', { metaKey: true }), MAC)).toEqual({ kind: 'upload' });
    expect(keyAction(press('l', { metaKey: true }), MAC)).toEqual({ kind: 'act', id: 'share' });
    expect(keyAction(press('u', { ctrlKey: true }), MAC)).toBeNull();
    expect(keyAction(press('u', { metaKey: true }), GRID)).toBeNull();
    // Cmd+Delete is not Delete; on a Mac, Ctrl doesn't stop it.
    expect(keyAction(press('Delete', { metaKey: true }), MAC)).toBeNull();
    expect(keyAction(press('Delete', { ctrlKey: true }), MAC)).toEqual({ kind: 'act', id: 'delete' });
    expect(keyAction(press('ArrowLeft', { altKey: true, metaKey: true }), MAC)).toBeNull();
  });

  it('leaves Ctrl/Cmd+F and the other command keys to the window', () => {
    for (const key of ['f', 'n', 't', 'e', 'b', 'a', 'Enter', 'Delete', 'Backspace']) {
      expect(keyAction(press(key, { ctrlKey: true }), GRID)).toBeNull();
    }
    expect(keyAction(press('f', { metaKey: true }), MAC)).toBeNull();
  });

  it('refreshes with F5 from anywhere, a field too', () => {
    for (const at of [GRID, BUTTON, FIELD]) expect(keyAction(press('F5'), at)).toEqual({ kind: 'refresh' });
    expect(keyAction(press('F5', { ctrlKey: true }), GRID)).toEqual({ kind: 'refresh' });
  });

  it('does nothing while a dialog or the menu is open, or once the key was handled', () => {
    const busy = { ...GRID, busy: true };
    for (const key of ['F5', 'Enter', 'Delete', 'F2', 'Backspace']) expect(keyAction(press(key), busy)).toBeNull();
    expect(keyAction(press('u', { ctrlKey: true }), busy)).toBeNull();
    expect(keyAction(press('Delete', { defaultPrevented: true }), GRID)).toBeNull();
    expect(keyAction(press('F5', { defaultPrevented: true }), GRID)).toBeNull();
  });

  it('ignores other keys', () => {
    for (const key of ['a', 'Escape', 'Tab', 'F1', 'Insert']) expect(keyAction(press(key), GRID)).toBeNull();
  });
});
