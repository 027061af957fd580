// Selection in the object table, as file managers do it: click selects one, Ctrl/Cmd+click toggles,
// Shift+click selects a range from the anchor, arrows move the focused row (Shift extends,
// Ctrl/Cmd moves focus alone), Ctrl/Cmd+A selects every shown row. Rows are named by key, so a
// selection survives re-sorting and pages streaming in. Pure: each step returns a new value.

import type { Row } from './rows';

export interface GridSelection {
  selected: ReadonlySet<string>;
  /** The row keyboard actions start from (the focus ring). */
  focus: string | null;
  /** Where a Shift range starts. */
  anchor: string | null;
}

export const NO_SELECTION: GridSelection = { selected: new Set(), focus: null, anchor: null };

export interface Modifiers {
  /** Ctrl (Cmd on macOS). */
  toggle: boolean;
  /** Shift. */
  range: boolean;
}

function indexOf(rows: readonly Row[], key: string | null): number {
  if (key === null) return -1;
  return rows.findIndex((r) => r.key === key);
}

function range(rows: readonly Row[], from: number, to: number): Set<string> {
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  const keys = new Set<string>();
  for (let i = lo; i <= hi; i++) keys.add(rows[i].key);
  return keys;
}

/** Selects exactly the rows with these keys; the first becomes focus and anchor. */
export function selectKeys(keys: readonly string[]): GridSelection {
  const first = keys[0] ?? null;
  return { selected: new Set(keys), focus: first, anchor: first };
}

/** A click on row `index`. */
export function clickRow(sel: GridSelection, rows: readonly Row[], index: number, mods: Modifiers): GridSelection {
  const key = rows[index]?.key;
  if (key === undefined) return sel;
  if (mods.range) {
    const anchorAt = indexOf(rows, sel.anchor);
    const from = anchorAt >= 0 ? anchorAt : index;
    const keys = range(rows, from, index);
    if (mods.toggle) for (const k of sel.selected) keys.add(k);
    return { selected: keys, focus: key, anchor: rows[from].key };
  }
  if (mods.toggle) {
    const selected = new Set(sel.selected);
    if (selected.has(key)) selected.delete(key);
    else selected.add(key);
    return { selected, focus: key, anchor: key };
  }
  return { selected: new Set([key]), focus: key, anchor: key };
}

/**
 * Moves to row `index` from the keyboard: selects it alone, or with `extend` the range from the
 * anchor to it, or with `focusOnly` just moves the focus ring.
 */
export function moveTo(
  sel: GridSelection,
  rows: readonly Row[],
  index: number,
  how: { extend?: boolean; focusOnly?: boolean } = {},
): GridSelection {
  if (rows.length === 0) return sel;
  const i = Math.min(rows.length - 1, Math.max(0, index));
  const key = rows[i].key;
  if (how.focusOnly) return { ...sel, focus: key };
  if (how.extend) {
    const anchorAt = indexOf(rows, sel.anchor ?? sel.focus);
    const from = anchorAt >= 0 ? anchorAt : i;
    return { selected: range(rows, from, i), focus: key, anchor: rows[from].key };
  }
  return { selected: new Set([key]), focus: key, anchor: key };
}

/** Space with Ctrl/Cmd: toggles the focused row. */
export function toggleFocused(sel: GridSelection): GridSelection {
  if (sel.focus === null) return sel;
  const selected = new Set(sel.selected);
  if (selected.has(sel.focus)) selected.delete(sel.focus);
  else selected.add(sel.focus);
  return { ...sel, selected, anchor: sel.focus };
}

export function selectAll(sel: GridSelection, rows: readonly Row[]): GridSelection {
  // Filled in a loop: at 100,000 rows an array of the keys on the way is 800 KB for the collector.
  const selected = new Set<string>();
  for (const r of rows) selected.add(r.key);
  return { selected, focus: sel.focus ?? rows[0]?.key ?? null, anchor: sel.anchor };
}

export function clearSelection(sel: GridSelection): GridSelection {
  return { selected: new Set(), focus: sel.focus, anchor: null };
}

/** Where a navigation key takes the focus from `current`, or null when the key isn't one. */
export function targetOf(key: string, current: number, count: number, pageRows: number): number | null {
  if (count === 0) return null;
  const last = count - 1;
  switch (key) {
    case 'ArrowDown':
      return current < 0 ? 0 : Math.min(last, current + 1);
    case 'ArrowUp':
      return current < 0 ? 0 : Math.max(0, current - 1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageDown':
      return Math.min(last, Math.max(0, current) + pageRows);
    case 'PageUp':
      return Math.max(0, current - pageRows);
    default:
      return null;
  }
}
