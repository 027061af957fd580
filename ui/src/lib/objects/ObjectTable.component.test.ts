import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ObjectTable from './ObjectTable.svelte';
import { NO_SELECTION } from './gridSelection';
import { DEFAULT_SORT, rowsOfPage, type Row } from './rows';
import { columns } from '../../test/listing';

const COUNT = 100_000;

function manyRows(n: number): Row[] {
  const objects = Array.from({ length: n }, (_, i) => ({
    key: `raw/events-${String(i).padStart(6, '0')}.json`,
    size: 1000 + i,
    last_modified: '2025-07-01T10:00:00Z',
    storage_class: 'STANDARD',
    etag: null,
  }));
  return rowsOfPage(columns([], objects), 'raw/', false);
}

function setup(rows: Row[]) {
  const onsort = vi.fn();
  const onopen = vi.fn();
  const oncontextmenu = vi.fn();
  render(ObjectTable, {
    props: { rows, selection: NO_SELECTION, sort: DEFAULT_SORT, skeleton: false, location: 'raw/', label: 'Contents of raw/', onsort, onopen, oncontextmenu },
  });
  const grid = screen.getByTestId('object-table');
  return { grid, onsort, onopen, oncontextmenu };
}

const domRows = () => screen.queryAllByTestId('object-row');
const selectedKeys = () => domRows().filter((r) => r.getAttribute('aria-selected') === 'true').map((r) => r.dataset.key);
const key = (i: number) => `raw/events-${String(i).padStart(6, '0')}.json`;

let rows: Row[];
beforeEach(() => {
  localStorage.clear();
  rows = manyRows(COUNT);
});

describe('ObjectTable', () => {
  it('draws 100,000 rows as a window of a few dozen, with grid semantics', () => {
    const { grid } = setup(rows);
    expect(grid).toHaveAttribute('role', 'grid');
    expect(grid).toHaveAttribute('aria-rowcount', String(COUNT + 1));
    expect(grid).toHaveAttribute('aria-multiselectable', 'true');
    const shown = domRows();
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(60);
    expect(shown[0]).toHaveAttribute('data-key', key(0));
    expect(shown[0]).toHaveAttribute('data-kind', 'object');
    expect(shown[0]).toHaveAttribute('aria-rowindex', '2');
    expect(shown[0]).toHaveTextContent('events-000000.json');
  });

  it('shows the last row after scrolling to the end', async () => {
    const { grid } = setup(rows);
    grid.scrollTop = COUNT * 28;
    await fireEvent.scroll(grid);
    const shown = domRows();
    expect(shown.length).toBeLessThan(60);
    const last = shown[shown.length - 1];
    expect(last).toHaveAttribute('data-key', key(COUNT - 1));
    expect(last).toHaveAttribute('aria-rowindex', String(COUNT + 1));
    expect(screen.queryByText('events-000000.json')).toBeNull();
  });

  it('moves and extends the selection with arrows, Shift, Home, End and Ctrl+A', async () => {
    const { grid } = setup(rows);
    grid.focus();
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(selectedKeys()).toEqual([key(0)]);
    expect(grid.getAttribute('aria-activedescendant')).toBe(domRows()[0].id);
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    await fireEvent.keyDown(grid, { key: 'ArrowDown', shiftKey: true });
    await fireEvent.keyDown(grid, { key: 'ArrowDown', shiftKey: true });
    expect(selectedKeys()).toEqual([key(1), key(2), key(3)]);
    await fireEvent.keyDown(grid, { key: 'ArrowUp', shiftKey: true });
    expect(selectedKeys()).toEqual([key(1), key(2)]);

    await fireEvent.keyDown(grid, { key: 'End' });
    expect(selectedKeys()).toEqual([key(COUNT - 1)]);
    expect(domRows().at(-1)).toHaveClass('focused');

    await fireEvent.keyDown(grid, { key: 'Home', shiftKey: true });
    expect(domRows()[0]).toHaveAttribute('data-key', key(0));
    expect(domRows().every((r) => r.getAttribute('aria-selected') === 'true')).toBe(true);

    await fireEvent.keyDown(grid, { key: 'Escape' });
    expect(selectedKeys()).toEqual([]);
    await fireEvent.keyDown(grid, { key: 'a', ctrlKey: true });
    expect(domRows().every((r) => r.getAttribute('aria-selected') === 'true')).toBe(true);
  });

  it('selects with the mouse: click, Ctrl+click, Shift+click; double-click opens', async () => {
    const { onopen } = setup(rows);
    const at = (i: number) => domRows()[i];
    await fireEvent.click(at(2));
    expect(selectedKeys()).toEqual([key(2)]);
    await fireEvent.click(at(5), { shiftKey: true });
    expect(selectedKeys()).toEqual([key(2), key(3), key(4), key(5)]);
    await fireEvent.click(at(3), { ctrlKey: true });
    expect(selectedKeys()).toEqual([key(2), key(4), key(5)]);
    await fireEvent.dblClick(at(7));
    expect(onopen).toHaveBeenCalledWith(rows[7]);
  });

  it('starts a drag out when a row is pressed and pulled, of the selection or of that row', async () => {
    const ondragout = vi.fn();
    render(ObjectTable, {
      props: { rows, selection: NO_SELECTION, sort: DEFAULT_SORT, skeleton: false, location: 'raw/', label: 'Contents of raw/', onsort: vi.fn(), onopen: vi.fn(), oncontextmenu: vi.fn(), ondragout },
    });
    // jsdom has no PointerEvent: a MouseEvent of the pointer's type carries what the handler reads.
    const pointer = (el: Element, type: string, x: number, y: number, init: MouseEventInit = {}) =>
      el.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: x, clientY: y, button: 0, buttons: 1, ...init }));
    const cell = (i: number) => domRows()[i].querySelector('.cell')!;

    // A click's wobble is not a drag.
    pointer(cell(2), 'pointerdown', 100, 100);
    pointer(cell(2), 'pointermove', 103, 102);
    pointer(cell(2), 'pointerup', 103, 102, { buttons: 0 });
    expect(ondragout).not.toHaveBeenCalled();

    // Pulled far enough: the row alone, which becomes the selection.
    pointer(cell(2), 'pointerdown', 100, 100);
    pointer(cell(2), 'pointermove', 100, 109);
    expect(ondragout).toHaveBeenLastCalledWith([key(2)]);
    await Promise.resolve();
    expect(selectedKeys()).toEqual([key(2)]);
    // Once per press.
    pointer(cell(2), 'pointermove', 100, 130);
    expect(ondragout).toHaveBeenCalledTimes(1);

    // A row in a larger selection carries the whole selection, in the table's order. (A click
    // comes after its press, which tells it from the release that ends a drag.)
    const click = async (el: Element, init: MouseEventInit) => {
      pointer(el, 'pointerdown', 10, 10, init);
      pointer(el, 'pointerup', 10, 10, { ...init, buttons: 0 });
      await fireEvent.click(el, init);
    };
    await click(cell(5), { ctrlKey: true });
    await click(cell(1), { ctrlKey: true });
    pointer(cell(5), 'pointerdown', 10, 10);
    pointer(cell(5), 'pointermove', 30, 10);
    expect(ondragout).toHaveBeenLastCalledWith([key(1), key(2), key(5)]);

    // Not with a modifier held (that extends the selection), nor once the button is up.
    pointer(cell(7), 'pointerdown', 10, 10, { shiftKey: true });
    pointer(cell(7), 'pointermove', 40, 10);
    pointer(cell(7), 'pointerdown', 10, 10);
    pointer(cell(7), 'pointermove', 40, 10, { buttons: 0 });
    pointer(cell(7), 'pointermove', 60, 10);
    expect(ondragout).toHaveBeenCalledTimes(2);
  });

  it('keeps the dragged selection when the drag ends over the empty area, which a click there clears', async () => {
    const ondragout = vi.fn();
    render(ObjectTable, {
      props: { rows: rows.slice(0, 5), selection: NO_SELECTION, sort: DEFAULT_SORT, skeleton: false, location: 'raw/', label: 'Contents of raw/', onsort: vi.fn(), onopen: vi.fn(), oncontextmenu: vi.fn(), ondragout },
    });
    const grid = screen.getByTestId('object-table');
    const pointer = (el: Element, type: string, x: number, y: number, init: MouseEventInit = {}) =>
      el.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: x, clientY: y, button: 0, buttons: 1, ...init }));
    const cell = domRows()[3].querySelector('.cell')!;
    pointer(cell, 'pointerdown', 100, 100);
    pointer(cell, 'pointermove', 100, 130);
    expect(ondragout).toHaveBeenLastCalledWith([key(3)]);
    // The native drag ends over the grid's empty area: the button's release lands there as a click.
    await fireEvent.click(grid);
    expect(selectedKeys()).toEqual([key(3)]);
    // A real click there afterwards clears, as ever.
    pointer(grid, 'pointerdown', 300, 400);
    await fireEvent.click(grid);
    expect(selectedKeys()).toEqual([]);
  });

  it('sorts from the column headers and says how it is sorted', async () => {
    const { onsort } = setup(rows.slice(0, 5));
    const headers = screen.getAllByRole('columnheader');
    expect(headers.map((h) => h.getAttribute('aria-sort'))).toEqual(['ascending', 'none', 'none', 'none']);
    await fireEvent.click(screen.getByRole('button', { name: /Size/ }));
    expect(onsort).toHaveBeenCalledWith('size');
  });

  it('moves to a name by typing its first letters', async () => {
    const mixed = rowsOfPage(
      columns(['apples/', 'bananas/'], ['cherry.txt', 'citrus.txt'].map((k) => ({ key: k, size: 1, last_modified: null, storage_class: null }))),
      '',
      false,
    );
    const { grid } = setup(mixed);
    await fireEvent.keyDown(grid, { key: 'c' });
    await fireEvent.keyDown(grid, { key: 'i' });
    expect(selectedKeys()).toEqual(['citrus.txt']);
  });
});

describe('ObjectTable archive marks', () => {
  it('marks archived files, and says when a restore is under way or done', () => {
    const objects = ['a.csv', 'b.csv', 'c.csv', 'd.csv'].map((name, i) => ({
      key: `cold/${name}`,
      size: 10,
      last_modified: '2025-07-01T10:00:00Z',
      storage_class: i === 3 ? 'STANDARD' : i === 2 ? 'DEEP_ARCHIVE' : 'GLACIER',
      etag: null,
    }));
    const cold = rowsOfPage(columns([], objects), 'cold/', false);
    const restoreMarks = new Map([
      ['cold/a.csv', { state: 'restoring' as const, says: 'Archived in GLACIER; a restore is under way.' }],
      ['cold/b.csv', { state: 'readable' as const, says: 'Archived in GLACIER; a restored copy can be read until Fri, 05 Dec 2026 00:00:00 GMT.' }],
    ]);
    render(ObjectTable, {
      props: { rows: cold, selection: NO_SELECTION, sort: DEFAULT_SORT, skeleton: false, location: 'cold/', label: 'Contents of cold/', onsort: vi.fn(), onopen: vi.fn(), oncontextmenu: vi.fn(), restoreMarks },
    });
    const marks = screen.getAllByTestId('archive-mark');
    expect(marks.map((m) => [m.textContent?.trim(), m.dataset.restore])).toEqual([
      ['GLACIER· restoring', 'restoring'],
      ['GLACIER· readable', 'readable'],
      ['DEEP_ARCHIVE', 'archived'],
    ]);
    expect(marks[1]).toHaveAttribute('title', expect.stringContaining('can be read until'));
    expect(marks[2]).toHaveAttribute('title', 'Archived: restore it before reading it');
  });
});

describe('ObjectTable when empty', () => {
  it('keeps to grid semantics: the empty state is one row’s one cell, and placeholders are hidden', () => {
    render(ObjectTable, {
      props: { rows: [], selection: NO_SELECTION, sort: DEFAULT_SORT, skeleton: false, location: '', label: 'Contents of b', onsort: vi.fn(), onopen: vi.fn(), oncontextmenu: vi.fn() },
    });
    const grid = screen.getByRole('grid');
    const rowsInGrid = screen.getAllByRole('row');
    expect(rowsInGrid).toHaveLength(2);
    expect(screen.getByRole('gridcell')).toHaveAttribute('aria-colspan', '4');
    expect(grid.querySelectorAll('[role="rowgroup"]')).toHaveLength(2);
  });
});
