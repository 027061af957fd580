// How fast an upload goes and how long it has left, from the progress the engine sends (about ten
// times a second). The rate is the bytes sent over the last few seconds, not since the start and
// not between two messages: one slow part or a burst of small files must not swing the ETA, and a
// stall must show within seconds. The sparkline keeps one reading a second.

/** Seconds of samples the rate is measured over. */
export const WINDOW_MS = 5_000;
/** Readings the sparkline keeps: a minute at one a second. */
export const SPARK_POINTS = 60;
/** With less than this much time between the oldest and newest sample, a rate is noise: none is given. */
const MIN_SPAN_MS = 1_000;

interface Sample {
  at: number;
  bytes: number;
}

export class RateMeter {
  #samples: Sample[] = [];
  #spark: number[] = [];
  #lastSparkAt = -Infinity;
  readonly #windowMs: number;
  readonly #sparkEveryMs: number;
  readonly #sparkPoints: number;

  constructor(options: { windowMs?: number; sparkEveryMs?: number; sparkPoints?: number } = {}) {
    this.#windowMs = options.windowMs ?? WINDOW_MS;
    this.#sparkEveryMs = options.sparkEveryMs ?? 1_000;
    this.#sparkPoints = options.sparkPoints ?? SPARK_POINTS;
  }

  /** Bytes done at a moment (ms). Repeating the last count while nothing moves lets the rate fall. */
  add(at: number, bytesDone: number): void {
    const last = this.#samples.at(-1);
    // Fewer bytes than before: a file restarted. What was measured no longer describes the run.
    if (last && bytesDone < last.bytes) this.#samples = [];
    if (last && at < last.at) return;
    this.#samples.push({ at, bytes: bytesDone });
    // Keep one sample at or before the window's start, so the window is always full once it can be.
    const from = at - this.#windowMs;
    while (this.#samples.length > 2 && this.#samples[1].at <= from) this.#samples.shift();
    if (at - this.#lastSparkAt < this.#sparkEveryMs) return;
    const rate = this.rate();
    if (rate === null) return;
    this.#lastSparkAt = at;
    this.#spark.push(rate);
    if (this.#spark.length > this.#sparkPoints) this.#spark.splice(0, this.#spark.length - this.#sparkPoints);
  }

  /** Bytes per second over the window; null until there is a second of samples (a batch's first
   * second, or after a restart): a young transfer is not a stalled one. */
  rate(): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last) return null;
    const span = last.at - first.at;
    if (span < MIN_SPAN_MS) return null;
    return Math.max(0, ((last.bytes - first.bytes) / span) * 1000);
  }

  /** Seconds left to reach `bytesTotal` at the current rate; null while the rate is unknown or nil. */
  eta(bytesTotal: number): number | null {
    const last = this.#samples.at(-1);
    const rate = this.rate();
    if (!last || rate === null || rate <= 0) return null;
    return Math.max(0, (bytesTotal - last.bytes) / rate);
  }

  /** The last readings, oldest first, for the sparkline. */
  spark(): number[] {
    return this.#spark.slice();
  }
}

/** The rate and ETA of several batches at once, for the transfers bar: the rate of those measured
 * so far, null while none is. */
export function combined(batches: readonly { rate: number | null; bytesDone: number; bytesTotal: number }[]): {
  bytesPerSecond: number | null;
  etaSeconds: number | null;
  doneBytes: number;
  totalBytes: number;
} {
  let rate: number | null = null;
  let done = 0;
  let total = 0;
  for (const b of batches) {
    if (b.rate !== null) rate = (rate ?? 0) + b.rate;
    done += b.bytesDone;
    total += b.bytesTotal;
  }
  const etaSeconds = rate !== null && rate > 0 ? Math.max(0, (total - done) / rate) : null;
  return { bytesPerSecond: rate, etaSeconds, doneBytes: done, totalBytes: total };
}

/** The polyline points of a sparkline `width` x `height` for `values` (scaled to their maximum). */
export function sparkPoints(values: readonly number[], width: number, height: number, slots = SPARK_POINTS): string {
  if (values.length === 0) return '';
  const max = Math.max(...values);
  const step = width / Math.max(1, slots - 1);
  // The newest reading sits at the right edge; a young batch's line starts part-way along.
  const start = width - step * (values.length - 1);
  return values
    .map((v, i) => {
      const x = start + i * step;
      const y = max > 0 ? height - (v / max) * (height - 1) : height;
      return `${round(x)},${round(y)}`;
    })
    .join(' ');
}

const round = (n: number) => Math.round(n * 10) / 10;
