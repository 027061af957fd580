// What the object browser remembers between sessions (localStorage): the last folder of each
// bucket, the sort order, the column widths and whether the properties panel is open. A value that
// can't be read or written is ignored: these are conveniences, never needed to work.

import { DEFAULT_SORT, type SortColumn, type SortSpec } from './rows';

function read(key: string): unknown {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? undefined : JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or off: nothing is remembered.
  }
}

const LOCATIONS = 'satchel.objects.locations';
const SORT = 'satchel.objects.sort';
const COLUMNS = 'satchel.objects.columns';
const PANEL = 'satchel.objects.propertiesOpen';

/** Columns whose width the user can drag; Name takes the rest. */
export type SizedColumn = 'size' | 'modified' | 'class';
export type ColumnWidths = Record<SizedColumn, number>;
export const DEFAULT_WIDTHS: ColumnWidths = { size: 96, modified: 176, class: 136 };
export const MIN_WIDTH = 64;
export const MAX_WIDTH = 480;

function locations(): Record<string, string> {
  const v = read(LOCATIONS);
  return v && typeof v === 'object' ? (v as Record<string, string>) : {};
}

/** The folder last shown in this bucket, or "" (its top). */
export function lastPrefix(connectionId: string, bucket: string): string {
  const v = locations()[`${connectionId}/${bucket}`];
  return typeof v === 'string' ? v : '';
}

export function rememberPrefix(connectionId: string, bucket: string, prefix: string): void {
  const all = locations();
  const id = `${connectionId}/${bucket}`;
  if (prefix === '') delete all[id];
  else all[id] = prefix;
  write(LOCATIONS, all);
}

const COLUMN_IDS: readonly SortColumn[] = ['name', 'size', 'modified', 'class'];

export function savedSort(): SortSpec {
  const v = read(SORT) as Partial<SortSpec> | undefined;
  if (v && COLUMN_IDS.includes(v.column as SortColumn) && typeof v.descending === 'boolean') {
    return { column: v.column as SortColumn, descending: v.descending };
  }
  return DEFAULT_SORT;
}

export function saveSort(sort: SortSpec): void {
  write(SORT, sort);
}

export function clampWidth(px: number): number {
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, px)));
}

export function savedWidths(): ColumnWidths {
  const v = read(COLUMNS) as Partial<ColumnWidths> | undefined;
  const widths = { ...DEFAULT_WIDTHS };
  if (v && typeof v === 'object') {
    for (const c of Object.keys(DEFAULT_WIDTHS) as SizedColumn[]) {
      if (typeof v[c] === 'number' && Number.isFinite(v[c])) widths[c] = clampWidth(v[c]);
    }
  }
  return widths;
}

export function saveWidths(widths: ColumnWidths): void {
  write(COLUMNS, widths);
}

export function propertiesOpen(): boolean {
  return read(PANEL) !== false;
}

export function savePropertiesOpen(open: boolean): void {
  write(PANEL, open);
}
