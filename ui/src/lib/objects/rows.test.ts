import { describe, expect, it } from 'vitest';
import { columns } from '../../test/listing';
import { comparator, filterRows, mergeSorted, naturalKey, newFolderRow, resortRows, rowsOfPage, rowWithProperties, sortInPlace, sortRows, summarize, type Row } from './rows';
import { MAX_HEIGHT, rowWindow, scrollToReveal } from './virtual';

const obj = (key: string, size = 1, last_modified: string | null = '2025-07-01T10:00:00Z', storage_class: string | null = 'STANDARD') => ({
  key,
  size,
  last_modified,
  storage_class,
  etag: null,
});

const page = (folders: string[], objects: ReturnType<typeof obj>[]) => columns(folders, objects);

describe('rowsOfPage', () => {
  it("reads each row's name and kind off its key, and keeps them through an edit", () => {
    const rows = rowsOfPage(page(['a//'], [obj('a/', 0), obj('a/b/', 0), obj('a/Photo 12.JPG', 5)]), 'a/', false);
    // A folder whose name would be empty is named by its whole prefix.
    expect(rows.map((r) => [r.name, r.kind])).toEqual([
      ['a//', 'folder'],
      ['b', 'folder'],
      ['Photo 12.JPG', 'object'],
    ]);
    const edited = rowWithProperties(rows[2], { size: 7, last_modified: '2025-08-01T00:00:00Z', storage_class: null } as never);
    expect([edited.name, edited.kind, edited.size, edited.storageClass, edited.sortName]).toEqual(['Photo 12.JPG', 'object', 7, 'STANDARD', naturalKey('Photo 12.JPG')]);
    expect([newFolderRow('a/new/', 'a/').name, newFolderRow('a/new/', 'a/').kind]).toEqual(['new', 'folder']);
    expect(rows[2].sortName).toBe('photo 212.jpg');
  });

  it('names folder rows and objects by their last segment', () => {
    const rows = rowsOfPage(page(['raw/2024/'], [obj('raw/a.csv', 12)]), 'raw/', false);
    expect(rows.map((r) => [r.key, r.name, r.kind, r.size])).toEqual([
      ['raw/2024/', '2024', 'folder', null],
      ['raw/a.csv', 'a.csv', 'object', 12],
    ]);
    expect(rows[1].modified).toBe(Date.parse('2025-07-01T10:00:00Z'));
  });

  it('in search results, names rows by the key below the prefix; folder markers are folders', () => {
    const rows = rowsOfPage(page([], [obj('raw/', 0), obj('raw/2024/', 0), obj('raw/2024/jan/x.csv')]), 'raw/', true);
    expect(rows.map((r) => [r.name, r.kind])).toEqual([
      ['2024', 'folder'],
      ['2024/jan/x.csv', 'object'],
    ]);
  });
});

function rows(...names: string[]): Row[] {
  return rowsOfPage(
    page(
      names.filter((n) => n.endsWith('/')),
      names.filter((n) => !n.endsWith('/')).map((n, i) => obj(n, (i + 1) * 100, `2025-07-0${(i % 9) + 1}T10:00:00Z`)),
    ),
    '',
    false,
  );
}

describe('sorting', () => {
  it('puts folders first and sorts names naturally', () => {
    const sorted = sortRows(rows('file10.txt', 'b/', 'file2.txt', 'a/', 'File1.txt'), { column: 'name', descending: false });
    expect(sorted.map((r) => r.name)).toEqual(['a', 'b', 'File1.txt', 'file2.txt', 'file10.txt']);
  });

  it('orders names by a natural key: case and accents aside, numbers by value', () => {
    const sorted = sortRows(rows('Zebra.txt', 'émile.txt', 'Eve.txt', 'img007.png', 'img10.png', 'img8.png'), {
      column: 'name',
      descending: false,
    });
    expect(sorted.map((r) => r.name)).toEqual(['émile.txt', 'Eve.txt', 'img007.png', 'img8.png', 'img10.png', 'Zebra.txt']);
    expect(naturalKey('A10')).toBe(naturalKey('a0010'));
  });

  it('gives ASCII and accented names the same key when only accents differ, with every number run', () => {
    expect(naturalKey('Résumé 2 v010.txt')).toBe(naturalKey('resume 02 v10.txt'));
    expect(naturalKey('x000')).toBe(naturalKey('x0'));
    expect(naturalKey('7')).not.toBe(naturalKey('07a'));
    expect(naturalKey('no digits')).toBe('no digits');
    // The key's exact form, astral characters kept whole: a digit run becomes its length, then its digits.
    expect(naturalKey('Part-007 😀 of 12.CSV')).toBe('part-17 😀 of 212.csv');
    const names = ['b2c10', 'b2c9', 'b10c1', 'b02c1'];
    expect([...names].sort((x, y) => (naturalKey(x) < naturalKey(y) ? -1 : 1))).toEqual(['b02c1', 'b2c9', 'b2c10', 'b10c1']);
  });

  it('merges a page that comes after every row shown, and sorts only a batch out of order', () => {
    const cmp = comparator({ column: 'name', descending: false });
    const shown = sortRows(rows('a.txt', 'b.txt'), { column: 'name', descending: false });
    const later = sortRows(rows('c.txt', 'd.txt'), { column: 'name', descending: false });
    expect(mergeSorted(shown, later, cmp).map((r) => r.name)).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
    const inOrder = rows('c.txt', 'd.txt');
    expect(sortInPlace(inOrder, cmp)).toBe(inOrder);
    expect(sortInPlace(rows('d.txt', 'c.txt', 'dir/'), cmp).map((r) => r.name)).toEqual(['dir', 'c.txt', 'd.txt']);
  });

  it('reverses for the same column the other way, exactly as sorting would', () => {
    const all = rows('b.txt', 'dir2/', 'a.txt', 'c.txt', 'dir1/');
    for (const column of ['name', 'size', 'modified', 'class'] as const) {
      const asc = sortRows(all, { column, descending: false });
      const desc = resortRows(asc, { column, descending: false }, { column, descending: true });
      expect(desc.map((r) => r.key)).toEqual(sortRows(all, { column, descending: true }).map((r) => r.key));
    }
  });

  it('keeps folders first when sorting by size, either way', () => {
    const all = rows('small.txt', 'dir/', 'big.txt');
    // sizes: small 100, big 200
    expect(sortRows(all, { column: 'size', descending: true }).map((r) => r.name)).toEqual(['dir', 'big.txt', 'small.txt']);
    expect(sortRows(all, { column: 'size', descending: false }).map((r) => r.name)).toEqual(['dir', 'small.txt', 'big.txt']);
  });

  it('sorts by date and storage class with the name as tie-breaker', () => {
    const all = rows('c.txt', 'a.txt', 'b.txt');
    expect(sortRows(all, { column: 'modified', descending: true }).map((r) => r.name)).toEqual(['b.txt', 'a.txt', 'c.txt']);
    expect(sortRows(all, { column: 'class', descending: false }).map((r) => r.name)).toEqual(['a.txt', 'b.txt', 'c.txt']);
  });

  it('merges a sorted page into sorted rows', () => {
    const cmp = comparator({ column: 'name', descending: false });
    const a = sortRows(rows('a.txt', 'c.txt', 'e.txt'), { column: 'name', descending: false });
    const b = sortRows(rows('b.txt', 'd.txt', 'f/'), { column: 'name', descending: false });
    expect(mergeSorted(a, b, cmp).map((r) => r.name)).toEqual(['f', 'a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']);
  });
});

describe('filter and summary', () => {
  it('filters by name, ignoring case and surrounding spaces', () => {
    const all = rows('Report-Q1.csv', 'notes.txt', 'reports/');
    expect(filterRows(all, ' REPORT ').map((r) => r.name)).toEqual(['reports', 'Report-Q1.csv']);
    expect(filterRows(all, '')).toBe(all);
  });

  it("matches the name only: not the folder above it, nor a folder's final slash", () => {
    const listed = rowsOfPage(page(['data/Raw/'], [obj('data/Raw.csv'), obj('data/notes.txt')]), 'data/', false);
    expect(filterRows(listed, 'data').map((r) => r.name)).toEqual([]);
    expect(filterRows(listed, 'raw/').map((r) => r.name)).toEqual([]);
    expect(filterRows(listed, 'raw').map((r) => r.name)).toEqual(['Raw', 'Raw.csv']);
    const found = rowsOfPage(page([], [obj('data/2024/jan.csv'), obj('data/2023/jan.csv')]), 'data/', true);
    expect(filterRows(found, '2024/j').map((r) => r.name)).toEqual(['2024/jan.csv']);
    expect(found[0].nameStartsWith('2024/')).toBe(true);
    expect(found[0].nameStartsWith('data')).toBe(false);
    expect(listed[0].nameStartsWith('raw/')).toBe(false);
  });

  it('matches names whose lower case is longer than they are', () => {
    // "İ" lowers to two code units: the name's place in the key moves.
    const all = rowsOfPage(page([], [obj('İİ/İzmir.txt'), obj('İİ/other.txt')]), 'İİ/', false);
    expect(filterRows(all, 'zmir').map((r) => r.name)).toEqual(['İzmir.txt']);
    expect(filterRows(all, 'i̇i̇').map((r) => r.name)).toEqual([]);
    expect(all[0].nameStartsWith('i̇z')).toBe(true);
  });

  it('sums the selected files, not folders', () => {
    expect(summarize(rows('a.txt', 'b.txt', 'dir/'))).toEqual({ files: 2, folders: 1, bytes: 300 });
  });
});

describe('rowWindow', () => {
  it('puts only the rows in view, plus overscan, in the DOM', () => {
    const w = rowWindow(0, 560, 100_000, 28, 8);
    expect(w).toEqual({ start: 0, end: 28, offset: 0, height: 2_800_000 });
    const mid = rowWindow(28 * 5000, 560, 100_000, 28, 8);
    expect(mid.start).toBe(4992);
    expect(mid.end).toBe(5028);
    expect(mid.offset).toBe(4992 * 28);
  });

  it('reaches the last row at the bottom', () => {
    const w = rowWindow(1e9, 560, 100_000, 28, 8);
    expect(w.end).toBe(100_000);
  });

  it('compresses lists taller than browsers can draw and still reaches both ends', () => {
    const count = 1_000_000;
    const viewport = 560;
    const top = rowWindow(0, viewport, count, 28, 4);
    expect(top.height).toBe(MAX_HEIGHT);
    expect(top.start).toBe(0);
    const bottom = rowWindow(MAX_HEIGHT - viewport, viewport, count, 28, 4);
    expect(bottom.end).toBe(count);
    // The last row's bottom edge meets the bottom of the scroll content.
    expect(bottom.offset + (count - bottom.start) * 28).toBeCloseTo(MAX_HEIGHT, 5);
  });

  it('scrolls just enough to reveal a row', () => {
    expect(scrollToReveal(3, 0, 560, 1000, 28)).toBeNull();
    expect(scrollToReveal(100, 0, 560, 1000, 28)).toBe(101 * 28 - 560);
    expect(scrollToReveal(2, 280, 560, 1000, 28)).toBe(56);
  });
});
