// Versions of objects as the versions table shows them: what a page of versions becomes (folders
// first, then each key's history newest first, as S3 lists it), which actions a version allows and
// why not, and the words of the outcome. Pure functions over plain objects, so 100,000 versions
// cost one small object each.

import type { UndeleteReport, VersionEntry, VersionPage } from '$lib/bindings';
import { formatBytes, formatCount, formatExact, formatWhen, plural } from '$lib/shared/format';
import type { ActionOutcome } from './describe';

export type VersionKind = 'folder' | 'version' | 'marker';

export interface VersionRow {
  /** Unique in a list: a folder's prefix, or the key and the version id. */
  id: string;
  kind: VersionKind;
  /** The full key, or a folder's prefix ending with "/". */
  key: string;
  /** The key below the folder shown (a folder's name without the slash). */
  name: string;
  /** S3's version id ("null" for what was written before versioning); '' for a folder. */
  versionId: string;
  /** Bytes; null for folders and delete markers. */
  size: number | null;
  /** RFC 3339 as the storage said it. */
  lastModified: string | null;
  storageClass: string | null;
  /** The version a plain GET returns (a current delete marker: the object is deleted). */
  current: boolean;
  /** `name` in lower case, for the filter. */
  search: string;
  /** Display texts, made the first time the row is drawn. */
  text?: { size: string; when: string; exact: string };
}

function stripSlash(s: string): string {
  return s.endsWith('/') ? s.slice(0, -1) : s;
}

function folderRow(prefix: string, at: string): VersionRow {
  const name = stripSlash(prefix.slice(at.length)) || prefix;
  return {
    id: prefix,
    kind: 'folder',
    key: prefix,
    name,
    versionId: '',
    size: null,
    lastModified: null,
    storageClass: null,
    current: false,
    search: name.toLowerCase(),
  };
}

/** One version (or delete marker) as a row; `at` is the folder shown, which names leave out. */
export function versionRow(v: VersionEntry, at: string): VersionRow {
  const name = v.key.startsWith(at) && v.key !== at ? v.key.slice(at.length) : v.key;
  return {
    id: `${v.key}\n${v.version_id}`,
    kind: v.is_delete_marker ? 'marker' : 'version',
    key: v.key,
    name,
    versionId: v.version_id,
    size: v.is_delete_marker ? null : v.size,
    lastModified: v.last_modified ?? null,
    storageClass: v.storage_class ?? null,
    current: v.is_latest,
    search: name.toLowerCase(),
  };
}

/** The folder rows and the version rows of one page of a folder's versions. */
export function versionRowsOfPage(page: VersionPage, prefix: string): { folders: VersionRow[]; versions: VersionRow[] } {
  return {
    folders: page.folders.map((f) => folderRow(f, prefix)),
    versions: page.versions.map((v) => versionRow(v, prefix)),
  };
}

/** Rows whose name contains the filter text, ignoring case. */
export function filterVersionRows(rows: VersionRow[], filter: string): VersionRow[] {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return rows;
  return rows.filter((r) => r.search.includes(needle));
}

/** What the Size and Modified columns show, and the exact date for the tooltip; made once. */
export function versionText(row: VersionRow, now: Date): { size: string; when: string; exact: string } {
  if (!row.text) {
    row.text = {
      size: row.size === null ? '—' : formatBytes(row.size),
      when: row.lastModified ? formatWhen(row.lastModified, now) : '—',
      exact: row.lastModified ? formatExact(row.lastModified) : '',
    };
  }
  return row.text;
}

/** The mark of a row in plain words: which version is the object now, and what a marker means. */
export function versionMark(row: VersionRow): string {
  if (row.kind === 'folder') return '';
  if (row.kind === 'marker') return row.current ? 'Deleted' : 'Delete marker';
  return row.current ? 'Current' : 'Older version';
}

export type VersionActionId = 'preview' | 'download' | 'restore' | 'undelete' | 'delete';

export interface VersionActionState {
  id: VersionActionId;
  label: string;
  enabled: boolean;
  /** Why it is off, for the tooltip. */
  reason: string | null;
}

const VERSION_ACTIONS: readonly { id: VersionActionId; label: string }[] = [
  { id: 'preview', label: 'Preview' },
  { id: 'download', label: 'Download…' },
  { id: 'restore', label: 'Restore' },
  { id: 'undelete', label: 'Undelete' },
  { id: 'delete', label: 'Delete for good…' },
];

function versionWhy(id: VersionActionId, row: VersionRow | null): string | null {
  if (row === null || row.kind === 'folder') return 'Select a version first';
  const marker = row.kind === 'marker';
  switch (id) {
    case 'preview':
      return marker ? 'A delete marker has no content to preview' : null;
    case 'download':
      return marker ? 'A delete marker has no content to download' : null;
    case 'restore':
      if (marker) return 'A delete marker has no content to restore';
      return row.current ? 'This version is already the current one' : null;
    case 'undelete':
      return marker && row.current ? null : 'Only a deleted object (its current delete marker) can be undeleted';
    case 'delete':
      return null;
  }
}

/** Every version action, with whether it applies to `row` and why not. */
export function versionActions(row: VersionRow | null): VersionActionState[] {
  return VERSION_ACTIONS.map((a) => {
    const reason = versionWhy(a.id, row);
    return { ...a, enabled: reason === null, reason };
  });
}

/** The confirmation of "Delete for good": the key, the version id and its date, and that it is final. */
export function describeDeleteVersion(row: VersionRow): { title: string; message: string; warning: string } {
  const when = row.lastModified ? formatExact(row.lastModified) : 'an unknown date';
  const what = row.kind === 'marker' ? 'the delete marker' : 'the version';
  let warning = "This can't be undone: the version is gone from the storage.";
  if (row.kind === 'marker') {
    warning = row.current
      ? 'Removing the current delete marker brings back the version under it.'
      : "This can't be undone, but a delete marker holds no content.";
  } else if (row.current) {
    warning = "This can't be undone. It is the current version: the next older version becomes current, or the object is gone if there is none.";
  }
  return {
    title: row.kind === 'marker' ? 'Delete this delete marker for good?' : 'Delete this version for good?',
    message: `Delete ${what} ${row.versionId} of “${row.key}”, from ${when}?`,
    warning,
  };
}

/** A finished (or cancelled) undelete of deleted files: how many came back, and every failure. */
export function describeUndeleted(report: UndeleteReport, asked: number): ActionOutcome {
  const restored = report.restored ?? 0;
  const failures = report.failed;
  const failed = failures.length;
  if (report.cancelled) {
    let text = restored === 0 ? 'Cancelled before any file was undeleted.' : `Cancelled after undeleting ${plural(restored, 'file', 'files')}; the rest stay deleted.`;
    if (failed) text += ` ${formatCount(failed)} could not be undeleted.`;
    return { tone: 'partial', text, failures };
  }
  if (failed === 0) {
    const text = restored === 0 ? 'Nothing was undeleted: those files are no longer deleted.' : `Undeleted ${plural(restored, 'file', 'files')}.`;
    return { tone: 'ok', text, failures };
  }
  if (restored === 0) return { tone: 'failed', text: `Nothing was undeleted: ${plural(failed, 'file', 'files')} failed.`, failures };
  const total = Math.max(asked, restored + failed);
  return { tone: 'partial', text: `Undeleted ${formatCount(restored)} of ${plural(total, 'file', 'files')}; ${formatCount(failed)} could not be undeleted.`, failures };
}
