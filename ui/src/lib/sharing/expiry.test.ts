import { describe, expect, it } from 'vitest';
import { countdown, customExpiry, describeLength, describeUntil, isExpired, TOO_LONG } from './expiry';
import { chosenExpiry, copyAllText, uploadNameProblem } from './shareForm';

describe('custom expiry', () => {
  it('turns a number and a unit into seconds', () => {
    expect(customExpiry('2', 'hours')).toEqual({ secs: 7200 });
    expect(customExpiry('1.5', 'days')).toEqual({ secs: 129600 });
    expect(customExpiry('1,5', 'hours')).toEqual({ secs: 5400 });
    expect(customExpiry(' 7 ', 'days')).toEqual({ secs: 604800 });
  });

  it('refuses nothing, zero, negative and over 7 days, saying why', () => {
    expect(customExpiry('', 'hours')).toEqual({ error: 'Give a number.' });
    expect(customExpiry('0', 'minutes')).toEqual({ error: 'A link must last longer than 0.' });
    expect(customExpiry('-3', 'minutes')).toEqual({ error: 'Give a number, such as 2 or 1.5.' });
    expect(customExpiry('abc', 'days')).toEqual({ error: 'Give a number, such as 2 or 1.5.' });
    expect(customExpiry('8', 'days')).toEqual({ error: TOO_LONG });
    expect(customExpiry('169', 'hours')).toEqual({ error: "Links can last at most 7 days (S3's limit)." });
    expect(customExpiry('10081', 'minutes')).toEqual({ error: TOO_LONG });
  });

  it('takes presets as they are', () => {
    expect(chosenExpiry('15m', '', 'hours')).toEqual({ secs: 900 });
    expect(chosenExpiry('7d', '', 'hours')).toEqual({ secs: 604800 });
    expect(chosenExpiry('custom', '3', 'minutes')).toEqual({ secs: 180 });
  });
});

describe('how expiry reads', () => {
  const now = new Date(2025, 6, 15, 13, 32, 0); // Tue 15 Jul 2025 13:32 local

  it('rounds lengths to the minute in words', () => {
    expect(describeLength(3_599_900)).toBe('1 hour');
    expect(describeLength(15 * 60_000)).toBe('15 minutes');
    expect(describeLength(2 * 3600_000 + 15 * 60_000)).toBe('2 hours 15 minutes');
    expect(describeLength(7 * 86400_000)).toBe('7 days');
    expect(describeLength(86400_000 + 5 * 3600_000)).toBe('1 day 5 hours');
    expect(describeLength(20_000)).toBe('less than a minute');
  });

  it('says until when a link works, and in how long', () => {
    const inAnHour = new Date(now.getTime() + 3600_000).toISOString();
    expect(describeUntil(inAnHour, now, 'en-GB')).toBe('Works until Tue 14:32 (in 1 hour)');
    const past = new Date(now.getTime() - 60_000).toISOString();
    expect(describeUntil(past, now, 'en-GB')).toMatch(/^Expired Tue 13:31$/);
    const week = new Date(now.getTime() + 7 * 86400_000).toISOString();
    expect(describeUntil(week, now, 'en-GB')).toBe('Works until Tue 22 Jul 13:32 (in 7 days)');
  });

  it('counts down each second and knows when a link expired', () => {
    const at = (secs: number) => new Date(now.getTime() + secs * 1000).toISOString();
    expect(countdown(at(59), now)).toBe('0:59');
    expect(countdown(at(3600 + 62), now)).toBe('1:01:02');
    expect(countdown(at(6 * 86400 + 3600 * 23 + 59 * 60 + 59), now)).toBe('6 d 23:59:59');
    expect(countdown(at(-1), now)).toBe('expired');
    expect(isExpired(at(-1), now)).toBe(true);
    expect(isExpired(at(1), now)).toBe(false);
  });
});

describe('share form', () => {
  it('needs a file name for an upload link', () => {
    expect(uploadNameProblem(' ')).toMatch(/Give the name/);
    expect(uploadNameProblem('folder/')).toBe('Give a file name, not a folder.');
    expect(uploadNameProblem('scan.pdf')).toBeNull();
  });

  it('copies all links as name, URL and expiry separated by tabs', () => {
    expect(
      copyAllText([
        { name: 'a.csv', url: 'https://x/a', expires_at: '2025-07-15T14:32:00Z' },
        { name: 'b.csv', url: 'https://x/b', expires_at: '2025-07-15T14:32:00Z' },
      ]),
    ).toBe('a.csv\thttps://x/a\t2025-07-15T14:32:00Z\nb.csv\thttps://x/b\t2025-07-15T14:32:00Z');
  });
});
