import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, formatCount, formatDuration, formatEta, formatExact, formatRate, formatWhen, plural } from './format';

describe('sizes', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1000, '1 KB'],
    [12_400_000, '12.4 MB'],
    [412_000_000, '412 MB'],
    [900_000_000, '900 MB'],
    [100_000, '100 KB'],
    [10_000_000, '10 MB'],
    [1_500_000, '1.5 MB'],
    [1_234_567_890, '1.23 GB'],
    [5e15, '5 PB'],
  ])('%d bytes read %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  it('reads rates and bad input', () => {
    expect(formatRate(412e6)).toBe('412 MB/s');
    expect(formatRate(0)).toBe('0 bytes/s');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('durations and counts', () => {
  it.each([
    [42, '0:42'],
    [41.2, '0:42'],
    [725, '12:05'],
    [3723, '1:02:03'],
  ])('%d s is %s', (s, text) => {
    expect(formatEta(s)).toBe(text);
  });

  it('groups digits and picks the plural', () => {
    expect(formatCount(1204, 'en-US')).toBe('1,204');
    expect(plural(1, 'bucket', 'buckets')).toBe('1 bucket');
    expect(plural(3, 'bucket', 'buckets')).toBe('3 buckets');
  });
});

describe('dates', () => {
  const now = new Date(2025, 5, 12, 15, 30);

  it('says today and yesterday', () => {
    expect(formatWhen(new Date(2025, 5, 12, 10, 41), now, 'en-GB')).toBe('today 10:41');
    expect(formatWhen(new Date(2025, 5, 11, 9, 12), now, 'en-GB')).toBe('yesterday 09:12');
  });

  it('gives day and month this year, and the year before', () => {
    expect(formatWhen(new Date(2025, 2, 3, 10, 41), now, 'en-GB')).toBe('3 Mar 10:41');
    expect(formatWhen(new Date(2024, 2, 12, 10, 41), now, 'en-GB')).toBe('12 Mar 2024');
  });

  it('reads RFC 3339 and tolerates nothing', () => {
    expect(formatWhen(new Date(2025, 5, 12, 8, 5).toISOString(), now, 'en-GB')).toBe('today 08:05');
    expect(formatWhen(null, now)).toBe('');
    expect(formatWhen('not a date', now)).toBe('');
    expect(formatExact(new Date(2024, 2, 12, 10, 41, 7), 'en-GB')).toContain('12 March 2024');
  });
});

describe('durations and ages', () => {
  it.each([
    [12, 'under a minute'],
    [61, 'about 1 minute'],
    [250, 'about 4 minutes'],
    [3600, 'about 1 hour'],
    [4800, 'about 1 hour 20 minutes'],
    [40_000, 'about 11 hours'],
  ])('%d seconds read %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });

  it('says how old something is', () => {
    const now = Date.UTC(2025, 6, 15, 12, 0, 0);
    const ago = (s: number) => now / 1000 - s;
    expect(formatAge(ago(20), now)).toBe('under a minute');
    expect(formatAge(ago(12 * 60), now)).toBe('12 minutes');
    expect(formatAge(ago(5 * 3600), now)).toBe('5 hours');
    expect(formatAge(ago(3 * 86400 + 100), now)).toBe('3 days');
  });
});

describe('counts in the POSIX locale', () => {
  it('group digits as en-US does rather than writing 100000', () => {
    expect(formatCount(100_000, 'en-US-u-va-posix')).toBe('100,000');
    expect(formatCount(100_000, 'de-DE')).toBe('100.000');
  });
});
