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

  it('says the speed is being measured before there is one, not 0 bytes/s', () => {
    const t = { running: 1, doneBytes: 5, totalBytes: 200, bytesPerSecond: null, etaSeconds: null };
    expect(describeTransfers(t)).toBe('1 running · measuring speed…');
    expect(describeTransfers({ ...t, bytesPerSecond: 0 })).toBe('1 running · 0 bytes/s');
  });
});
