// How numbers, sizes, durations and dates read in Satchel: short, human, and the same everywhere.

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'] as const;

/** `12.4 MB`. Decimal units, as Finder and Explorer's "size on disk" columns use for files. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1000) return bytes === 1 ? '1 byte' : `${Math.round(bytes)} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  // Three significant digits at most: 1.23 GB, 12.3 GB, 123 GB.
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  // Trailing zeros go after a decimal point only: 1.50 -> 1.5, 2.00 -> 2, but 900 stays 900.
  const text = digits > 0 ? value.toFixed(digits).replace(/\.?0+$/, '') : value.toFixed(0);
  return `${text} ${UNITS[unit]}`;
}

/** `412 MB/s`. */
export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '0 bytes/s';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** A remaining time as a clock reads: `0:42`, `12:05`, `1:02:03`. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const total = Math.ceil(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** `1,204`, in the user's way of grouping digits. */
const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * The locale numbers are written in: the user's, except the POSIX "C" locale (a session without a
 * LANG, as under Xvfb), which groups no digits ("100000"): that reads as en-US ("100,000").
 */
export function countLocale(locale?: string): string | undefined {
  const resolved = locale ?? new Intl.NumberFormat().resolvedOptions().locale;
  return /-u-va-posix$/i.test(resolved) ? 'en-US' : locale;
}

export function formatCount(n: number, locale?: string): string {
  let f = numberFormats.get(locale ?? '');
  if (!f) {
    f = new Intl.NumberFormat(countLocale(locale));
    numberFormats.set(locale ?? '', f);
  }
  return f.format(n);
}

/** `3 buckets`, `1 bucket`. */
export function plural(n: number, one: string, many: string, locale?: string): string {
  return `${formatCount(n, locale)} ${n === 1 ? one : many}`;
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

// Making an Intl formatter costs far more than using one, and long lists format thousands of dates.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `${locale ?? ''}|${JSON.stringify(options)}`;
  let f = dateFormats.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    dateFormats.set(id, f);
  }
  return f;
}

function parse(when: string | Date): Date | null {
  const d = when instanceof Date ? when : new Date(when);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * A date as a list shows it: `today 10:41`, `yesterday 09:12`, `3 Mar 10:41` this year,
 * `12 Mar 2024` before. Empty when the date is unknown or unreadable.
 */
export function formatWhen(when: string | Date | null | undefined, now = new Date(), locale?: string): string {
  if (when == null) return '';
  const d = parse(when);
  if (!d) return '';
  const time = dateFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(d);
  if (sameDay(d, now)) return `today ${time}`;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(d, yesterday)) return `yesterday ${time}`;
  if (d.getFullYear() === now.getFullYear() && d <= now) {
    const day = dateFormat(locale, { day: 'numeric', month: 'short' }).format(d);
    return `${day} ${time}`;
  }
  return dateFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }).format(d);
}

/** The exact moment, for a tooltip: `Tuesday 12 March 2024 at 10:41:07`. */
export function formatExact(when: string | Date | null | undefined, locale?: string): string {
  if (when == null) return '';
  const d = parse(when);
  if (!d) return '';
  return dateFormat(locale, { dateStyle: 'full', timeStyle: 'medium' }).format(d);
}

/** A length of time in words, roughly: `under a minute`, `about 4 minutes`, `about 1 hour 20 minutes`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return 'under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${plural(minutes, 'minute', 'minutes')}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h >= 10 || m === 0) return `about ${plural(Math.round(minutes / 60), 'hour', 'hours')}`;
  return `about ${plural(h, 'hour', 'hours')} ${plural(m, 'minute', 'minutes')}`;
}

/** How long ago a moment (seconds since the epoch) was: `12 minutes`, `5 hours`, `3 days`. */
export function formatAge(epochSeconds: number, now = Date.now()): string {
  const seconds = Math.max(0, now / 1000 - epochSeconds);
  if (seconds < 60) return 'under a minute';
  if (seconds < 3600) return plural(Math.floor(seconds / 60), 'minute', 'minutes');
  if (seconds < 48 * 3600) return plural(Math.floor(seconds / 3600), 'hour', 'hours');
  return plural(Math.floor(seconds / 86400), 'day', 'days');
}
