import { describe, expect, it } from 'vitest';
import type { VersionEntry_Serialize } from '$lib/bindings';
import { describeDeleteVersion, describeUndeleted, filterVersionRows, versionActions, versionMark, versionRow, versionRowsOfPage } from './versions';

const entry = (key: string, id: string, over: Partial<VersionEntry_Serialize> = {}): VersionEntry_Serialize => ({
  key,
  version_id: id,
  size: 10,
  last_modified: '2025-07-01T10:00:00Z',
  storage_class: 'STANDARD',
  etag: null,
  is_latest: false,
  is_delete_marker: false,
  ...over,
});

describe('version rows', () => {
  it('name keys below the folder, folders first; a marker has no size', () => {
    const { folders, versions } = versionRowsOfPage(
      { folders: ['raw/2024/'], versions: [entry('raw/a.csv', 'v1', { is_latest: true }), entry('raw/a.csv', 'm0', { is_delete_marker: true, size: 0 })] },
      'raw/',
    );
    expect(folders.map((f) => [f.kind, f.name, f.key])).toEqual([['folder', '2024', 'raw/2024/']]);
    expect(versions.map((v) => [v.kind, v.name, v.versionId, v.size, v.current])).toEqual([
      ['version', 'a.csv', 'v1', 10, true],
      ['marker', 'a.csv', 'm0', null, false],
    ]);
    expect(new Set([...folders, ...versions].map((r) => r.id)).size).toBe(3);
    expect(filterVersionRows(versions, ' A.CSV ')).toHaveLength(2);
    expect(filterVersionRows(versions, 'b')).toHaveLength(0);
  });

  it('mark which version is the object now, and what a marker means', () => {
    expect(versionMark(versionRow(entry('k', 'v', { is_latest: true }), ''))).toBe('Current');
    expect(versionMark(versionRow(entry('k', 'v'), ''))).toBe('Older version');
    expect(versionMark(versionRow(entry('k', 'm', { is_delete_marker: true, is_latest: true }), ''))).toBe('Deleted');
    expect(versionMark(versionRow(entry('k', 'm', { is_delete_marker: true }), ''))).toBe('Delete marker');
  });
});

describe('version actions', () => {
  const enabled = (e: VersionEntry_Serialize) =>
    versionActions(versionRow(e, ''))
      .filter((a) => a.enabled)
      .map((a) => a.id);

  it('offer what each kind of version allows', () => {
    expect(enabled(entry('k', 'v', { is_latest: true }))).toEqual(['preview', 'download', 'delete']);
    expect(enabled(entry('k', 'v'))).toEqual(['preview', 'download', 'restore', 'delete']);
    expect(enabled(entry('k', 'm', { is_delete_marker: true, is_latest: true }))).toEqual(['undelete', 'delete']);
    expect(enabled(entry('k', 'm', { is_delete_marker: true }))).toEqual(['delete']);
    expect(versionActions(null).every((a) => !a.enabled && a.reason === 'Select a version first')).toBe(true);
  });

  it('name the version to delete for good and say it is final', () => {
    const said = describeDeleteVersion(versionRow(entry('raw/a.csv', 'v1'), 'raw/'));
    expect(said.message).toMatch(/^Delete the version v1 of “raw\/a\.csv”, from .*2025/);
    expect(said.warning).toMatch(/can't be undone/);
    expect(describeDeleteVersion(versionRow(entry('k', 'v', { is_latest: true }), '')).warning).toMatch(/current version/);
    expect(describeDeleteVersion(versionRow(entry('k', 'm', { is_delete_marker: true, is_latest: true }), '')).warning).toMatch(/brings back/);
  });
});

describe('describeUndeleted', () => {
  it('says how many came back, and keeps every failure', () => {
    expect(describeUndeleted({ restored: 3, failed: [], cancelled: false }, 3)).toEqual({ tone: 'ok', text: 'Undeleted 3 files.', failures: [] });
    const failed = [{ key: 'b', reason: 'Access Denied' }];
    expect(describeUndeleted({ restored: 2, failed, cancelled: false }, 3)).toEqual({
      tone: 'partial',
      text: 'Undeleted 2 of 3 files; 1 could not be undeleted.',
      failures: failed,
    });
    expect(describeUndeleted({ restored: 0, failed, cancelled: false }, 1).tone).toBe('failed');
    expect(describeUndeleted({ restored: 1, failed: [], cancelled: true }, 5).text).toBe('Cancelled after undeleting 1 file; the rest stay deleted.');
  });
});
