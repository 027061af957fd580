// The object browser's rows: what a listing page becomes, how rows sort (folders first) and
// filter, and how sorted batches merge as pages stream in. Pure functions over plain objects, so a
// folder of 100,000 objects costs one small object per row and no reactive proxies.

import type { ListingColumns, ObjectProperties } from '$lib/bindings';
import { formatBytes, formatExact, formatWhen } from '$lib/shared/format';

export type RowKind = 'folder' | 'object';

export interface Row {
  /** The full key, or for a folder its full prefix ending with "/". */
  key: string;
  /** What the Name column shows: the last segment, or in search results the key below the prefix. */
  name: string;
  kind: RowKind;
  /** Bytes; null for folders. */
  size: number | null;
  /**
   * When the object was last written, in milliseconds (the listing's RFC 3339 string is not kept:
   * at 100,000 rows each string kept costs megabytes). Nor is the ETag, which nothing reads from a row.
   */
  modified: number | null;
  storageClass: string | null;
  /** `name` in lower case, for the filter. */
  search: string;
  /** What sorting by name compares: see `naturalKey`. */
  sortName: string;
  /** Display texts, made the first time the row is drawn. */
  text?: { size: string; when: string; exact: string };
}

export type SortColumn = 'name' | 'size' | 'modified' | 'class';

export interface SortSpec {
  column: SortColumn;
  descending: boolean;
}

export const DEFAULT_SORT: SortSpec = { column: 'name', descending: false };

/**
 * A name as file managers order it, made once per row so that sorting 100,000 rows compares plain
 * strings (an Intl.Collator takes several times longer): case and accents ignored, and numbers by
 * value, so "file2" comes before "file10". A run of digits becomes its length as one character,
 * then the digits without leading zeros: shorter numbers sort first, equal lengths digit by digit.
 * (Short keys matter: sorting time grows with the prefix that keys share.)
 */
export function naturalKey(name: string): string {
  return naturalKeyOfLower(name.toLowerCase());
}

/** `naturalKey` of a name already in lower case (rows keep that for the filter). */
function naturalKeyOfLower(lower: string): string {
  // Most keys are ASCII: no accents to take off, and decomposing them is the dearest step here.
  const plain = ASCII.test(lower) ? lower : lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  // A scan rather than a replace with a callback: this runs for every row of every page.
  let out = '';
  let from = 0;
  for (let i = 0; i < plain.length; i++) {
    if (!isDigit(plain.charCodeAt(i))) continue;
    let end = i + 1;
    while (end < plain.length && isDigit(plain.charCodeAt(end))) end++;
    let first = i;
    while (first < end - 1 && plain.charCodeAt(first) === 0x30) first++;
    out += plain.slice(from, i) + String.fromCharCode(0x30 + Math.min(end - first, 40)) + plain.slice(first, end);
    from = end;
    i = end;
  }
  return from === 0 ? plain : out + plain.slice(from);
}

const ASCII = /^[\x00-\x7f]*$/;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function folderRow(prefix: string, name: string): Row {
  const search = name.toLowerCase();
  return {
    key: prefix,
    name,
    kind: 'folder',
    size: null,
    modified: null,
    storageClass: null,
    search,
    sortName: naturalKeyOfLower(search),
  };
}

function stripSlash(s: string): string {
  return s.endsWith('/') ? s.slice(0, -1) : s;
}

/**
 * The rows of one listing page of `prefix`. In a folder listing a row's name is its last segment;
 * in a recursive listing (search) it is the key below `prefix`, and zero-byte folder markers
 * (`a/b/`) are folder rows. The page comes as columns (see `ListingColumns` in the engine): no
 * object per entry is made on the way, only the rows.
 */
export function rowsOfPage(page: ListingColumns, prefix: string, recursive: boolean): Row[] {
  const rows: Row[] = [];
  for (const f of page.folders) rows.push(folderRow(f, stripSlash(f.slice(prefix.length)) || f));
  const named = page.classes.map(storageClass);
  const { keys, sizes, modified, class_of } = page;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key.endsWith('/')) {
      if (key === prefix) continue;
      rows.push(folderRow(key, stripSlash(key.slice(prefix.length))));
      continue;
    }
    const name = recursive ? key.slice(prefix.length) : key.slice(key.lastIndexOf('/') + 1);
    const search = name.toLowerCase();
    const cls = class_of[i];
    rows.push({
      key,
      name,
      kind: 'object',
      size: sizes[i],
      modified: modified[i] ?? null,
      storageClass: cls === null || cls === undefined ? null : named[cls],
      search,
      sortName: naturalKeyOfLower(search),
    });
  }
  return rows;
}

/** Rows for keys known only by name (date and class unknown, size 0), named by the whole key. */
export function rowsOfKeys(keys: string[]): Row[] {
  const unknown = keys.map(() => null);
  return rowsOfPage({ folders: [], keys, sizes: keys.map(() => 0), modified: unknown, class_of: unknown, classes: [] }, '', true);
}

/**
 * One string per storage class for all rows, across pages: each page names its classes once, and
 * 100,000 rows then share the one "STANDARD".
 */
const classes = new Map<string, string>();
function storageClass(name: string): string {
  let known = classes.get(name);
  if (known === undefined) classes.set(name, (known = name));
  return known;
}

/** A file's row after an edit rewrote the object: its class, date, ETag and size as read now. */
export function rowWithProperties(row: Row, p: ObjectProperties): Row {
  const ms = p.last_modified ? Date.parse(p.last_modified) : NaN;
  return {
    ...row,
    size: p.size ?? row.size,
    modified: Number.isNaN(ms) ? row.modified : ms,
    // A HEAD answer leaves the class out for STANDARD, where a listing names it.
    storageClass: p.storage_class || 'STANDARD',
    text: undefined,
  };
}

/** A row made locally (a folder just created), before the next listing shows it. */
export function newFolderRow(key: string, prefix: string): Row {
  return folderRow(key, stripSlash(key.slice(prefix.length)));
}

function byName(a: Row, b: Row): number {
  if (a.sortName !== b.sortName) return a.sortName < b.sortName ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function nullsFirst(a: number | null, b: number | null): number {
  return (a ?? -Infinity) - (b ?? -Infinity) || 0;
}

/** The order rows show in: folders always first, then by the column, ties broken by name. */
export function comparator(spec: SortSpec): (a: Row, b: Row) => number {
  const sign = spec.descending ? -1 : 1;
  const primary: (a: Row, b: Row) => number =
    spec.column === 'size'
      ? (a, b) => nullsFirst(a.size, b.size)
      : spec.column === 'modified'
        ? (a, b) => nullsFirst(a.modified, b.modified)
        : spec.column === 'class'
          ? (a, b) => {
              const x = a.storageClass ?? '';
              const y = b.storageClass ?? '';
              return x < y ? -1 : x > y ? 1 : 0;
            }
          : () => 0;
  return (a, b) => {
    if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
    return sign * (primary(a, b) || byName(a, b));
  };
}

/** Sorts `rows` in place, unless they already are in order (as a listing's page mostly is). */
export function sortInPlace(rows: Row[], cmp: (x: Row, y: Row) => number): Row[] {
  for (let i = 1; i < rows.length; i++) if (cmp(rows[i - 1], rows[i]) > 0) return rows.sort(cmp);
  return rows;
}

/** Sorts a copy. */
export function sortRows(rows: readonly Row[], spec: SortSpec): Row[] {
  return [...rows].sort(comparator(spec));
}

/**
 * Rows sorted by `from` re-sorted by `to`. Only the direction changing (a second click on the same
 * header) is a reversal of the folders and of the files, in linear time; anything else sorts.
 */
export function resortRows(rows: readonly Row[], from: SortSpec, to: SortSpec): Row[] {
  if (from.column !== to.column || from.descending === to.descending) return sortRows(rows, to);
  return reverseWithinKinds(rows);
}

/** Folders still first, each group in the opposite order. */
export function reverseWithinKinds(rows: readonly Row[]): Row[] {
  const folders = rows.filter((r) => r.kind === 'folder').reverse();
  const files = rows.filter((r) => r.kind !== 'folder').reverse();
  return folders.concat(files);
}

/** Merges two sorted lists into a new sorted one (a stream's next page into what is shown). */
export function mergeSorted(a: readonly Row[], b: readonly Row[], cmp: (x: Row, y: Row) => number): Row[] {
  if (b.length === 0) return a as Row[];
  if (a.length === 0) return b as Row[];
  // Listings come in key order, so in the default order a page usually goes after everything shown.
  if (cmp(a[a.length - 1], b[0]) <= 0) return a.concat(b);
  const out = new Array<Row>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = cmp(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** Rows whose name contains the filter text, ignoring case. */
export function filterRows(rows: Row[], filter: string): Row[] {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return rows;
  return rows.filter((r) => r.search.includes(needle));
}

/** The Size, Last modified and tooltip texts of a row, made once. */
export function rowText(row: Row, now: Date): { size: string; when: string; exact: string } {
  if (!row.text) {
    row.text = {
      size: row.size === null ? '—' : formatBytes(row.size),
      when: row.modified !== null ? formatWhen(new Date(row.modified), now) : '—',
      exact: row.modified !== null ? formatExact(new Date(row.modified)) : '',
    };
  }
  return row.text;
}

export interface SelectionSummary {
  files: number;
  folders: number;
  /** Bytes of the selected files (folders' contents are not known without listing them). */
  bytes: number;
}

export function summarize(rows: readonly Row[]): SelectionSummary {
  let files = 0;
  let folders = 0;
  let bytes = 0;
  for (const r of rows) {
    if (r.kind === 'folder') folders += 1;
    else {
      files += 1;
      bytes += r.size ?? 0;
    }
  }
  return { files, folders, bytes };
}

/** What is known of an archived file's restore, for its mark in the table. */
export interface RestoreMark {
  state: 'archived' | 'restoring' | 'readable';
  /** The sentence the storage's status gives ("Archived in GLACIER; a restore is under way."). */
  says: string;
}

/** The mark of an archive status read from the storage. */
export function restoreMarkOf(s: { archived: boolean; restoring: boolean; readable_until: string | null; says: string }): RestoreMark | null {
  if (!s.archived) return null;
  return { state: s.restoring ? 'restoring' : s.readable_until ? 'readable' : 'archived', says: s.says };
}
