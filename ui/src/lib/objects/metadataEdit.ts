// An object's headers, user metadata and storage class as the properties panel edits them: the
// rules checked before any request, and only what changed sent (the rest is kept by the engine).

import type { MetadataEdit_Deserialize, ObjectProperties_Serialize } from '$lib/bindings';
import { formatCount } from '$lib/shared/format';
import { editRows, isBlank, type KeyValueRow, type RowProblem } from '$lib/shared/keyValueRows';

export const STORAGE_CLASSES = [
  'STANDARD',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
  'REDUCED_REDUNDANCY',
] as const;

/** Objects in these classes can't be copied until restored, and editing is a copy onto itself. */
export const ARCHIVE_CLASSES: ReadonlySet<string> = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/** S3 counts the UTF-8 bytes of every name and value of user metadata against 2 KB. */
export const MAX_METADATA_BYTES = 2048;

export const HEADERS = ['content_type', 'cache_control', 'content_disposition', 'content_encoding'] as const;
export type Header = (typeof HEADERS)[number];

export interface MetadataDraft extends Record<Header, string> {
  rows: KeyValueRow[];
  storageClass: string;
}

/** S3 leaves the storage class out for STANDARD. */
export function storageClassOf(props: ObjectProperties_Serialize): string {
  return props.storage_class || 'STANDARD';
}

/** The classes to offer; one this list doesn't know (a store's own) stays selectable when current. */
export function storageClassChoices(current: string): string[] {
  return (STORAGE_CLASSES as readonly string[]).includes(current) ? [...STORAGE_CLASSES] : [current, ...STORAGE_CLASSES];
}

export function draftOf(props: ObjectProperties_Serialize): MetadataDraft {
  return {
    content_type: props.content_type ?? '',
    cache_control: props.cache_control ?? '',
    content_disposition: props.content_disposition ?? '',
    content_encoding: props.content_encoding ?? '',
    rows: editRows(props.metadata),
    storageClass: storageClassOf(props),
  };
}

const NAME = /^[A-Za-z0-9_-]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Each metadata row's problems (the engine's rule for names, plus what would break the request or
 * be lost: control characters in values, a name used twice, which S3 would merge as it stores
 * names in lower case). Wholly empty rows are ignored.
 */
export function metadataRowProblems(rows: readonly KeyValueRow[]): RowProblem[] {
  const seen = new Set<string>();
  return rows.map((r) => {
    if (isBlank(r)) return { key: null, value: null };
    const name = r.key.trim();
    let key: string | null = null;
    if (name === '') key = "Metadata names can't be empty.";
    else if (!NAME.test(name)) key = `Metadata names may use letters, digits, hyphens and underscores; “${name}” doesn't fit.`;
    else if (seen.has(name.toLowerCase())) key = `“${name}” appears twice (names are stored in lower case).`;
    seen.add(name.toLowerCase());
    const value = CONTROL.test(r.value) ? "Metadata values can't contain line breaks or other control characters." : null;
    return { key, value };
  });
}

/** The metadata pairs the rows stand for: names trimmed, empty rows dropped. */
export function metadataOf(rows: readonly KeyValueRow[]): [string, string][] {
  return rows.filter((r) => !isBlank(r)).map((r) => [r.key.trim(), r.value]);
}

/** The rule the metadata as a whole breaks, or null. */
export function metadataSizeProblem(rows: readonly KeyValueRow[]): string | null {
  const bytes = metadataOf(rows).reduce((n, [k, v]) => n + utf8(k) + utf8(v), 0);
  if (bytes <= MAX_METADATA_BYTES) return null;
  return `User metadata can be at most 2 KB in all (names and values); this is ${formatCount(bytes)} bytes.`;
}

const utf8 = (s: string) => new TextEncoder().encode(s).length;

const sameMetadata = (a: readonly (readonly [string, string])[], b: readonly (readonly [string, string])[]) => {
  const key = (pairs: readonly (readonly [string, string])[]) => JSON.stringify([...pairs].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return key(a) === key(b);
};

/**
 * The fields that differ from `before`, and only those: anything left out is kept as it is. A
 * header emptied is sent as "" (the engine then removes it); metadata goes as the complete set.
 */
export function metadataEdit(before: ObjectProperties_Serialize, draft: MetadataDraft): MetadataEdit_Deserialize {
  const edit: MetadataEdit_Deserialize = {};
  for (const h of HEADERS) {
    const value = draft[h].trim();
    if (value !== (before[h] ?? '')) edit[h] = value;
  }
  const metadata = metadataOf(draft.rows);
  if (!sameMetadata(metadata, before.metadata)) edit.metadata = metadata;
  if (draft.storageClass !== storageClassOf(before)) edit.storage_class = draft.storageClass;
  return edit;
}
