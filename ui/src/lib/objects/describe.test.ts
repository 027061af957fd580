import { describe, expect, it } from 'vitest';
import { describeCopied, describeDelete, describeDeleted, describeRenamed, VERSIONS_NOTE } from './describe';
import { newFolderRow, rowsOfPage } from './rows';

const files = rowsOfPage(
  {
    folders: [],
    objects: [
      { key: 'a.csv', size: 1_200_000, last_modified: null, storage_class: null, etag: null },
      { key: 'b.csv', size: 2_000_000, last_modified: null, storage_class: null, etag: null },
    ],
    next: null,
  },
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
    expect(describeCopied({ copied: 3, deleted: 0, failed: [] }, false, 's3://b/x/').text).toBe('Copied 3 objects to s3://b/x/.');
    const partial = describeCopied({ copied: 2, deleted: 1, failed: [{ key: 'k', reason: 'r' }] }, true, 's3://b/x/');
    expect(partial.tone).toBe('partial');
    expect(partial.text).toBe('Moved 2 objects to s3://b/x/; 1 failed. Objects that were copied but not deleted are now in both places.');
    expect(describeRenamed({ copied: 12, deleted: 12, failed: [] }, '2024', '2024-archive').text).toBe(
      'Renamed “2024” to “2024-archive” (12 objects).',
    );
  });
});
