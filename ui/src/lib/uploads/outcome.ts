// What an upload, download, copy or move batch did, in words: the history line, the note to the desktop, and
// the reports of several runs of one batch (paused and resumed, or retried) added up.

import type { UnfinishedUpload, UploadReport } from '$lib/bindings';
import { formatBytes, formatCount, plural } from '$lib/shared/format';

export type Tone = 'ok' | 'partial' | 'failed';
export type Direction = 'upload' | 'download' | 'copy' | 'move';

/** The words that differ between the kinds of batch. */
const WORDS = {
  upload: {
    done: 'Uploaded',
    none: 'Nothing was uploaded',
    cancelledTail: 'parts of unfinished files were deleted',
    restarted: 'Sent again from the start because {it} changed since the earlier run',
    title: 'Upload',
  },
  download: {
    done: 'Downloaded',
    none: 'Nothing was downloaded',
    cancelledTail: 'unfinished files were removed',
    restarted: 'Fetched again whole because {it} changed on the storage while downloading',
    title: 'Download',
  },
  copy: {
    done: 'Copied',
    none: 'Nothing was copied',
    cancelledTail: 'nothing half-copied was kept',
    restarted: 'Copied again because {it} changed during the copy',
    title: 'Copy',
  },
  move: {
    done: 'Moved',
    none: 'Nothing was moved',
    cancelledTail: 'the originals not yet copied stay where they were',
    restarted: 'Copied again because {it} changed during the move',
    title: 'Move',
  },
} as const;

/** How many restarted files are named before "and N more". */
const NAMED = 5;

/** The reports of one batch's runs as one: counts added, the latest run's failures and plan. */
export function mergeReports(before: UploadReport | null, next: UploadReport): UploadReport {
  if (!before) return next;
  return {
    ...next,
    files: (before.files ?? 0) + (next.files ?? 0),
    bytes: (before.bytes ?? 0) + (next.bytes ?? 0),
    resumed_bytes: (before.resumed_bytes ?? 0) + (next.resumed_bytes ?? 0),
    skipped: (before.skipped ?? 0) + (next.skipped ?? 0),
    removed: (before.removed ?? 0) + (next.removed ?? 0),
    restarted: [...before.restarted, ...next.restarted],
    checksum: before.checksum === 'md5' ? 'md5' : next.checksum,
    notes: [...new Set([...(before.notes ?? []), ...(next.notes ?? [])])],
  };
}

export interface Outcome {
  tone: Tone;
  /** The headline, then the notes that matter (resumed, skipped, restarted, checksum). */
  lines: string[];
  /** What the storage did otherwise than asked (a storage class or encryption it didn't keep). */
  warnings: string[];
}

/** A batch's end: `Uploaded 1,204 files (3.2 GB), resumed 1.1 GB from an earlier run.` and its notes. */
export function describeBatch(report: UploadReport, filesPlanned: number | null, direction: Direction = 'upload'): Outcome {
  const words = WORDS[direction];
  const files = report.files ?? 0;
  const bytes = report.bytes ?? 0;
  const failed = report.failed.length;
  const resumed = report.resumed_bytes ?? 0;
  let head: string;
  let tone: Tone;
  if (report.cancelled) {
    head = `Cancelled after ${plural(files, 'file', 'files')} (${formatBytes(bytes)}); ${words.cancelledTail}`;
    tone = 'partial';
  } else if (report.paused) {
    head = filesPlanned ? `Paused after ${formatCount(files)} of ${plural(filesPlanned, 'file', 'files')}` : `Paused after ${plural(files, 'file', 'files')}`;
    tone = 'partial';
  } else if (failed > 0) {
    head =
      files === 0
        ? `${words.none}: ${plural(failed, 'file', 'files')} failed`
        : `${words.done} ${plural(files, 'file', 'files')} (${formatBytes(bytes)}); ${formatCount(failed)} failed`;
    tone = files === 0 ? 'failed' : 'partial';
  } else {
    head = `${words.done} ${plural(files, 'file', 'files')} (${formatBytes(bytes)})`;
    tone = 'ok';
  }
  if (resumed > 0) head += `, resumed ${formatBytes(resumed)} from an earlier run`;
  const lines = [`${head}.`];
  const skipped = report.skipped ?? 0;
  if (skipped > 0) lines.push(`${plural(skipped, 'file was', 'files were')} skipped: ${skipped === 1 ? 'it' : 'they'} already existed.`);
  const removed = report.removed ?? 0;
  if (removed > 0) lines.push(`Removed ${plural(removed, 'object', 'objects')} the folder no longer has.`);
  if (report.restarted.length) lines.push(`${words.restarted.replace('{it}', report.restarted.length === 1 ? 'it' : 'they')}: ${names(report.restarted)}.`);
  if (report.checksum === 'md5') lines.push('Content-MD5 used: this storage refused CRC32C.');
  return { tone, lines, warnings: [...(report.notes ?? [])] };
}

/**
 * A paused batch cancelled (Cancel all): nothing was running, so nothing was deleted; its plan is let
 * go and the parts it sent stay in the journal, offered under Interrupted uploads.
 */
export function describeCancelledPause(report: UploadReport | null, filesPlanned: number | null, direction: Direction = 'upload'): Outcome {
  const files = report?.files ?? 0;
  const bytes = report?.bytes ?? 0;
  const done = filesPlanned ? `${formatCount(files)} of ${plural(filesPlanned, 'file', 'files')}` : plural(files, 'file', 'files');
  return {
    tone: 'partial',
    lines: [
      `Cancelled while paused, after ${done} (${formatBytes(bytes)}).`,
      direction === 'upload' ? 'Parts already sent were deleted.' : 'Files already downloaded stay.',
    ],
    warnings: [...(report?.notes ?? [])],
  };
}

/** `a.csv, b.csv and 3 more`. */
export function names(list: readonly string[], shown = NAMED): string {
  const base = list.slice(0, shown).map((n) => n.split('/').pop() || n);
  const more = list.length - base.length;
  if (more > 0) return `${base.join(', ')} and ${formatCount(more)} more`;
  if (base.length <= 1) return base.join('');
  return `${base.slice(0, -1).join(', ')} and ${base.at(-1)}`;
}

/** What the desktop notification says when a long batch ends while the window is in the background. */
export function notificationOf(report: UploadReport, place: string, direction: Direction = 'upload'): { title: string; body: string } {
  const title = WORDS[direction].title;
  if (report.cancelled) return { title: `${title} cancelled`, body: place };
  if (report.paused) return { title: `${title} paused`, body: place };
  const failed = report.failed.length;
  const body = `${plural(report.files ?? 0, 'file', 'files')} (${formatBytes(report.bytes ?? 0)}) ${direction === 'download' ? 'from' : 'to'} ${place}`;
  return failed ? { title: `${title} finished; ${formatCount(failed)} failed`, body } : { title: `${title} finished`, body };
}

/** Interrupted uploads into one bucket of one connection. */
export interface InterruptedGroup {
  connectionId: string;
  bucket: string;
  uploads: UnfinishedUpload[];
  /** Bytes not yet acknowledged by the storage. */
  bytesLeft: number;
  /** Bytes the storage holds in their parts. */
  bytesHeld: number;
}

/** Interrupted uploads grouped per bucket (the unit a resume plans), in first-seen order. */
export function groupInterrupted(uploads: readonly UnfinishedUpload[]): InterruptedGroup[] {
  const groups = new Map<string, InterruptedGroup>();
  for (const u of uploads) {
    const id = `${u.storage}\u0000${u.bucket}`;
    let g = groups.get(id);
    if (!g) {
      g = { connectionId: u.storage, bucket: u.bucket, uploads: [], bytesLeft: 0, bytesHeld: 0 };
      groups.set(id, g);
    }
    g.uploads.push(u);
    g.bytesLeft += Math.max(0, (u.size ?? 0) - (u.done ?? 0));
    g.bytesHeld += u.done ?? 0;
  }
  return [...groups.values()];
}
