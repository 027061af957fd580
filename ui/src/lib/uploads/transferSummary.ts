// The transfers line of the status bar: what `Transfers.summary` (transfers.svelte.ts)
// gives for the running batches, and how it reads.

import { formatEta, formatRate } from '$lib/shared/format';

export interface TransferSummary {
  running: number;
  /** Bytes done and to do across the running transfers. */
  doneBytes: number;
  totalBytes: number;
  /** Null while no running transfer has been measured yet (its first second). */
  bytesPerSecond: number | null;
  /** Null while the rate is not known yet. */
  etaSeconds: number | null;
}

/** `3 running · 412 MB/s · ETA 0:42`, or `No transfers`. */
export function describeTransfers(t: TransferSummary | null): string {
  if (!t || t.running === 0) return 'No transfers';
  const parts = [`${t.running} running`, describeRate(t.bytesPerSecond)];
  if (t.etaSeconds !== null) parts.push(`ETA ${formatEta(t.etaSeconds)}`);
  return parts.join(' · ');
}

/** A measured rate, or that it is being measured: "0 bytes/s" would read as a stall. */
export function describeRate(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? 'measuring speed…' : formatRate(bytesPerSecond);
}

/** Overall progress from 0 to 1. */
export function progressOf(t: TransferSummary): number {
  if (t.totalBytes <= 0) return 0;
  return Math.min(1, Math.max(0, t.doneBytes / t.totalBytes));
}
