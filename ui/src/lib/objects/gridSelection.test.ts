import { describe, expect, it } from 'vitest';
import { clearSelection, clickRow, moveTo, NO_SELECTION, selectAll, targetOf, toggleFocused } from './gridSelection';
import { newFolderRow, type Row } from './rows';

const rows: Row[] = ['a/', 'b/', 'c/', 'd/', 'e/'].map((k) => newFolderRow(k, ''));
const keys = (s: { selected: ReadonlySet<string> }) => [...s.selected].sort();
const plain = { toggle: false, range: false };

describe('grid selection', () => {
  it('click selects one; Ctrl+click toggles; Shift+click selects the range from the anchor', () => {
    let s = clickRow(NO_SELECTION, rows, 1, plain);
    expect(keys(s)).toEqual(['b/']);
    s = clickRow(s, rows, 3, { toggle: true, range: false });
    expect(keys(s)).toEqual(['b/', 'd/']);
    s = clickRow(s, rows, 3, { toggle: true, range: false });
    expect(keys(s)).toEqual(['b/']);
    s = clickRow(clickRow(NO_SELECTION, rows, 1, plain), rows, 3, { toggle: false, range: true });
    expect(keys(s)).toEqual(['b/', 'c/', 'd/']);
    expect(s.anchor).toBe('b/');
    // Shift+click again from the same anchor, the other way.
    s = clickRow(s, rows, 0, { toggle: false, range: true });
    expect(keys(s)).toEqual(['a/', 'b/']);
  });

  it('arrows select; Shift extends from the anchor; Ctrl moves only the focus', () => {
    let s = moveTo(NO_SELECTION, rows, 2);
    expect(keys(s)).toEqual(['c/']);
    s = moveTo(s, rows, 3, { extend: true });
    s = moveTo(s, rows, 4, { extend: true });
    expect(keys(s)).toEqual(['c/', 'd/', 'e/']);
    s = moveTo(s, rows, 1, { extend: true });
    expect(keys(s)).toEqual(['b/', 'c/']);
    s = moveTo(s, rows, 4, { focusOnly: true });
    expect(keys(s)).toEqual(['b/', 'c/']);
    expect(s.focus).toBe('e/');
    s = toggleFocused(s);
    expect(keys(s)).toEqual(['b/', 'c/', 'e/']);
  });

  it('selects all shown rows and clears', () => {
    const s = selectAll(NO_SELECTION, rows);
    expect(s.selected.size).toBe(5);
    expect(s.focus).toBe('a/');
    expect(clearSelection(s).selected.size).toBe(0);
  });

  it('maps navigation keys to a row', () => {
    expect(targetOf('ArrowDown', -1, 5, 10)).toBe(0);
    expect(targetOf('ArrowDown', 4, 5, 10)).toBe(4);
    expect(targetOf('ArrowUp', 0, 5, 10)).toBe(0);
    expect(targetOf('Home', 3, 5, 10)).toBe(0);
    expect(targetOf('End', 0, 5, 10)).toBe(4);
    expect(targetOf('PageDown', 0, 100, 20)).toBe(20);
    expect(targetOf('PageUp', 10, 100, 20)).toBe(0);
    expect(targetOf('x', 0, 5, 10)).toBeNull();
    expect(targetOf('ArrowDown', 0, 0, 10)).toBeNull();
  });
});
