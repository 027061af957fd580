// How a bucket's contents and their deletion read: the census (what a bucket holds), the sentence
// the delete dialog asks the user to confirm, progress while emptying, and how the deletion ended.

import type { Census, EmptyPhase, EmptyProgress, EmptyReport_Serialize, Remaining_Serialize } from '$lib/bindings';
import { formatBytes, formatCount, plural } from '$lib/shared/format';

/** One line of a census as the overview lists it. `null` counts are ones the storage can't list. */
export interface CensusLine {
  label: string;
  value: string;
}

function countOrDash(n: number | null, one: string, many: string): string {
  return n === null ? 'Not available' : plural(n, one, many);
}

/** The census as label/value lines: objects, older versions, delete markers, uploads, size. */
export function censusLines(c: Census): CensusLine[] {
  return [
    { label: 'Objects', value: countOrDash(c.current_objects, 'object', 'objects') },
    { label: 'Older versions', value: c.versions_listed ? countOrDash(c.noncurrent_versions, 'version', 'versions') : 'Not available' },
    { label: 'Delete markers', value: c.versions_listed ? countOrDash(c.delete_markers, 'marker', 'markers') : 'Not available' },
    { label: 'Unfinished uploads', value: c.uploads_listed ? countOrDash(c.unfinished_uploads, 'upload', 'uploads') : 'Not available' },
    { label: 'Total size', value: c.bytes === null ? 'Not available' : formatBytes(c.bytes) },
  ];
}

/** What the storage could not list, in words; empty when it listed everything. */
export function censusLimits(c: Census): string[] {
  const notes: string[] = [];
  if (!c.versions_listed) {
    notes.push("This storage can't list older versions or delete markers, so the counts are of current objects only.");
  }
  if (!c.uploads_listed) notes.push("This storage can't list unfinished uploads, so they are not counted.");
  return notes;
}

/** Every version to delete: current objects, older versions and delete markers. */
export function versionsToDelete(c: Census): number {
  return (c.current_objects ?? 0) + (c.noncurrent_versions ?? 0) + (c.delete_markers ?? 0);
}

function isEmpty(c: Census): boolean {
  return versionsToDelete(c) === 0 && (c.unfinished_uploads ?? 0) === 0;
}

/**
 * The sentence the user confirms: "Delete bucket-b and everything in it: 1,204 objects, 37 older
 * versions, 5 delete markers, 2 unfinished uploads (3.2 GB)." Zero kinds are left out; an empty
 * bucket says so.
 */
export function describeDeletion(bucket: string, c: Census): string {
  if (isEmpty(c)) return `Delete ${bucket}. It is empty: no objects${c.versions_listed ? ', versions' : ''} or unfinished uploads.`;
  const parts: string[] = [];
  const add = (n: number | null, one: string, many: string) => {
    if (n) parts.push(plural(n, one, many));
  };
  add(c.current_objects, 'object', 'objects');
  add(c.noncurrent_versions, 'older version', 'older versions');
  add(c.delete_markers, 'delete marker', 'delete markers');
  add(c.unfinished_uploads, 'unfinished upload', 'unfinished uploads');
  const size = c.bytes ? ` (${formatBytes(c.bytes)})` : '';
  return `Delete ${bucket} and everything in it: ${parts.join(', ')}${size}.`;
}

export const PHASE_WORDS: Readonly<Record<EmptyPhase, string>> = {
  deleting_versions: 'Deleting objects and their versions…',
  aborting_uploads: 'Cancelling unfinished uploads…',
  deleting_bucket: 'Deleting the bucket…',
  done: 'Finishing…',
};

/** Progress from 0 to 1 over the census's versions; null when there is no total to measure by. */
export function deletionProgress(p: EmptyProgress | null, total: number | null): number | null {
  if (p?.phase === 'deleting_bucket' || p?.phase === 'done') return 1;
  if (total === null || total === 0) return p?.phase === 'aborting_uploads' ? 1 : null;
  return Math.min(1, Math.max(0, (p?.deleted ?? 0) / total));
}

/** "412 of 1,246 deleted", or just "412 deleted" without a total. */
export function describeDeleted(deleted: number, total: number | null): string {
  return total ? `${formatCount(deleted)} of ${formatCount(total)} deleted` : `${formatCount(deleted)} deleted`;
}

/** "1,246 objects and versions" for what was removed. */
function removedWords(deleted: number | null, uploads: number | null): string {
  const parts = [plural(deleted ?? 0, 'object', 'objects and versions')];
  if (uploads) parts.push(plural(uploads, 'unfinished upload', 'unfinished uploads'));
  return parts.join(' and ');
}

export type DeletionOutcome = 'deleted' | 'kept' | 'cancelled';

export function outcomeOf(r: EmptyReport_Serialize): DeletionOutcome {
  if (r.bucket_deleted) return 'deleted';
  return r.cancelled ? 'cancelled' : 'kept';
}

/** The headline of how a deletion ended. */
export function describeOutcome(bucket: string, r: EmptyReport_Serialize): string {
  const removed = removedWords(r.deleted, r.uploads_aborted);
  switch (outcomeOf(r)) {
    case 'deleted':
      return r.deleted || r.uploads_aborted
        ? `Deleted ${bucket} and everything in it (${removed}).`
        : `Deleted ${bucket}. It was empty.`;
    case 'cancelled':
      return `Stopped. ${capitalize(removed)} ${wasOrWere(r.deleted, r.uploads_aborted)} deleted; ${bucket} and the rest of its contents are kept.`;
    case 'kept': {
      if ((r.appeared ?? 0) > 0)
        return `${bucket} was kept: ${plural(r.appeared ?? 0, 'item', 'items')} appeared after the count, so something is writing to it and nothing beyond the count was touched. ${capitalize(removed)} ${wasOrWere(r.deleted, r.uploads_aborted)} deleted. Count again when the writing has stopped.`;
      const left = r.remaining.length + r.uploads_remaining.length;
      if (left === 0) return `${bucket} was kept: the storage did not delete it. ${capitalize(removed)} ${wasOrWere(r.deleted, r.uploads_aborted)} deleted.`;
      const what = [
        r.remaining.length ? plural(r.remaining.length, 'object', 'objects') : '',
        r.uploads_remaining.length ? plural(r.uploads_remaining.length, 'unfinished upload', 'unfinished uploads') : '',
      ]
        .filter(Boolean)
        .join(' and ');
      return `${bucket} was kept because ${what} could not be deleted. ${capitalize(removed)} ${wasOrWere(r.deleted, r.uploads_aborted)} deleted.`;
    }
  }
}

function wasOrWere(deleted: number | null, uploads: number | null): string {
  return (deleted ?? 0) === 1 && !uploads ? 'was' : 'were';
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Remaining items grouped by reason, so 10,000 objects under one legal hold read as one line. */
export function groupByReason(items: readonly Remaining_Serialize[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.reason, (counts.get(item.reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => ({ reason, count }));
}
