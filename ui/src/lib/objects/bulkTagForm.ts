// What the Tag… dialog sends: the tags typed, merge or replace, and in merge mode the keys to
// remove; every rule checked field by field before the request.

import type { Tag, TagMode } from '$lib/bindings';
import { hasProblem, type KeyValueRow, type RowProblem } from '$lib/shared/keyValueRows';
import { MAX_OBJECT_TAGS, tagKeyProblem, tagRowProblems, tagsFromRows } from '$lib/shared/tags';

export interface BulkTagDraft {
  rows: readonly KeyValueRow[];
  mode: TagMode;
  /** Keys to remove, separated by commas (tag keys can't contain one). Merge mode only. */
  removeText: string;
}

export interface BulkTagProblems {
  rows: RowProblem[];
  remove: string | null;
  /** A rule about the whole change rather than one field. */
  whole: string | null;
}

/** The keys typed in the Remove field: trimmed, empty ones dropped, each once. */
export function removeKeys(text: string): string[] {
  return [...new Set(text.split(',').map((k) => k.trim()))].filter((k) => k !== '');
}

/** The tags and removals to send: a replace has nothing to remove (every other tag goes anyway). */
export function bulkTagChange(draft: BulkTagDraft): { tags: Tag[]; remove: string[] } {
  return { tags: tagsFromRows(draft.rows), remove: draft.mode === 'merge' ? removeKeys(draft.removeText) : [] };
}

export function bulkTagProblems(draft: BulkTagDraft): BulkTagProblems {
  const { tags, remove } = bulkTagChange(draft);
  const set = new Set(tags.map((t) => t.key));
  let removeProblem: string | null = null;
  for (const key of remove) {
    removeProblem = tagKeyProblem(key) ?? (set.has(key) ? `“${key}” is both set and removed; keep it in one of the two.` : null);
    if (removeProblem) break;
  }
  let whole: string | null = null;
  if (tags.length > MAX_OBJECT_TAGS) whole = `An object can have at most ${MAX_OBJECT_TAGS} tags; there are ${tags.length}.`;
  else if (draft.mode === 'merge' && tags.length === 0 && remove.length === 0) whole = 'Add a tag, or a key to remove.';
  return { rows: tagRowProblems(draft.rows), remove: removeProblem, whole };
}

export function hasBulkTagProblem(p: BulkTagProblems): boolean {
  return p.remove !== null || p.whole !== null || hasProblem(p.rows);
}
