// Object lock in words, and the few things the window works out itself: which confirmation the
// engine's `needs_confirmation` asks for, and dates as a date field holds them. What may be
// changed, and when a confirmation is needed, is the engine's call.
import type { ObjectLock_Serialize, RestoreTier, RetentionMode } from '$lib/bindings';

export const RETENTION_MODES: { mode: RetentionMode; label: string; meaning: string }[] = [
  {
    mode: 'governance',
    label: 'Governance',
    meaning: 'Nobody can delete or overwrite a locked version, except users allowed to bypass governance retention who ask to.',
  },
  {
    mode: 'compliance',
    label: 'Compliance',
    meaning: "Nobody can delete a locked version or shorten its retention until it ends, not even the account's root user.",
  },
];

/** Why a number typed for days or years can't be sent, or null. */
export function wholeNumberProblem(value: number | null, what: string): string | null {
  if (value === null || !Number.isFinite(value)) return `Give ${what} as a number.`;
  if (!Number.isInteger(value) || value < 1 || value > 0xffff_ffff) return `Give ${what} as a whole number, 1 or more.`;
  return null;
}

/** `2027-03-01` from an RFC 3339 time, as an `<input type="date">` holds it (UTC, as S3 keeps it). */
export function dateOf(rfc3339: string | null): string {
  if (!rfc3339) return '';
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}

/** Whether retaining until `until` (YYYY-MM-DD, midnight UTC) shortens a governance retention still in force. */
export function shortensGovernance(lock: ObjectLock_Serialize, until: string, now: Date = new Date()): boolean {
  if (lock.mode !== 'governance' || !lock.until) return false;
  const held = new Date(lock.until).getTime();
  const next = new Date(`${until}T00:00:00Z`).getTime();
  return held > now.getTime() && next < held;
}

/**
 * Which confirmation a `needs_confirmation` answer to a retention change asks for, given those
 * already given. The engine checks a governance shortening first, then a first compliance lock.
 */
export function confirmationAsked(
  lock: ObjectLock_Serialize,
  mode: RetentionMode,
  until: string,
  given: { bypass: boolean; compliance: boolean },
  now: Date = new Date(),
): 'bypass' | 'compliance' | null {
  if (!given.bypass && shortensGovernance(lock, until, now)) return 'bypass';
  if (mode === 'compliance' && lock.mode !== 'compliance' && !given.compliance) return 'compliance';
  // The engine's clock may see a shortening this one doesn't.
  if (!given.bypass && lock.mode === 'governance') return 'bypass';
  return null;
}

/** The restore tiers, with AWS's typical times for an object of `storageClass`. */
export function restoreTiers(storageClass: string | null): { tier: RestoreTier; label: string; time: string; note: string; available: boolean }[] {
  const deep = storageClass === 'DEEP_ARCHIVE';
  return [
    deep
      ? { tier: 'expedited', label: 'Expedited', time: '', note: 'not offered for Deep Archive', available: false }
      : { tier: 'expedited', label: 'Expedited', time: '1 to 5 minutes', note: 'costs the most', available: true },
    { tier: 'standard', label: 'Standard', time: deep ? 'within 12 hours' : '3 to 5 hours', note: '', available: true },
    { tier: 'bulk', label: 'Bulk', time: deep ? 'within 48 hours' : '5 to 12 hours', note: 'costs the least', available: true },
  ];
}

/** "in about 3 to 5 hours", "within 12 hours". */
export function readableIn(time: string): string {
  return time.startsWith('within') ? time : `in about ${time}`;
}
