import { describe, expect, it } from 'vitest';
import { describeCopied, describeDelete, describeDeleted, describeRenamed, describeTagged, describeTargets, VERSIONS_NOTE } from './describe';
import { newFolderRow, rowsOfPage } from './rows';
import { columns } from '../../test/listing';

const files = rowsOfPage(
  columns([], [
      { key: 'a.csv', size: 1_200_000, last_modified: null, storage_class: null },
      { key: 'b.csv', size: 2_000_000, last_modified: null, storage_class: null },
    ]),
  '',
  false,
);

describe('delete confirmation', () => {
  it('counts objects and names the bucket; adds the size when only files are selected', () => {
    expect(describeDelete(2, files, 'bucket-b', 'off')).toEqual({ message: 'Delete 2 objects (3.2 MB) from bucket-b?', notes: [] });
    expect(describeDelete(1, files.slice(0, 1), 'bucket-b', 'off').message).toBe('Delete “a.csv” (1.2 MB) from bucket-b?');
  });

  it('says a folder means everything in it, and that a versioned bucket keeps older versions', () => {
    const folder = newFolderRow('raw/', '');
    expect(describeDelete(1204, [folder], 'bucket-b', 'on')).toEqual({
      message: 'Delete 1,204 objects from bucket-b?',
      notes: ['That is everything in the folder “raw”.', VERSIONS_NOTE],
    });
    expect(describeDelete(1205, [folder, files[0]], 'bucket-b', 'partial').notes).toEqual([
      'That includes everything in the folder “raw”.',
      'The bucket keeps versions: deleting adds delete markers; older versions stay.',
    ]);
    expect(describeDelete(3, [folder], 'bucket-b', 'unsupported').notes).not.toContain(VERSIONS_NOTE);
  });
});

describe('outcomes', () => {
  it('reports deleted objects and every failure', () => {
    expect(describeDeleted({ deleted: 1204, failed: [] }, 'bucket-b')).toEqual({
      tone: 'ok',
      text: 'Deleted 1,204 objects from bucket-b.',
      failures: [],
    });
    const failed = [{ key: 'x', reason: 'Access Denied' }];
    expect(describeDeleted({ deleted: 3, failed }, 'bucket-b')).toEqual({
      tone: 'partial',
      text: 'Deleted 3 of 4 objects; 1 could not be deleted.',
      failures: failed,
    });
  });

  it('reports copies, moves and renames', () => {
    expect(describeCopied({ copied: 3, bytes: 0, cancelled: false, deleted: 0, failed: [], archived: [] }, false, 's3://b/x/').text).toBe('Copied 3 objects to s3://b/x/.');
    const partial = describeCopied({ copied: 2, bytes: 0, cancelled: false, deleted: 1, failed: [{ key: 'k', reason: 'r' }], archived: [] }, true, 's3://b/x/');
    expect(partial.tone).toBe('partial');
    expect(partial.text).toBe('Moved 2 objects to s3://b/x/; 1 failed. Objects that were copied but not deleted are now in both places.');
    expect(describeRenamed({ copied: 12, bytes: 0, cancelled: false, deleted: 12, failed: [], archived: [] }, '2024', '2024-archive').text).toBe(
      'Renamed “2024” to “2024-archive” (12 objects).',
    );
  });
});

describe('tagging', () => {
  const raw = newFolderRow('raw/', '');
  const logs = newFolderRow('logs/', '');

  it('says what a selection stands for: objects, and everything in folders', () => {
    expect(describeTargets(files.slice(0, 1))).toBe('“a.csv”');
    expect(describeTargets(files)).toBe('2 objects');
    expect(describeTargets([raw])).toBe('everything in the folder “raw”');
    expect(describeTargets([raw, logs, ...files])).toBe('2 objects and everything in 2 folders');
    expect(describeTargets([raw, files[0]])).toBe('“a.csv” and everything in the folder “raw”');
  });

  it('reports how many were tagged and keeps every failure', () => {
    expect(describeTagged({ tagged: 1204, failed: [], cancelled: false })).toEqual({ tone: 'ok', text: 'Tagged 1,204 objects.', failures: [] });
    expect(describeTagged({ tagged: 0, failed: [], cancelled: false }).text).toBe('There was nothing to tag: the selection holds no objects.');
    const failed = [{ key: 'raw/x', reason: 'Access Denied' }];
    expect(describeTagged({ tagged: 3, failed, cancelled: false })).toEqual({
      tone: 'partial',
      text: 'Tagged 3 of 4 objects; 1 could not be tagged.',
      failures: failed,
    });
  });

  it('leads with the one reason when nothing was tagged', () => {
    const unsupported = ['a', 'b'].map((key) => ({ key, reason: 'This storage does not support object tags.' }));
    expect(describeTagged({ tagged: 0, failed: unsupported, cancelled: false })).toEqual({
      tone: 'failed',
      text: 'Nothing was tagged: 2 objects failed. This storage does not support object tags.',
      failures: unsupported,
    });
    const mixed = [
      { key: 'a', reason: 'Access Denied' },
      { key: 'b', reason: 'Object has 11 tags' },
    ];
    expect(describeTagged({ tagged: 0, failed: mixed, cancelled: false }).text).toBe('Nothing was tagged: 2 objects failed.');
  });

  it('says how many were tagged before Cancel', () => {
    expect(describeTagged({ tagged: 120, failed: [], cancelled: true })).toEqual({
      tone: 'partial',
      text: 'Cancelled after tagging 120 objects; the rest keep their tags.',
      failures: [],
    });
    expect(describeTagged({ tagged: 0, failed: [], cancelled: true }).text).toBe('Cancelled before any object was tagged.');
    expect(describeTagged({ tagged: 5, failed: [{ key: 'k', reason: 'r' }], cancelled: true }).text).toBe(
      'Cancelled after tagging 5 objects; the rest keep their tags. 1 could not be tagged.',
    );
  });
});
