import { describe, expect, it } from 'vitest';
import { combined, RateMeter, sparkPoints } from './rate';

const MB = 1_000_000;

/** Feeds `mbPerSecond` for `seconds` at ten samples a second, from `start` ms and `bytes`. */
function feed(m: RateMeter, start: number, seconds: number, mbPerSecond: number, bytes = 0): { at: number; bytes: number } {
  let at = start;
  let b = bytes;
  for (let i = 0; i < seconds * 10; i++) {
    at += 100;
    b += (mbPerSecond * MB) / 10;
    m.add(at, b);
  }
  return { at, bytes: b };
}

describe('RateMeter', () => {
  it('gives no rate and no ETA before a second of samples', () => {
    const m = new RateMeter();
    m.add(0, 0);
    m.add(500, 5 * MB);
    expect(m.rate()).toBeNull();
    expect(m.eta(100 * MB)).toBeNull();
  });

  it('measures a steady rate and the time left at it', () => {
    const m = new RateMeter();
    m.add(0, 0);
    const { bytes } = feed(m, 0, 3, 40);
    expect(m.rate()).toBeCloseTo(40 * MB, -3);
    expect(bytes).toBeCloseTo(120 * MB);
    // 200 MB left at 40 MB/s.
    expect(m.eta(320 * MB)).toBeCloseTo(5, 1);
  });

  it('smooths over the last five seconds: a change shows gradually, and fully after the window', () => {
    const m = new RateMeter();
    m.add(0, 0);
    let s = feed(m, 0, 10, 10);
    expect(m.rate()).toBeCloseTo(10 * MB, -3);
    s = feed(m, s.at, 1, 60, s.bytes);
    // One second of 60 MB/s in a five-second window of 10 MB/s: 20 MB/s.
    expect(m.rate()).toBeCloseTo(20 * MB, -4);
    feed(m, s.at, 5, 60, s.bytes);
    expect(m.rate()).toBeCloseTo(60 * MB, -3);
  });

  it('falls to zero when nothing moves, as repeated samples of the same count show', () => {
    const m = new RateMeter();
    m.add(0, 0);
    const s = feed(m, 0, 5, 20);
    for (let t = 1; t <= 6; t++) m.add(s.at + t * 1000, s.bytes);
    expect(m.rate()).toBe(0);
    expect(m.eta(s.bytes + MB)).toBeNull();
  });

  it('starts again when the count goes back (a file restarted)', () => {
    const m = new RateMeter();
    m.add(0, 0);
    const s = feed(m, 0, 3, 30);
    m.add(s.at + 100, MB);
    expect(m.rate()).toBeNull();
    feed(m, s.at + 100, 2, 5, MB);
    expect(m.rate()).toBeCloseTo(5 * MB, -3);
  });

  it('keeps one sparkline reading a second, at most sixty', () => {
    const m = new RateMeter();
    m.add(0, 0);
    feed(m, 0, 90, 1);
    const spark = m.spark();
    expect(spark).toHaveLength(60);
    expect(spark.at(-1)).toBeCloseTo(MB, -3);
  });

  it('starts the sparkline at its first measured reading, not at a zero from before there was one', () => {
    const m = new RateMeter();
    m.add(0, 0);
    feed(m, 0, 2, 10);
    expect(m.spark()).toHaveLength(2);
    expect(m.spark()[0]).toBeCloseTo(10 * MB, -3);
  });
});

describe('combined', () => {
  it('adds the rates and gives the ETA of everything left', () => {
    expect(
      combined([
        { rate: 10 * MB, bytesDone: 50 * MB, bytesTotal: 100 * MB },
        { rate: 30 * MB, bytesDone: 0, bytesTotal: 350 * MB },
      ]),
    ).toEqual({ bytesPerSecond: 40 * MB, etaSeconds: 10, doneBytes: 50 * MB, totalBytes: 450 * MB });
    expect(combined([{ rate: 0, bytesDone: 0, bytesTotal: 10 }]).etaSeconds).toBeNull();
  });

  it('gives no rate while none of the batches has one, and the measured ones while some have', () => {
    expect(combined([{ rate: null, bytesDone: 0, bytesTotal: 10 }])).toMatchObject({ bytesPerSecond: null, etaSeconds: null });
    expect(
      combined([
        { rate: null, bytesDone: 0, bytesTotal: 100 * MB },
        { rate: 10 * MB, bytesDone: 0, bytesTotal: 100 * MB },
      ]),
    ).toMatchObject({ bytesPerSecond: 10 * MB, etaSeconds: 20 });
  });
});

describe('sparkPoints', () => {
  it('puts the newest reading at the right edge, scaled to the highest', () => {
    expect(sparkPoints([], 59, 20)).toBe('');
    expect(sparkPoints([0, 5, 10], 59, 21, 60)).toBe('57,21 58,11 59,1');
    expect(sparkPoints([0, 0], 59, 20, 60)).toBe('58,20 59,20');
  });
});
