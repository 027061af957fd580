// One batch of the transfers panel, an upload, a download, or a copy or move to another connection: the runs of one plan (started, then
// maybe paused and resumed, or its failed files retried), progress from the engine's channel, the
// rate measured here, and how each run ended. Nothing per file is kept beyond the few files in
// flight the engine sends, so a 50,000-file batch costs what a one-file batch does. Both kinds
// share this class; what differs (the commands that start and drop a plan, the words) is in
// `BatchSpec`.

import { Channel } from '@tauri-apps/api/core';
import {
  commands,
  type ConflictChoice,
  type CopyReport,
  type DownloadReport,
  type DownloadSummary,
  type IfExists,
  type KeyFailure,
  type Tag,
  type TransferProgress,
  type UploadReport,
  type UploadSummary,
  type UploadWrite_Deserialize,
} from '$lib/bindings';
import { newOperationId } from '$lib/shared/operations';
import { run, type AppError, type Result } from '$lib/shared/errors';
import type { CopyRequest } from '$lib/shared/copyRequest';
import { mergeReports } from './outcome';
import { RateMeter } from './rate';
import { BUCKET_DEFAULTS } from './writeChoice';

export type BatchState =
  | 'running'
  | 'pausing'
  | 'stopping'
  /** Stopped by Pause: Resume continues with the report's `next_plan`. */
  | 'paused'
  /** Ended with files that failed: Retry failed runs the report's `next_plan`. */
  | 'incomplete'
  /** Ended: everything sent, or cancelled. */
  | 'done'
  /** The engine refused or failed the whole run. */
  | 'error';

const EMPTY_CANCELLED: UploadReport = {
  files: 0,
  bytes: 0,
  failed: [],
  cancelled: true,
  paused: false,
  resumed_bytes: 0,
  restarted: [],
  removed: 0,
  checksum: '',
  next_plan: null,
  skipped: 0,
  already_sent: 0,
  notes: [],
};

let batches = 0;

/**
 * Forgets a plan the engine may still hold; nothing to report when it is already gone. With
 * `abort`, a paused or failed batch's plan is cancelled: the engine aborts its multipart uploads.
 */
export function discardPlan(id: string, abort = false): void {
  void Promise.resolve()
    .then(() => commands.discardUpload(id, abort))
    .catch(() => {});
}

/** Forgets a held download plan; a download leaves nothing on the storage to abort. */
export function discardDownloadPlan(id: string): void {
  void Promise.resolve()
    .then(() => commands.discardDownload(id))
    .catch(() => {});
}

export type BatchKind = 'upload' | 'download' | 'copy' | 'move';

/** A run's report in the upload's shape, with the keys that failed because they are archived. */
export type RunReport = UploadReport & { archived?: string[] };

/** What makes a batch an upload, a download, a copy or a move. */
export interface BatchSpec {
  kind: BatchKind;
  connectionId: string;
  bucket: string;
  prefix: string;
  /** How the panel and the history name it: `bucket-b/raw/`, or `bucket-b/raw/ → Downloads`. */
  place: string;
  plannedFiles: number | null;
  plannedBytes: number | null;
  /** Files or keys the plan already refused: the first run's report lists them. */
  problems: KeyFailure[];
  /** Runs a plan in the engine; the report in the upload's shape. */
  start: (planId: string, opId: string, channel: Channel<TransferProgress>) => Promise<Result<RunReport>>;
  /** Lets the engine forget a plan (with `abort`, an upload's sent parts are deleted). */
  discard: (planId: string, abort: boolean) => void;
  /** It can stop and go on later (a copy can only be cancelled). */
  pausable: boolean;
}

/**
 * A download's report in the shape the panel and the history read: refused keys count as failed;
 * objects fetched again because they changed, during the download or since an interrupted one, are
 * `restarted`.
 */
export function asTransferReport(d: DownloadReport): RunReport {
  return {
    archived: d.archived,
    files: d.files,
    bytes: d.bytes,
    failed: [...d.refused, ...d.failed],
    cancelled: d.cancelled,
    paused: d.paused,
    resumed_bytes: d.resumed_bytes,
    restarted: [...d.changed, ...d.restarted],
    removed: 0,
    checksum: '',
    next_plan: d.next_plan,
    skipped: d.skipped,
    already_sent: 0,
    notes: [],
  };
}

function uploadSpec(
  summary: UploadSummary,
  tags: Tag[],
  conflicts: ConflictChoice,
  connectionId: string,
  removeMissing: boolean,
  write: UploadWrite_Deserialize,
): BatchSpec {
  return {
    kind: 'upload',
    connectionId,
    bucket: summary.bucket,
    prefix: summary.prefix,
    place: `${summary.bucket}/${summary.prefix}`,
    plannedFiles: summary.files,
    plannedBytes: summary.bytes,
    problems: summary.problems,
    start: (planId, opId, channel) => run(() => commands.startUpload(planId, tags, conflicts, removeMissing, write, opId, channel)),
    discard: discardPlan,
    pausable: true,
  };
}

/** Where a download comes from and goes to, and the engine commands that run it. */
export interface DownloadOrigin {
  connectionId: string;
  bucket: string;
  /** The folder of the bucket the selection was made in. */
  prefix: string;
}

function downloadSpec(summary: DownloadSummary, choice: IfExists, origin: DownloadOrigin): BatchSpec {
  return {
    kind: 'download',
    ...origin,
    place: `${origin.bucket}/${origin.prefix} → ${summary.folder}`,
    plannedFiles: summary.files,
    plannedBytes: summary.bytes,
    problems: summary.refused,
    start: async (planId, opId, channel) => {
      const res = await run(() => commands.startDownload(planId, choice, opId, channel));
      return res.status === 'ok' ? { status: 'ok', data: asTransferReport(res.data) } : res;
    },
    discard: (planId) => discardDownloadPlan(planId),
    pausable: true,
  };
}

/** A copy's report in the shape the panel and the history read. */
export function copyAsTransferReport(c: CopyReport): RunReport {
  return { ...EMPTY_CANCELLED, files: c.copied, bytes: c.bytes, failed: c.failed, cancelled: c.cancelled, archived: c.archived };
}

function copySpec(req: CopyRequest): BatchSpec {
  return {
    kind: req.move ? 'move' : 'copy',
    connectionId: req.connectionId,
    bucket: req.bucket,
    prefix: req.prefix,
    place: `${req.bucket}/${req.prefix} → ${req.destConnection}: ${req.destBucket}/${req.destPrefix}`,
    plannedFiles: req.files,
    plannedBytes: req.bytes,
    problems: [],
    start: async (_planId, opId, channel) => {
      const res = await run(() =>
        commands.copyToConnection(req.connectionId, req.bucket, req.keys, req.destConnectionId, req.destBucket, req.destPrefix, req.move, opId, channel),
      );
      return res.status === 'ok' ? { status: 'ok', data: copyAsTransferReport(res.data) } : res;
    },
    // Nothing is held between runs: a copy is planned and run in one go.
    discard: () => {},
    pausable: false,
  };
}

export interface BatchTotals {
  filesDone: number;
  filesTotal: number;
  filesFailed: number;
  bytesDone: number;
  bytesTotal: number;
}

export class TransferBatch {
  readonly id = `batch-${++batches}`;
  readonly kind: BatchKind;
  readonly connectionId: string;
  readonly bucket: string;
  readonly prefix: string;
  /** As planned: what the summary sheet said. */
  readonly plannedFiles: number | null;
  readonly plannedBytes: number | null;
  readonly startedAt: number;

  state = $state<BatchState>('running');
  opId = $state('');
  /** When the current (or last) run started. */
  runStartedAt = $state(0);
  endedAt = $state<number | null>(null);
  progress = $state.raw<TransferProgress | null>(null);
  /** Bytes per second over the last few seconds, and seconds left at that rate. */
  rate = $state<number | null>(null);
  eta = $state<number | null>(null);
  spark = $state.raw<number[]>([]);
  /** Every run so far, added up. */
  report = $state.raw<UploadReport | null>(null);
  /** The latest run's report: its failures and the plan that resumes or retries it. */
  last = $state.raw<UploadReport | null>(null);
  error = $state.raw<AppError | null>(null);
  /** Keys the latest run couldn't read because they are archived: a restore is offered for them. */
  archived = $state.raw<string[]>([]);
  /** What asking for their restore did, once asked. */
  restoreNote = $state<string | null>(null);

  #before = { files: 0, bytes: 0 };
  /** Files the plan found unreadable: only the first run's report lists them (a resume doesn't see them). */
  readonly #problems: KeyFailure[];
  readonly #spec: BatchSpec;
  #runs = 0;
  #meter = new RateMeter();
  #now: () => number;

  constructor(spec: BatchSpec, options: { now?: () => number } = {}) {
    this.#spec = spec;
    this.kind = spec.kind;
    this.connectionId = spec.connectionId;
    this.bucket = spec.bucket;
    this.prefix = spec.prefix;
    this.plannedFiles = spec.plannedFiles;
    this.plannedBytes = spec.plannedBytes;
    this.#problems = spec.problems;
    this.#now = options.now ?? Date.now;
    this.startedAt = this.#now();
  }

  /** `bucket-b/raw/` (or `bucket-b/raw/ → Downloads`), as the panel and the history name the batch. */
  get place(): string {
    return this.#spec.place;
  }

  /** Pause can stop it for a later Resume (a copy can only be cancelled). */
  get pausable(): boolean {
    return this.#spec.pausable;
  }

  /** A run is under way (it may be stopping). */
  get active(): boolean {
    return this.state === 'running' || this.state === 'pausing' || this.state === 'stopping';
  }

  /** The plan that resumes a paused batch or retries the failed files of an incomplete one. */
  get nextPlan(): string | null {
    return this.state === 'paused' || this.state === 'incomplete' ? (this.last?.next_plan ?? null) : null;
  }

  /** Files and bytes over every run: earlier runs' counts plus the current run's progress. */
  get totals(): BatchTotals {
    const p = this.progress;
    const before = this.#before;
    if (!p) {
      return {
        filesDone: before.files,
        filesTotal: before.files === 0 ? (this.plannedFiles ?? 0) : before.files,
        filesFailed: 0,
        bytesDone: before.bytes,
        bytesTotal: before.bytes === 0 ? (this.plannedBytes ?? 0) : before.bytes,
      };
    }
    return {
      filesDone: before.files + (p.files_done ?? 0),
      filesTotal: before.files + (p.files_total ?? 0),
      filesFailed: p.files_failed ?? 0,
      bytesDone: before.bytes + (p.bytes_done ?? 0),
      bytesTotal: before.bytes + (p.bytes_total ?? 0),
    };
  }

  /** Runs a plan (the first one, or `nextPlan`) to its end. */
  async run(planId: string): Promise<void> {
    const opId = newOperationId();
    this.#runs += 1;
    this.opId = opId;
    this.state = 'running';
    this.error = null;
    this.progress = null;
    this.endedAt = null;
    this.runStartedAt = this.#now();
    this.#before = { files: this.report?.files ?? 0, bytes: this.report?.bytes ?? 0 };
    this.#meter = new RateMeter();
    this.#meter.add(this.#now(), 0);
    this.rate = null;
    this.eta = null;
    this.spark = [];
    const channel = new Channel<TransferProgress>();
    channel.onmessage = (p) => {
      if (this.opId === opId && this.active) this.#progressed(p);
    };
    // The engine sends nothing while nothing moves: this lets the rate fall during a stall.
    const ticker = setInterval(() => this.#sample(this.progress?.bytes_done ?? 0), 1000);
    const res = await this.#spec.start(planId, opId, channel);
    clearInterval(ticker);
    this.rate = null;
    this.eta = null;
    this.endedAt = this.#now();
    if (res.status === 'error') {
      // A refused start leaves the plan with the engine; a run that failed has used it up.
      this.#spec.discard(planId, false);
      if (res.error.code === 'cancelled') {
        this.#ended(EMPTY_CANCELLED);
      } else {
        this.error = res.error;
        this.state = 'error';
      }
      return;
    }
    this.#ended(res.data);
  }

  /** Asks the engine to pause; the run ends with a report whose `next_plan` resumes it. */
  async pause(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'pausing';
    const opId = this.opId;
    try {
      await commands.pauseOperation(opId);
    } catch {
      // The bridge failed: the run goes on, and says so.
      if (this.opId === opId && this.state === 'pausing') this.state = 'running';
    }
  }

  /** Asks the engine to stop; parts already sent are deleted, and the report still comes. */
  async cancel(): Promise<void> {
    if (this.state !== 'running' && this.state !== 'pausing') return;
    this.state = 'stopping';
    await run(() => commands.cancelOperation(this.opId));
  }

  /**
   * Forgets what could still be resumed or retried: closed, its parts stay under "interrupted";
   * cancelled (`abort`), the engine deletes them.
   */
  close(abort = false): void {
    const plan = this.nextPlan;
    if (plan) this.#spec.discard(plan, abort);
  }

  #ended(ran: RunReport) {
    this.archived = ran.archived ?? [];
    let report: UploadReport = ran;
    if (this.#runs > 1 && this.#problems.length > 0) {
      // The unreadable files are still not uploaded: the batch's last word says so again.
      const listed = new Set(ran.failed.map((f) => f.key));
      report = { ...ran, failed: [...ran.failed, ...this.#problems.filter((p) => !listed.has(p.key))] };
    }
    this.last = report;
    this.report = mergeReports(this.report, report);
    this.state = report.cancelled ? 'done' : report.paused ? 'paused' : report.failed.length > 0 ? 'incomplete' : 'done';
  }

  #progressed(p: TransferProgress) {
    this.progress = p;
    this.#sample(p.bytes_done ?? 0);
  }

  #sample(bytesDone: number) {
    if (!this.active) return;
    this.#meter.add(this.#now(), bytesDone);
    this.rate = this.#meter.rate();
    this.eta = this.#meter.eta(this.progress?.bytes_total ?? 0);
    this.spark = this.#meter.spark();
  }
}

/**
 * An upload batch, from its summary sheet: the tags, the conflict choice and how the objects are
 * stored (class, encryption; the bucket's defaults unless chosen) go with every run.
 */
export class UploadBatch extends TransferBatch {
  readonly tags: Tag[];
  readonly conflicts: ConflictChoice;
  readonly write: UploadWrite_Deserialize;

  constructor(
    summary: UploadSummary,
    tags: Tag[],
    conflicts: ConflictChoice,
    connectionId: string,
    options: { now?: () => number; removeMissing?: boolean; write?: UploadWrite_Deserialize } = {},
  ) {
    const write = options.write ?? BUCKET_DEFAULTS;
    super(uploadSpec(summary, tags, conflicts, connectionId, options.removeMissing ?? false, write), options);
    this.tags = tags;
    this.conflicts = conflicts;
    this.write = write;
  }
}

/** A copy or move to another connection: planned and run in one go, cancellable, not pausable. */
export class CopyBatch extends TransferBatch {
  constructor(req: CopyRequest, options: { now?: () => number } = {}) {
    super(copySpec(req), options);
  }
}

/** A download batch: a planned selection and the one choice for files already there. */
export class DownloadBatch extends TransferBatch {
  readonly folder: string;

  constructor(summary: DownloadSummary, choice: IfExists, origin: DownloadOrigin, options: { now?: () => number } = {}) {
    super(downloadSpec(summary, choice, origin), options);
    this.folder = summary.folder;
  }
}
