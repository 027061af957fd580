import { describe, expect, it } from 'vitest';
import { describeTransfers, progressOf } from './transferSummary';

describe('transfers line', () => {
  it('says no transfers when idle', () => {
    expect(describeTransfers(null)).toBe('No transfers');
  });

  it('reads count, rate and time left', () => {
    const t = { running: 3, doneBytes: 50, totalBytes: 200, bytesPerSecond: 412e6, etaSeconds: 42 };
    expect(describeTransfers(t)).toBe('3 running · 412 MB/s · ETA 0:42');
    expect(progressOf(t)).toBe(0.25);
    expect(describeTransfers({ ...t, etaSeconds: null })).toBe('3 running · 412 MB/s');
  });
});
