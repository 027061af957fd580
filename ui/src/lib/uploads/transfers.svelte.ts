// The window's transfers: files dropped or picked waiting for their summary sheet, the upload and
// download batches in the transfers panel, this session's history, and the uploads an earlier
// session left unfinished. The
// object browser that shows a folder registers it as the place drops go to.

import { untrack } from 'svelte';
import { isPermissionGranted, requestPermission, sendNotification } from '@tauri-apps/plugin-notification';
import {
  commands,
  events,
  type ConflictChoice,
  type DownloadSummary,
  type HeldSources,
  type IfExists,
  type KeyFailure,
  type Tag,
  type UnfinishedUpload,
  type UploadSummary,
  type UploadWrite_Deserialize,
} from '$lib/bindings';
import { run, type AppError } from '$lib/shared/errors';
import { plural } from '$lib/shared/format';
import type { TransferSummary } from './transferSummary';
import type { CopyRequest } from '$lib/shared/copyRequest';
import { CopyBatch, discardPlan, DownloadBatch, UploadBatch, type BatchKind, type DownloadOrigin, type TransferBatch } from './batch.svelte';
import { describeBatch, describeCancelledPause, groupInterrupted, notificationOf, type InterruptedGroup, type Outcome, type Tone } from './outcome';
import { combined } from './rate';
import { BUCKET_DEFAULTS } from './writeChoice';

/** A folder of a bucket that uploads go into. */
export interface UploadPlace {
  connectionId: string;
  bucket: string;
  prefix: string;
}

/**
 * What the summary sheet is open for: held files to plan, a held folder to sync into a place, or a
 * bucket's interrupted uploads to resume.
 */
export type SheetRequest =
  | { kind: 'sources'; place: UploadPlace; held: HeldSources }
  | { kind: 'sync'; place: UploadPlace; held: HeldSources }
  | { kind: 'interrupted'; connectionId: string; bucket: string };

export interface HistoryEntry {
  id: string;
  kind: BatchKind;
  place: string;
  tone: Tone;
  lines: string[];
  /** What the storage did otherwise than asked (a storage class it didn't keep). */
  warnings: string[];
  failures: KeyFailure[];
  endedAt: number;
}

/** Finished batches kept for the session, newest first. */
export const HISTORY_LIMIT = 50;
/** A batch that ran longer than this, ending while the window is in the background, is told to the desktop. */
export const NOTIFY_AFTER_MS = 20_000;

export const NO_BUCKET_OPEN = 'Open a bucket to upload into.';
export const DROP_QUEUED = 'Those files wait their turn: their summary opens when this one is started or closed.';

/**
 * The upload folder under a point of the window, from the drop-target attributes the views put on
 * what takes drops: a folder row (`data-drop-prefix`) inside a bucket's browser, or a bucket in the
 * sidebar (`data-drop-bucket`, `data-drop-connection`, its prefix empty).
 */
export function placeAt(x: number, y: number): UploadPlace | null {
  if (typeof document === 'undefined' || typeof document.elementFromPoint !== 'function') return null;
  const under = document.elementFromPoint(x, y);
  const bucket = under?.closest<HTMLElement>('[data-drop-bucket]');
  const connectionId = bucket?.dataset.dropConnection;
  if (!bucket || !connectionId || !bucket.dataset.dropBucket) return null;
  const folder = under?.closest<HTMLElement>('[data-drop-prefix]');
  const prefix = folder && bucket.contains(folder) ? (folder.dataset.dropPrefix ?? '') : (bucket.dataset.dropPrefix ?? '');
  return { connectionId, bucket: bucket.dataset.dropBucket, prefix };
}

const pair = (connectionId: string, bucket: string) => `${connectionId}\u0000${bucket}`;

export interface TransfersOptions {
  /** Says something at the top of the window (a drop that can't go anywhere). */
  notify: (message: string) => void;
  /** The saved connections' ids: interrupted uploads of other storages aren't offered. */
  knownConnections: () => string[];
  now?: () => number;
}

export class Transfers {
  /** Running batches, and ended ones waiting for the user (paused, failures, errors); newest first. */
  batches = $state<TransferBatch[]>([]);
  history = $state<HistoryEntry[]>([]);
  unfinished = $state.raw<UnfinishedUpload[]>([]);
  /** Files are being dragged over the window. */
  hovering = $state(false);
  sheet = $state.raw<SheetRequest | null>(null);
  /** Drops that came while the sheet was open: each opens in turn. */
  queued = $state.raw<SheetRequest[]>([]);
  panelOpen = $state(false);

  #targets = $state.raw<UploadPlace[]>([]);
  #ended = new Set<(batch: TransferBatch) => void>();
  #notify: (message: string) => void;
  #known: () => string[];
  #now: () => number;

  constructor(options: TransfersOptions) {
    this.#notify = options.notify;
    this.#known = options.knownConnections;
    // Looked up at each call, not kept: the end-to-end test runs the window's clock fast.
    this.#now = options.now ?? (() => Date.now());
  }

  /** Where a drop goes now: the folder the object browser shows, if one does. */
  get target(): UploadPlace | null {
    return this.#targets.at(-1) ?? null;
  }

  /** The object browser offers its folder for drops while it is shown; the function withdraws it. */
  addTarget(place: UploadPlace): () => void {
    // Called from effects: reading the list here must not make the caller depend on it.
    this.#targets = [...untrack(() => this.#targets), place];
    return () => {
      this.#targets = untrack(() => this.#targets).filter((t) => t !== place);
    };
  }

  /** Listens for drags and drops on the window; resolves to the function that stops listening. */
  async listen(): Promise<() => void> {
    const offs = await Promise.all([
      events.dropHover.listen((e) => {
        this.hovering = e.payload.active;
      }),
      events.filesDropped.listen((e) => {
        const { held, x, y } = e.payload;
        this.dropped(held, x !== null && y !== null ? { x, y } : undefined);
      }),
    ]);
    return () => offs.forEach((off) => off());
  }

  /**
   * Files were dropped: their summary sheet opens for the folder or bucket under the pointer, else
   * for the folder shown; with neither, they are let go. A drop while a sheet is open waits its turn.
   */
  dropped(held: HeldSources, at?: { x: number; y: number }): void {
    this.hovering = false;
    const place = (at ? placeAt(at.x, at.y) : null) ?? (this.target ? { ...this.target } : null);
    if (!place) {
      discardPlan(held.sources_id);
      this.#notify(NO_BUCKET_OPEN);
      return;
    }
    const request: SheetRequest = { kind: 'sources', place, held };
    if (this.sheet) {
      this.queued = [...this.queued, request];
      this.#notify(DROP_QUEUED);
      return;
    }
    this.sheet = request;
  }

  /**
   * Upload / Ctrl+U: files (or a folder) chosen in the native dialog, then their summary sheet;
   * for `sync`, a folder whose sheet compares it with the place first.
   */
  async pick(place: UploadPlace, folder: boolean, kind: 'sources' | 'sync' = 'sources'): Promise<AppError | null> {
    if (this.sheet) return null;
    const res = await run(() => (kind === 'sync' ? commands.pickSyncFolder() : commands.pickUploadSources(folder)));
    if (res.status === 'error') return res.error;
    if (!res.data) return null;
    if (this.sheet) {
      discardPlan(res.data.sources_id);
      return null;
    }
    this.sheet = { kind, place: { ...place }, held: res.data };
    return null;
  }

  /** The sheet closed (it has let go of its plan or files itself): the next drop waiting opens. */
  closeSheet(): void {
    this.#nextSheet();
  }

  #nextSheet() {
    const [next, ...rest] = this.queued;
    this.queued = rest;
    this.sheet = next ?? null;
  }

  /**
   * Start in the summary sheet: a new batch runs the plan (a sync's removes what its folder lacks
   * at the end with `removeMissing`), storing the objects as `write` says (the bucket's defaults
   * when not given); a resume or retry of the batch stores them the same way.
   */
  start(
    summary: UploadSummary,
    tags: Tag[],
    conflicts: ConflictChoice,
    connectionId: string,
    removeMissing = false,
    write: UploadWrite_Deserialize = BUCKET_DEFAULTS,
  ): UploadBatch {
    const batch = new UploadBatch(summary, tags, conflicts, connectionId, { now: this.#now, removeMissing, write });
    this.#nextSheet();
    this.batches = [batch, ...this.batches];
    void this.#drive(batch, summary.plan_id);
    return batch;
  }

  /** A planned download with the user's choice for files already there: a new batch runs it. */
  startDownload(summary: DownloadSummary, choice: IfExists, origin: DownloadOrigin): DownloadBatch {
    const batch = new DownloadBatch(summary, choice, origin, { now: this.#now });
    this.batches = [batch, ...this.batches];
    void this.#drive(batch, summary.plan_id);
    return batch;
  }

  /** A copy or move to another connection's bucket: a new batch runs it. */
  startCopy(req: CopyRequest): CopyBatch {
    const batch = new CopyBatch(req, { now: this.#now });
    this.batches = [batch, ...this.batches];
    // A copy holds no plan between runs: the id only names the run.
    void this.#drive(batch, 'copy');
    return batch;
  }

  /** Resume (paused) or Retry failed (incomplete): the same tags and conflict choice, the next plan. */
  resume(batch: TransferBatch): void {
    const plan = batch.nextPlan;
    if (plan) void this.#drive(batch, plan);
  }

  /** Closes an ended batch that was waiting for the user: it goes to the history. */
  dismiss(batch: TransferBatch): void {
    if (batch.active) return;
    const wasPaused = batch.state === 'paused' && batch.kind === 'upload';
    this.#letGo(batch);
    // Its unfinished parts are now offered under "interrupted".
    if (wasPaused) void this.loadUnfinished();
  }

  /** Batches a run is under way for (some may be pausing or stopping), as the bottom bar counts them. */
  get running(): TransferBatch[] {
    return this.batches.filter((b) => b.active);
  }

  /** Running batches Pause would stop (not already pausing or cancelling). */
  get pausable(): TransferBatch[] {
    return this.batches.filter((b) => b.state === 'running' && b.pausable);
  }

  /** Paused batches Resume would continue. */
  get resumable(): TransferBatch[] {
    return this.batches.filter((b) => b.state === 'paused' && b.nextPlan !== null);
  }

  /** What Cancel all stops: running batches (not already cancelling) and paused ones. */
  get cancellable(): TransferBatch[] {
    return this.batches.filter((b) => b.state === 'running' || b.state === 'pausing' || b.state === 'paused');
  }

  /** The panel offers Pause all while two or more batches run and one of them can still be paused. */
  get canPauseAll(): boolean {
    return this.running.length >= 2 && this.pausable.length > 0;
  }

  /** The panel offers Cancel all while two or more batches run. */
  get canCancelAll(): boolean {
    return this.running.length >= 2 && this.cancellable.length > 0;
  }

  /** The panel offers Resume all when two or more batches are paused. */
  get canResumeAll(): boolean {
    return this.resumable.length >= 2;
  }

  /** What Cancel all stops, in one word: `uploads`, `downloads`, `copies`, or `transfers` when kinds mix. */
  get cancelAllNoun(): 'uploads' | 'downloads' | 'copies' | 'transfers' {
    const kinds = new Set(this.cancellable.map((b) => (b.kind === 'move' ? 'copy' : b.kind)));
    return kinds.size > 1 ? 'transfers' : kinds.has('download') ? 'downloads' : kinds.has('copy') ? 'copies' : 'uploads';
  }

  /** Cancel all's confirmation: how many, and what happens to what was already sent. */
  get cancelAllMessage(): string {
    const all = this.cancellable;
    const many = this.cancelAllNoun;
    const one = many === 'copies' ? 'copy' : many.slice(0, -1);
    const tail = {
      transfers: 'Parts already sent and unfinished downloads are deleted; finished files stay.',
      copies: 'Nothing half-copied is kept. Objects already copied stay.',
      downloads: 'Unfinished files are removed. Files already downloaded stay.',
      uploads: 'Parts already sent are deleted. Files already uploaded stay.',
    }[many];
    const paused = all.filter((b) => b.state === 'paused').length;
    if (paused === all.length) return `Cancel ${plural(paused, `paused ${one}`, `paused ${many}`)}? ${tail}`;
    return `Cancel ${plural(all.length, one, many)}? ${tail}`;
  }

  /** Pause all: every running batch stops after its parts in flight. */
  async pauseAll(): Promise<void> {
    await Promise.all(this.pausable.map((b) => b.pause()));
  }

  /** Resume all: every paused batch runs its next plan. */
  resumeAll(): void {
    for (const batch of this.resumable) this.resume(batch);
  }

  /**
   * Cancel all (after the panel's confirmation): running batches are stopped (the engine deletes the
   * parts they sent, and their runs end in the history as cancelled); paused ones have nothing
   * running, so their next plan is discarded with abort (the engine deletes their parts) and they
   * go to the history as cancelled.
   */
  async cancelAll(): Promise<void> {
    const all = this.cancellable;
    const paused = all.filter((b) => b.state === 'paused');
    for (const batch of paused) this.#letGo(batch, describeCancelledPause(batch.report, batch.plannedFiles, batch.kind), true);
    if (paused.some((b) => b.kind === 'upload')) void this.loadUnfinished();
    await Promise.all(all.filter((b) => !paused.includes(b)).map((b) => b.cancel()));
  }

  /** Called with every batch whose run ended (the object browser lists its folder again). */
  onended(listener: (batch: TransferBatch) => void): () => void {
    this.#ended.add(listener);
    return () => this.#ended.delete(listener);
  }

  /** The bottom bar's line: running batches, their rate and time left. */
  get summary(): TransferSummary | null {
    const running = this.running;
    if (running.length === 0) return null;
    const all = combined(running.map((b) => ({ rate: b.rate, bytesDone: b.totals.bytesDone, bytesTotal: b.totals.bytesTotal })));
    return { running: running.length, ...all };
  }

  /** Reads the journal of uploads left unfinished (at startup, and after a pause). */
  async loadUnfinished(): Promise<void> {
    const res = await run(() => commands.unfinishedUploads());
    // A journal that can't be read isn't worth a banner: uploads still work, they just won't resume.
    if (res.status === 'ok') this.unfinished = res.data;
  }

  /** Interrupted uploads to offer: of saved connections, and not of a bucket a batch here is working on. */
  get interrupted(): UnfinishedUpload[] {
    const known = new Set(this.#known());
    const busy = new Set(this.batches.map((b) => pair(b.connectionId, b.bucket)));
    return this.unfinished.filter((u) => known.has(u.storage) && !busy.has(pair(u.storage, u.bucket)));
  }

  get interruptedGroups(): InterruptedGroup[] {
    return groupInterrupted(this.interrupted);
  }

  /** Resume for one bucket: the summary sheet plans what the journal holds for it. */
  resumeInterrupted(group: { connectionId: string; bucket: string }): void {
    if (this.sheet) return;
    this.sheet = { kind: 'interrupted', connectionId: group.connectionId, bucket: group.bucket };
  }

  /** Gives up interrupted uploads: the storage deletes their parts. */
  async discardInterrupted(uploads: readonly UnfinishedUpload[]): Promise<AppError | null> {
    const res = await run(() => commands.discardUnfinished(uploads.map((u) => u.id)));
    await this.loadUnfinished();
    return res.status === 'error' ? res.error : null;
  }

  async #drive(batch: TransferBatch, planId: string) {
    await batch.run(planId);
    for (const listener of this.#ended) listener(batch);
    this.#tellDesktop(batch);
    if (batch.state === 'done') this.#archive(batch);
    // Any upload run may have changed the journal: a pause adds to it, finished files leave it.
    if (batch.kind === 'upload') void this.loadUnfinished();
  }

  /** Forgets what the batch could still resume or retry, and moves it to the history. */
  #letGo(batch: TransferBatch, outcome?: Outcome, abort = false) {
    batch.close(abort);
    this.#archive(batch, outcome);
  }

  #archive(batch: TransferBatch, told?: Outcome) {
    const outcome =
      told ??
      (batch.report
        ? describeBatch(batch.report, batch.plannedFiles, batch.kind)
        : { tone: 'failed' as const, lines: [batch.error?.message ?? `The ${batch.kind} did not start.`], warnings: [] });
    const entry: HistoryEntry = {
      id: batch.id,
      kind: batch.kind,
      place: batch.place,
      tone: outcome.tone,
      lines: outcome.lines,
      warnings: outcome.warnings,
      failures: batch.state === 'incomplete' ? (batch.last?.failed ?? []) : [],
      endedAt: batch.endedAt ?? this.#now(),
    };
    this.batches = this.batches.filter((b) => b !== batch);
    this.history = [entry, ...this.history].slice(0, HISTORY_LIMIT);
  }

  /** A long batch that ends while the user is elsewhere is told to the desktop, if it may be. */
  #tellDesktop(batch: TransferBatch) {
    const report = batch.last;
    if (!report || report.cancelled || report.paused) return;
    if (batch.endedAt === null || batch.endedAt - batch.runStartedAt <= NOTIFY_AFTER_MS) return;
    if (typeof document !== 'undefined' && document.hasFocus()) return;
    const { title, body } = notificationOf(batch.report ?? report, batch.place, batch.kind);
    void desktopNotification(title, body);
  }
}

/**
 * A desktop notification through Tauri's notification plugin (the webview's own Notification API
 * reaches no one on WebKitGTK or WKWebView). Asks for permission the first time where the system
 * wants it; a desktop without a notification service only loses the toast, the history keeps it.
 */
export async function desktopNotification(title: string, body: string): Promise<void> {
  try {
    const granted = (await isPermissionGranted()) || (await requestPermission()) === 'granted';
    if (granted) sendNotification({ title, body });
  } catch {
    // No notification service on this desktop.
  }
}
