// The object browser's rows: what a listing page becomes, how rows sort (folders first) and
// filter, and how sorted batches merge as pages stream in. Pure functions over small row objects, so
// a folder of 100,000 objects costs one small object and two strings per row, and no reactive proxies.

import type { ListingColumns, ObjectProperties } from '$lib/bindings';
import { formatBytes, formatExact, formatWhen } from '$lib/shared/format';

export type RowKind = 'folder' | 'object';

/**
 * One row of the object browser. A folder of 100,000 objects keeps 100,000 of these, so a row keeps
 * only what can't be read off its key: the name is the key's tail, made when asked (a string of its
 * own per row was ~50 bytes), and a row is a folder when its key ends with "/" (listings and new
 * folders hold to that).
 */
export class Row {
  /** The full key, or for a folder its full prefix ending with "/". */
  readonly key: string;
  /** Where the name starts in `key`; -1 where the name is the whole key. */
  readonly nameAt: number;
  /** A folder's key ends with "/". Kept, not worked out: sorting asks it twice a comparison. */
  readonly kind: RowKind;
  /** Bytes; null for folders. */
  readonly size: number | null;
  /**
   * When the object was last written, in milliseconds (the listing's RFC 3339 string is not kept:
   * at 100,000 rows each string kept costs megabytes). Nor is the ETag, which nothing reads from a row.
   */
  readonly modified: number | null;
  readonly storageClass: string | null;
  /** What sorting by name compares: see `naturalKey`. */
  readonly sortName: string;
  /** Display texts, made the first time the row is drawn (declared, so undrawn rows have no slot). */
  declare text?: { size: string; when: string; exact: string };

  constructor(key: string, nameAt: number, size: number | null, modified: number | null, storageClass: string | null, sortName?: string) {
    this.key = key;
    this.nameAt = nameAt;
    this.kind = isFolderKey(key) ? 'folder' : 'object';
    this.size = size;
    this.modified = modified;
    this.storageClass = storageClass;
    this.sortName = sortName ?? naturalKeyIn(key, Math.max(nameAt, 0), nameEnd(key, nameAt));
  }

  /** What the Name column shows: the last segment, or in search results the key below the prefix. */
  get name(): string {
    if (this.nameAt < 0) return this.key;
    return this.key.slice(this.nameAt, nameEnd(this.key, this.nameAt));
  }

  /** Whether the name contains `needle` (in lower case), without making the name for each row. */
  nameIncludes(needle: string): boolean {
    return nameHas(this, needle, false);
  }

  /** Whether the name starts with `needle` (in lower case). */
  nameStartsWith(needle: string): boolean {
    return nameHas(this, needle, true);
  }
}

/** `needle` (in lower case) in a row's name, or at its start, looked for within the lowered key. */
function nameHas(row: Row, needle: string, atStart: boolean): boolean {
  const lower = row.key.toLowerCase();
  // Lowering a few letters outside ASCII changes the length, and with it where the name starts.
  if (lower.length !== row.key.length) {
    const name = row.name.toLowerCase();
    return atStart ? name.startsWith(needle) : name.includes(needle);
  }
  const from = Math.max(row.nameAt, 0);
  const at = atStart ? (lower.startsWith(needle, from) ? from : -1) : lower.indexOf(needle, from);
  return at >= 0 && at + needle.length <= nameEnd(row.key, row.nameAt);
}

/** Where a row's name ends in its key: before a folder's final slash. */
function nameEnd(key: string, nameAt: number): number {
  return nameAt >= 0 && isFolderKey(key) ? key.length - 1 : key.length;
}

/** A folder's key ends with "/". */
function isFolderKey(key: string): boolean {
  return key.charCodeAt(key.length - 1) === 0x2f;
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
  return naturalKeyIn(name, 0, name.length);
}

/** `naturalKey` of `s.slice(from, end)`, without making that slice where the name is plain ASCII. */
function naturalKeyIn(s: string, from: number, end: number): string {
  for (let i = from; i < end; i++) {
    // Accents are taken off a decomposed lower-case copy; most keys are ASCII and skip this,
    // the dearest step here.
    if (s.charCodeAt(i) >= 0x80) {
      const plain = s.slice(from, end).toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      return naturalKeyOfPlain(plain, 0, plain.length);
    }
  }
  return naturalKeyOfPlain(s, from, end);
}

/**
 * The key of a name with no accents: capitals lowered, digit runs rewritten. A scan rather than a
 * replace with a callback, as it runs for every row of every page, and made from char codes in one
 * step: joined from slices it was a rope of four or more strings a row, resolved by the first sort
 * and left as ~200 bytes of garbage each, which at 100,000 rows grew the web process by 20 MiB
 * before a collection came.
 */
function naturalKeyOfPlain(s: string, from: number, end: number): string {
  codes.length = 0;
  let changed = false;
  for (let i = from; i < end; i++) {
    let c = s.charCodeAt(i);
    if (isDigit(c)) {
      let runEnd = i + 1;
      while (runEnd < end && isDigit(s.charCodeAt(runEnd))) runEnd++;
      let first = i;
      while (first < runEnd - 1 && s.charCodeAt(first) === 0x30) first++;
      codes.push(0x30 + Math.min(runEnd - first, 40));
      for (let k = first; k < runEnd; k++) codes.push(s.charCodeAt(k));
      changed = true;
      i = runEnd - 1;
      continue;
    }
    if (c >= 0x41 && c <= 0x5a) {
      c += 0x20;
      changed = true;
    }
    codes.push(c);
  }
  if (!changed) return from === 0 && end === s.length ? s : s.slice(from, end);
  // Keys are at most 1,024 bytes, so at most ~2,000 codes: well within any engine's argument limit.
  return String.fromCharCode.apply(null, codes);
}

/** The natural key being made, reused from row to row. */
const codes: number[] = [];

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** A folder's row; its name starts at `nameAt`, or where that leaves it none, is the whole prefix. */
function folderRow(prefix: string, nameAt: number): Row {
  return new Row(prefix, nameAt >= prefix.length - 1 ? -1 : nameAt, null, null, null);
}

/**
 * The rows of one listing page of `prefix`. In a folder listing a row's name is its last segment;
 * in a recursive listing (search) it is the key below `prefix`, and zero-byte folder markers
 * (`a/b/`) are folder rows. The page comes as columns (see `ListingColumns` in the engine): no
 * object per entry is made on the way, only the rows.
 */
export function rowsOfPage(page: ListingColumns, prefix: string, recursive: boolean): Row[] {
  const rows: Row[] = [];
  for (const f of page.folders) rows.push(folderRow(f, prefix.length));
  const named = page.classes.map(storageClass);
  const { keys, sizes, modified, class_of } = page;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key.endsWith('/')) {
      if (key !== prefix) rows.push(folderRow(key, prefix.length));
      continue;
    }
    const cls = class_of[i];
    const nameAt = recursive ? prefix.length : key.lastIndexOf('/') + 1;
    rows.push(new Row(key, nameAt, sizes[i], modified[i] ?? null, cls === null || cls === undefined ? null : named[cls]));
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
  // A HEAD answer leaves the class out for STANDARD, where a listing names it.
  return new Row(row.key, row.nameAt, p.size ?? row.size, Number.isNaN(ms) ? row.modified : ms, p.storage_class || 'STANDARD', row.sortName);
}

/** A row made locally (a folder just created), before the next listing shows it. */
export function newFolderRow(key: string, prefix: string): Row {
  return folderRow(key, prefix.length);
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
  return rows.filter((r) => r.nameIncludes(needle));
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
