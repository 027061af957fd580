import { describe, expect, it } from 'vitest';
import type { UnfinishedUpload, UploadReport } from '$lib/bindings';
import { describeBatch, describeCancelledPause, groupInterrupted, mergeReports, names, notificationOf } from './outcome';

const report = (over: Partial<UploadReport> = {}): UploadReport => ({
  files: 1204,
  bytes: 3.2e9,
  failed: [],
  cancelled: false,
  paused: false,
  skipped: 0,
  already_sent: 0,
  resumed_bytes: 0,
  restarted: [],
  removed: 0,
  checksum: 'crc32c',
  next_plan: null,
  notes: [],
  ...over,
});

describe('describeBatch', () => {
  it('says a paused batch was cancelled and its parts deleted', () => {
    const paused = report({ files: 300, bytes: 8e8, paused: true, next_plan: 'plan-2' });
    expect(describeCancelledPause(paused, 1204)).toEqual({
      tone: 'partial',
      lines: ['Cancelled while paused, after 300 of 1,204 files (800 MB).', 'Parts already sent were deleted.'],
      warnings: [],
    });
    expect(describeCancelledPause(paused, null).lines[0]).toBe('Cancelled while paused, after 300 files (800 MB).');
    expect(describeCancelledPause(null, 2).lines[0]).toBe('Cancelled while paused, after 0 of 2 files (0 bytes).');
  });

  it('says what was uploaded, and what was resumed from an earlier run', () => {
    expect(describeBatch(report(), 1204)).toEqual({ tone: 'ok', lines: ['Uploaded 1,204 files (3.2 GB).'], warnings: [] });
    expect(describeBatch(report({ resumed_bytes: 1.1e9 }), 1204).lines[0]).toBe('Uploaded 1,204 files (3.2 GB), resumed 1.1 GB from an earlier run.');
  });

  it('names skipped and restarted files, and the Content-MD5 fallback', () => {
    const { lines } = describeBatch(report({ skipped: 37, restarted: ['raw/a.csv', 'raw/b.csv'], checksum: 'md5' }), 1241);
    expect(lines).toEqual([
      'Uploaded 1,204 files (3.2 GB).',
      '37 files were skipped: they already existed.',
      'Sent again from the start because they changed since the earlier run: a.csv and b.csv.',
      'Content-MD5 used: this storage refused CRC32C.',
    ]);
  });

  it('tells paused, cancelled and failed runs apart', () => {
    expect(describeBatch(report({ files: 300, paused: true }), 1204)).toEqual({ tone: 'partial', lines: ['Paused after 300 of 1,204 files.'], warnings: [] });
    expect(describeBatch(report({ files: 3, bytes: 3000, cancelled: true }), 10).lines[0]).toBe(
      'Cancelled after 3 files (3 KB); parts of unfinished files were deleted.',
    );
    const failed = [{ key: '/home/ana/x.csv', reason: 'Permission denied' }];
    expect(describeBatch(report({ files: 1203, bytes: 3.1e9, failed }), 1204)).toEqual({ tone: 'partial', lines: ['Uploaded 1,203 files (3.1 GB); 1 failed.'], warnings: [] });
    expect(describeBatch(report({ files: 0, bytes: 0, failed }), 1)).toEqual({ tone: 'failed', lines: ['Nothing was uploaded: 1 file failed.'], warnings: [] });
  });

  it('passes on what the storage did otherwise than asked as warnings', () => {
    const note = "This storage didn't keep the storage class ONEZONE_IA (it stored them as STANDARD) for what was uploaded.";
    expect(describeBatch(report({ notes: [note] }), 1204)).toEqual({ tone: 'ok', lines: ['Uploaded 1,204 files (3.2 GB).'], warnings: [note] });
  });
});

describe('mergeReports', () => {
  it('adds the runs up and keeps the latest failures and plan', () => {
    const first = report({ files: 300, bytes: 1e9, paused: true, next_plan: 'p2', resumed_bytes: 0, checksum: 'md5' });
    const second = report({ files: 904, bytes: 2.2e9, resumed_bytes: 5e6, failed: [{ key: 'k', reason: 'r' }], restarted: ['x'] });
    expect(mergeReports(null, first)).toBe(first);
    expect(mergeReports(first, second)).toEqual({ ...second, files: 1204, bytes: 3.2e9, resumed_bytes: 5e6, skipped: 0, restarted: ['x'], checksum: 'md5' });
  });

  it("keeps each run's notes once", () => {
    const merged = mergeReports(report({ notes: ['Class not kept.'] }), report({ notes: ['Class not kept.', 'Encryption not kept.'] }));
    expect(merged.notes).toEqual(['Class not kept.', 'Encryption not kept.']);
  });
});

describe('names', () => {
  it('lists a few names and counts the rest', () => {
    expect(names(['a'])).toBe('a');
    expect(names(['dir/a', 'b', 'c'])).toBe('a, b and c');
    expect(names(['a', 'b', 'c', 'd'], 2)).toBe('a, b and 2 more');
  });
});

describe('notificationOf', () => {
  it('says how it ended and where', () => {
    expect(notificationOf(report(), 'bucket-b/raw/')).toEqual({ title: 'Upload finished', body: '1,204 files (3.2 GB) to bucket-b/raw/' });
    expect(notificationOf(report({ failed: [{ key: 'k', reason: 'r' }] }), 'b/').title).toBe('Upload finished; 1 failed');
  });
});

describe('groupInterrupted', () => {
  it('groups per connection and bucket with what is left and what is held', () => {
    const u = (id: number, storage: string, bucket: string, size: number, done: number): UnfinishedUpload => ({
      id,
      storage,
      bucket,
      key: `k${id}`,
      file_name: `f${id}`,
      size,
      done,
      started: 0,
    });
    const groups = groupInterrupted([u(1, 'c1', 'a', 100, 40), u(2, 'c1', 'b', 50, 0), u(3, 'c1', 'a', 10, 10)]);
    expect(groups.map((g) => [g.connectionId, g.bucket, g.uploads.map((x) => x.id), g.bytesLeft, g.bytesHeld])).toEqual([
      ['c1', 'a', [1, 3], 60, 50],
      ['c1', 'b', [2], 50, 0],
    ]);
  });
});
