import { describe, expect, it } from 'vitest';
import type { Census, EmptyReport_Serialize } from '$lib/bindings';
import { censusLines, deletionProgress, describeDeleted, describeDeletion, describeOutcome, groupByReason } from './bucketContents';

const census: Census = {
  current_objects: 1204,
  noncurrent_versions: 37,
  delete_markers: 5,
  unfinished_uploads: 2,
  bytes: 3.2e9,
  versions_listed: true,
  uploads_listed: true,
};

const report = (over: Partial<EmptyReport_Serialize>): EmptyReport_Serialize => ({
  deleted: 0,
  uploads_aborted: 0,
  remaining: [],
  uploads_remaining: [],
  bucket_deleted: false,
  appeared: 0,
  cancelled: false,
  ...over,
});

describe('the deletion sentence', () => {
  it('names every kind and the size', () => {
    expect(describeDeletion('bucket-b', census)).toBe(
      'Delete bucket-b and everything in it: 1,204 objects, 37 older versions, 5 delete markers, 2 unfinished uploads (3.2 GB).',
    );
  });

  it('leaves out kinds there are none of, and says when the bucket is empty', () => {
    expect(describeDeletion('b', { ...census, noncurrent_versions: 0, delete_markers: 0, unfinished_uploads: 0, current_objects: 1 })).toBe(
      'Delete b and everything in it: 1 object (3.2 GB).',
    );
    const empty = { ...census, current_objects: 0, noncurrent_versions: 0, delete_markers: 0, unfinished_uploads: 0, bytes: 0 };
    expect(describeDeletion('b', empty)).toBe('Delete b. It is empty: no objects, versions or unfinished uploads.');
  });

  it('lists what could not be counted as not available', () => {
    const lines = censusLines({ ...census, noncurrent_versions: null, delete_markers: null, versions_listed: false });
    expect(lines.map((l) => `${l.label}: ${l.value}`)).toEqual([
      'Objects: 1,204 objects',
      'Older versions: Not available',
      'Delete markers: Not available',
      'Unfinished uploads: 2 uploads',
      'Total size: 3.2 GB',
    ]);
  });
});

describe('progress', () => {
  it('measures deleted versions against the census', () => {
    expect(deletionProgress(null, 100)).toBe(0);
    expect(deletionProgress({ phase: 'deleting_versions', deleted: 25, failed: 0, uploads_aborted: 0 }, 100)).toBe(0.25);
    expect(deletionProgress({ phase: 'deleting_versions', deleted: 150, failed: 0, uploads_aborted: 0 }, 100)).toBe(1);
    expect(deletionProgress({ phase: 'deleting_bucket', deleted: 3, failed: 0, uploads_aborted: 0 }, 100)).toBe(1);
    expect(deletionProgress({ phase: 'deleting_versions', deleted: 3, failed: 0, uploads_aborted: 0 }, null)).toBeNull();
    expect(describeDeleted(412, 1246)).toBe('412 of 1,246 deleted');
    expect(describeDeleted(412, null)).toBe('412 deleted');
  });
});

describe('how a deletion ended', () => {
  it('reads for each outcome', () => {
    expect(describeOutcome('b', report({ bucket_deleted: true, deleted: 1246, uploads_aborted: 2 }))).toBe(
      'Deleted b and everything in it (1,246 objects and versions and 2 unfinished uploads).',
    );
    expect(describeOutcome('b', report({ bucket_deleted: true }))).toBe('Deleted b. It was empty.');
    expect(describeOutcome('b', report({ cancelled: true, deleted: 1 }))).toBe(
      'Stopped. 1 object was deleted; b and the rest of its contents are kept.',
    );
    expect(
      describeOutcome('b', report({ deleted: 9, remaining: [{ key: 'k', version_id: null, reason: 'Protected by a legal hold' }] })),
    ).toBe('b was kept because 1 object could not be deleted. 9 objects and versions were deleted.');
    expect(describeOutcome('b', report({ deleted: 5, appeared: 3 }))).toBe(
      'b was kept: 3 items appeared after the count, so something is writing to it and nothing beyond the count was touched. 5 objects and versions were deleted. Count again when the writing has stopped.',
    );
  });

  it('groups what is left by reason', () => {
    const r = (reason: string) => ({ key: 'k', version_id: null, reason });
    expect(groupByReason([r('hold'), r('denied'), r('hold')])).toEqual([
      { reason: 'hold', count: 2 },
      { reason: 'denied', count: 1 },
    ]);
  });
});
