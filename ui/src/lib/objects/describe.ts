// What the object actions say: the delete confirmation, and the outcome of a delete, copy, move,
// rename or tagging in plain words with every failed key kept.

import type { BulkTagReport, CopyReport, DeleteReport, KeyFailure, RestoreReport, SettingState, DownloadReport } from '$lib/bindings';
import { formatBytes, formatCount, plural } from '$lib/shared/format';
import { summarize, type Row } from './rows';

export const VERSIONS_NOTE = 'The bucket keeps versions: deleting adds delete markers; older versions stay.';

/** Versioning on or suspended: a delete adds a delete marker rather than removing data. */
export function keepsVersions(state: SettingState | null | undefined): boolean {
  return state === 'on' || state === 'partial';
}

/**
 * The confirmation: `Delete 1,204 objects from bucket-b?`, with the size when only files are
 * selected (their sizes are known), and the note about versions when the bucket keeps them.
 */
export function describeDelete(count: number, rows: readonly Row[], bucket: string, versioning: SettingState | null): {
  message: string;
  notes: string[];
} {
  const { files, folders, bytes } = summarize(rows);
  const notes: string[] = [];
  let message: string;
  if (count === 0) {
    message = `There is nothing to delete: the selection holds no objects in ${bucket}.`;
  } else if (folders === 0 && files === 1 && count === 1) {
    message = `Delete “${rows[0].name}” (${formatBytes(bytes)}) from ${bucket}?`;
  } else {
    const size = folders === 0 ? ` (${formatBytes(bytes)})` : '';
    message = `Delete ${plural(count, 'object', 'objects')}${size} from ${bucket}?`;
  }
  if (folders > 0 && count > 0) {
    const folderName = rows.find((r) => r.kind === 'folder')?.name;
    const what = folders === 1 ? `everything in the folder “${folderName}”` : `everything in the ${formatCount(folders)} selected folders`;
    notes.push(files === 0 && folders === 1 ? `That is ${what}.` : `That includes ${what}.`);
  }
  if (count > 0 && keepsVersions(versioning)) notes.push(VERSIONS_NOTE);
  return { message, notes };
}

export type Tone = 'ok' | 'partial' | 'failed';

/** An action's outcome for the report bar above the table. */
export interface ActionOutcome {
  tone: Tone;
  text: string;
  failures: KeyFailure[];
}

function tone(done: number, failed: number): Tone {
  return failed === 0 ? 'ok' : done === 0 ? 'failed' : 'partial';
}

export function describeDeleted(report: DeleteReport, bucket: string): ActionOutcome {
  const deleted = report.deleted ?? 0;
  const failed = report.failed.length;
  const text =
    failed === 0
      ? `Deleted ${plural(deleted, 'object', 'objects')} from ${bucket}.`
      : `Deleted ${formatCount(deleted)} of ${plural(deleted + failed, 'object', 'objects')}; ${formatCount(failed)} could not be deleted.`;
  return { tone: tone(deleted, failed), text, failures: report.failed };
}

export function describeCopied(report: CopyReport, move: boolean, destination: string): ActionOutcome {
  const copied = report.copied ?? 0;
  const failed = report.failed.length;
  const verb = move ? 'Moved' : 'Copied';
  let text: string;
  if (failed === 0) text = `${verb} ${plural(copied, 'object', 'objects')} to ${destination}.`;
  else if (copied === 0) text = `Nothing was ${move ? 'moved' : 'copied'}: ${plural(failed, 'object', 'objects')} failed.`;
  else text = `${verb} ${formatCount(copied)} objects to ${destination}; ${formatCount(failed)} failed.`;
  if (move && failed > 0 && (report.deleted ?? 0) < copied) {
    text += ' Objects that were copied but not deleted are now in both places.';
  }
  return { tone: tone(copied, failed), text, failures: report.failed };
}

export function describeRenamed(report: CopyReport, from: string, to: string): ActionOutcome {
  const copied = report.copied ?? 0;
  const failed = report.failed.length;
  if (failed === 0) {
    const inner = copied > 1 ? ` (${plural(copied, 'object', 'objects')})` : '';
    return { tone: 'ok', text: `Renamed “${from}” to “${to}”${inner}.`, failures: [] };
  }
  return {
    tone: tone(copied, failed),
    text: `Renaming “${from}” to “${to}” was incomplete: ${formatCount(copied)} renamed, ${formatCount(failed)} failed.`,
    failures: report.failed,
  };
}

/** A finished download: how much arrived and, per key, what was refused or failed. */
export function describeDownloaded(report: DownloadReport): ActionOutcome {
  const files = report.files ?? 0;
  const problems = [...report.refused, ...report.failed];
  let text = `Downloaded ${plural(files, 'file', 'files')} (${formatBytes(report.bytes ?? 0)}).`;
  if (report.cancelled) text = `Cancelled after ${plural(files, 'file', 'files')} (${formatBytes(report.bytes ?? 0)}); partial files were removed.`;
  const skipped = report.skipped ?? 0;
  if (skipped) text += ` ${plural(skipped, 'file was', 'files were')} already there and left as they were.`;
  if (report.changed.length)
    text += ` ${plural(report.changed.length, 'object was', 'objects were')} replaced on the storage during the download and fetched again whole.`;
  if (problems.length) text += ` ${plural(problems.length, 'key was', 'keys were')} not downloaded.`;
  return { tone: report.cancelled ? 'partial' : tone(files, problems.length), text, failures: problems };
}

/**
 * What a selection stands for when every object in it is changed: `3 objects and everything in
 * 2 folders`, `“a.csv”`, `everything in the folder “raw”`.
 */
export function describeTargets(rows: readonly Row[]): string {
  const { files, folders } = summarize(rows);
  const parts: string[] = [];
  if (files === 1) parts.push(`“${rows.find((r) => r.kind === 'object')!.name}”`);
  else if (files > 0) parts.push(plural(files, 'object', 'objects'));
  if (folders === 1) parts.push(`everything in the folder “${rows.find((r) => r.kind === 'folder')!.name}”`);
  else if (folders > 1) parts.push(`everything in ${formatCount(folders)} folders`);
  return parts.join(' and ');
}

/** A finished (or cancelled) bulk tagging: how many objects were tagged, and every one that failed. */
/** A restore from the archive: how many were asked for, and what was left alone and why. */
export function describeRestored(report: RestoreReport): ActionOutcome {
  const failures = report.failed;
  const [requested, restoring, plain] = [report.requested ?? 0, report.already_restoring ?? 0, report.not_archived ?? 0];
  const parts: string[] = [];
  if (requested > 0) parts.push(`Asked to restore ${plural(requested, 'archived object', 'archived objects')}: each can be read once its copy is ready.`);
  if (restoring > 0) parts.push(`${plural(restoring, 'object was', 'objects were')} already being restored.`);
  if (plain > 0) parts.push(`${plural(plain, 'object isn’t', 'objects aren’t')} archived and can be read as they are.`);
  if (failures.length > 0) parts.push(`${formatCount(failures.length)} could not be restored.`);
  if (report.cancelled) parts.unshift('Cancelled.');
  const text = parts.length ? parts.join(' ') : 'The selection holds no objects.';
  const tone = failures.length > 0 || report.cancelled ? 'partial' : 'ok';
  return { tone, text, failures };
}

export function describeTagged(report: BulkTagReport): ActionOutcome {
  const tagged = report.tagged ?? 0;
  const failed = report.failed.length;
  const failures = report.failed;
  if (report.cancelled) {
    let text = tagged === 0 ? 'Cancelled before any object was tagged.' : `Cancelled after tagging ${plural(tagged, 'object', 'objects')}; the rest keep their tags.`;
    if (failed) text += ` ${formatCount(failed)} could not be tagged.`;
    return { tone: 'partial', text, failures };
  }
  if (failed === 0) {
    const text = tagged === 0 ? 'There was nothing to tag: the selection holds no objects.' : `Tagged ${plural(tagged, 'object', 'objects')}.`;
    return { tone: 'ok', text, failures };
  }
  if (tagged === 0) {
    // One reason for all (no tagging on this storage, no permission) is the news: say it first.
    const reasons = new Set(failures.map((f) => f.reason));
    const why = reasons.size === 1 ? ` ${sentence(failures[0].reason)}` : '';
    return { tone: 'failed', text: `Nothing was tagged: ${plural(failed, 'object', 'objects')} failed.${why}`, failures };
  }
  return { tone: 'partial', text: `Tagged ${formatCount(tagged)} of ${plural(tagged + failed, 'object', 'objects')}; ${formatCount(failed)} could not be tagged.`, failures };
}

const sentence = (s: string) => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);
