// The versions of a folder (streamed page by page through a channel, like a folder listing) or of
// one key (one answer). Rows arrive in S3's order (keys in order, each newest first), so pages are
// appended, never sorted; folders come first. The table is redrawn at most every FLUSH_MS.

import { Channel } from '@tauri-apps/api/core';
import { commands, type VersionPage } from '$lib/bindings';
import { newOperationId } from '$lib/shared/operations';
import { run, type AppError } from '$lib/shared/errors';
import { versionRow, versionRowsOfPage, type VersionRow } from './versions';

export type VersionSource = { kind: 'folder'; prefix: string } | { kind: 'key'; key: string };

export type VersionListStatus = 'loading' | 'done' | 'error' | 'cancelled';

const FLUSH_MS = 120;
/** The answer can overtake its last pages on the IPC bridge: done once every counted row arrived, or after this long. */
const LATE_PAGE_MS = 3000;

export class VersionList {
  status = $state<VersionListStatus>('loading');
  /** Folders first, then versions as listed. Replaced (never mutated) on each change. */
  rows = $state.raw<VersionRow[]>([]);
  error = $state.raw<AppError | null>(null);
  /** True once the first page arrived. */
  started = $state(false);
  /** Versions and delete markers received so far (folders apart). */
  versions = $state(0);

  readonly connectionId: string;
  readonly bucket: string;
  readonly source: VersionSource;
  #opId: string | null = null;
  /** Whose pages still land: also after the answer (a page may trail it), until cancel or dispose. */
  #live: string | null = null;
  #folders: VersionRow[] = [];
  #listed: VersionRow[] = [];
  #pending = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lateTimer: ReturnType<typeof setTimeout> | null = null;
  #lastFlush = 0;
  #expected: number | null = null;
  #received = 0;

  constructor(connectionId: string, bucket: string, source: VersionSource) {
    this.connectionId = connectionId;
    this.bucket = bucket;
    this.source = source;
  }

  /** The folder shown, which row names leave out ('' for one key: its rows are named by key). */
  get prefix(): string {
    return this.source.kind === 'folder' ? this.source.prefix : '';
  }

  async start(): Promise<void> {
    const opId = newOperationId();
    this.#opId = opId;
    this.#live = opId;
    const { connectionId, bucket, source } = this;
    if (source.kind === 'key') {
      const res = await run(() => commands.objectVersions(connectionId, bucket, source.key));
      if (this.#opId !== opId) return;
      this.#opId = null;
      this.#live = null;
      if (res.status === 'error') this.#fail(res.error);
      else {
        this.#listed = res.data.map((v) => versionRow(v, ''));
        this.#received = this.#listed.length;
        this.#pending = true;
        this.#flush();
        this.status = 'done';
      }
      return;
    }
    const res = await run(() => {
      const pages = new Channel<VersionPage>();
      pages.onmessage = (page) => this.#receive(opId, page);
      return commands.listVersions(connectionId, bucket, source.prefix, false, opId, pages);
    });
    if (this.#opId !== opId) return;
    if (res.status === 'error') {
      this.#flush();
      this.#opId = null;
      this.#live = null;
      this.#fail(res.error);
      return;
    }
    this.#expected = res.data ?? 0;
    if (this.#received >= this.#expected) this.#finish();
    else this.#lateTimer = setTimeout(() => this.#finish(), LATE_PAGE_MS);
  }

  #fail(error: AppError) {
    if (error.code === 'cancelled') this.status = 'cancelled';
    else {
      this.error = error;
      this.status = 'error';
    }
  }

  #receive(opId: string, page: VersionPage) {
    if (this.#live !== opId) return;
    const { folders, versions } = versionRowsOfPage(page, this.prefix);
    for (const f of folders) this.#folders.push(f);
    for (const v of versions) this.#listed.push(v);
    this.#received += versions.length;
    this.#pending = true;
    if (this.status === 'loading' && this.#expected !== null && this.#received >= this.#expected) {
      this.#finish();
      return;
    }
    const since = performance.now() - this.#lastFlush;
    if (since >= FLUSH_MS) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), FLUSH_MS - since);
  }

  #flush() {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#lastFlush = performance.now();
    this.started = true;
    this.versions = this.#received;
    if (!this.#pending) return;
    this.#pending = false;
    this.rows = this.#folders.length === 0 ? this.#listed.slice() : this.#folders.concat(this.#listed);
  }

  #finish() {
    if (this.#lateTimer !== null) clearTimeout(this.#lateTimer);
    this.#lateTimer = null;
    this.#flush();
    this.#opId = null;
    if (this.status === 'loading') this.status = 'done';
  }

  /** Stops a running listing; what arrived stays shown. */
  async cancel(): Promise<void> {
    this.#live = null;
    const opId = this.#opId;
    if (opId === null) return;
    this.#opId = null;
    this.#flush();
    if (this.status === 'loading') this.status = 'cancelled';
    // One key's versions come in one answer: there is nothing on the engine's side to stop.
    if (this.source.kind === 'folder') await run(() => commands.cancelOperation(opId));
  }

  /** Stops listening without a word (the view is gone). */
  dispose(): void {
    void this.cancel();
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#lateTimer !== null) clearTimeout(this.#lateTimer);
  }
}
