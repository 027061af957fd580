// How long a shared link lasts: the presets, a custom length checked against S3's 7-day limit, and
// how the real expiry reads ("Works until Tue 14:32 (in 1 hour)", a live countdown).

/** SigV4's limit for a presigned URL: 7 days. */
export const MAX_EXPIRY_SECS = 7 * 24 * 3600;

export const PRESETS = [
  { id: '15m', label: '15 minutes', secs: 15 * 60 },
  { id: '1h', label: '1 hour', secs: 3600 },
  { id: '1d', label: '1 day', secs: 24 * 3600 },
  { id: '7d', label: '7 days', secs: 7 * 24 * 3600 },
] as const;

export type PresetId = (typeof PRESETS)[number]['id'];

export type ExpiryUnit = 'minutes' | 'hours' | 'days';

export const UNIT_SECS: Readonly<Record<ExpiryUnit, number>> = { minutes: 60, hours: 3600, days: 86400 };

export const TOO_LONG = "Links can last at most 7 days (S3's limit).";

/** A custom expiry in seconds, or the rule it breaks. */
export function customExpiry(amount: string, unit: ExpiryUnit): { secs: number } | { error: string } {
  const text = amount.trim().replace(',', '.');
  if (text === '') return { error: 'Give a number.' };
  if (!/^\d*\.?\d+$/.test(text)) return { error: 'Give a number, such as 2 or 1.5.' };
  const n = Number(text);
  if (!(n > 0)) return { error: 'A link must last longer than 0.' };
  const secs = Math.round(n * UNIT_SECS[unit]);
  if (secs < 1) return { error: 'A link must last at least a second.' };
  if (secs > MAX_EXPIRY_SECS) return { error: TOO_LONG };
  return { secs };
}

function unit(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A length of time, rounded to the minute: `1 hour`, `2 hours 15 minutes`, `6 days 23 hours`. */
export function describeLength(ms: number): string {
  const minutes = Math.round(ms / 60000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return unit(minutes, 'minute', 'minutes');
  if (minutes < 24 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m === 0 ? unit(h, 'hour', 'hours') : `${unit(h, 'hour', 'hours')} ${unit(m, 'minute', 'minutes')}`;
  }
  const hours = Math.round(minutes / 60);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h === 0 ? unit(d, 'day', 'days') : `${unit(d, 'day', 'days')} ${unit(h, 'hour', 'hours')}`;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(locale: string | undefined, withDate: boolean): Intl.DateTimeFormat {
  const id = `${locale ?? ''}|${withDate}`;
  let f = formats.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      weekday: 'short',
      ...(withDate ? { day: 'numeric', month: 'short' } : {}),
      hour: 'numeric',
      minute: '2-digit',
    });
    formats.set(id, f);
  }
  return f;
}

/** `Tue 14:32`, with the date when it is more than six days away: `Tue 12 Mar 14:32`. */
export function formatMoment(when: Date, now: Date, locale?: string): string {
  const far = when.getTime() - now.getTime() > 6 * 24 * 3600 * 1000;
  return format(locale, far).format(when).replace(/,/g, '');
}

/** `Works until Tue 14:32 (in 1 hour)`, or `Expired Tue 14:32` once past. */
export function describeUntil(expiresAt: string, now: Date, locale?: string): string {
  const when = new Date(expiresAt);
  if (Number.isNaN(when.getTime())) return 'Expiry unknown';
  const left = when.getTime() - now.getTime();
  if (left <= 0) return `Expired ${formatMoment(when, now, locale)}`;
  return `Works until ${formatMoment(when, now, locale)} (in ${describeLength(left)})`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A countdown that ticks each second: `14:59`, `3:14:59`, `6 d 23:59:59`; `expired` once past. */
export function countdown(expiresAt: string, now: Date): string {
  const left = Math.floor((new Date(expiresAt).getTime() - now.getTime()) / 1000);
  if (!(left > 0)) return 'expired';
  const d = Math.floor(left / 86400);
  const h = Math.floor((left % 86400) / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  if (d > 0) return `${d} d ${pad(h)}:${pad(m)}:${pad(s)}`;
  if (h > 0) return `${h}:${pad(m)}:${pad(s)}`;
  return `${m}:${pad(s)}`;
}

export function isExpired(expiresAt: string, now: Date): boolean {
  const t = new Date(expiresAt).getTime();
  return !Number.isNaN(t) && t <= now.getTime();
}
