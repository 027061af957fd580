// One listing of a folder (or, recursive, of everything below a prefix) as it streams in. Pages
// arrive through a channel; their rows are sorted and merged into `rows`, at most every FLUSH_MS
// so a fast stream doesn't redraw the table a hundred times a second. The first page shows at once.

import { Channel } from '@tauri-apps/api/core';
import { commands, type ListingColumns } from '$lib/bindings';
import { newOperationId } from '$lib/shared/operations';
import { run, type AppError } from '$lib/shared/errors';
import { comparator, mergeSorted, resortRows, reverseWithinKinds, rowsOfPage, sortInPlace, type Row, type SortSpec } from './rows';

export type ListingStatus = 'loading' | 'done' | 'error' | 'cancelled';

export interface ListingTarget {
  connectionId: string;
  bucket: string;
  prefix: string;
  recursive: boolean;
}

const FLUSH_MS = 120;
/**
 * Past a few screens of rows a flush changes only the status count and the scrollbar: redrawing
 * those twice a second is enough, and each redraw is a composite of the whole window (in software
 * where there is no GPU: at 100,000 keys the window's share of two cores set how long listing took).
 */
const FLUSH_MS_FULL = 500;
const FULL_ROWS = 2000;
/**
 * The command's answer can overtake its last pages on the way through the IPC bridge: the
 * listing is done once as many objects arrived as the engine counted, or after this long.
 */
const LATE_PAGE_MS = 3000;

export class Listing {
  status = $state<ListingStatus>('loading');
  /** Sorted, all loaded rows. Replaced (never mutated) on each change. */
  rows = $state.raw<Row[]>([]);
  error = $state<AppError | null>(null);
  /** True once the first page arrived (until then the table shows skeleton rows). */
  started = $state(false);
  /** Objects (not folders) received so far. */
  objects = $state(0);

  readonly target: ListingTarget;
  #sort: SortSpec;
  /** The running operation, for Cancel; null once the engine answered. */
  #opId: string | null = null;
  /** Whose pages still land: also after the answer (a page may trail it), until cancel or dispose. */
  #live: string | null = null;
  #pending: Row[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastFlush = 0;
  #expected: number | null = null;
  #lateTimer: ReturnType<typeof setTimeout> | null = null;
  #received = 0;
  /**
   * The rows in name order, kept when sorting by another column so that going back to the default
   * order is instant (a full sort of 100,000 names takes a noticeable moment). Dropped when rows change.
   */
  #byName: Row[] | null = null;

  constructor(target: ListingTarget, sort: SortSpec) {
    this.target = target;
    this.#sort = sort;
  }

  get loading(): boolean {
    return this.status === 'loading';
  }

  /** Starts listing; resolves when the engine answered (pages may still be on their way). */
  async start(): Promise<void> {
    const opId = newOperationId();
    this.#opId = opId;
    this.#live = opId;
    const { connectionId, bucket, prefix, recursive } = this.target;
    const res = await run(() => {
      const pages = new Channel<ListingColumns>();
      pages.onmessage = (page) => this.#receive(opId, page);
      return commands.listObjects(connectionId, bucket, prefix, recursive, opId, pages);
    });
    if (this.#opId !== opId) return;
    if (res.status === 'error') {
      this.#flush();
      this.#opId = null;
      this.#live = null;
      if (res.error.code === 'cancelled') this.status = 'cancelled';
      else {
        this.error = res.error;
        this.status = 'error';
      }
      return;
    }
    this.#expected = res.data ?? 0;
    if (this.#received >= this.#expected) this.#finish();
    else this.#lateTimer = setTimeout(() => this.#finish(), LATE_PAGE_MS);
  }

  #receive(opId: string, page: ListingColumns) {
    if (this.#live !== opId) return;
    const rows = rowsOfPage(page, this.target.prefix, this.target.recursive);
    this.#received += page.keys.length;
    for (const r of rows) this.#pending.push(r);
    if (this.status === 'loading' && this.#expected !== null && this.#received >= this.#expected) {
      this.#finish();
      return;
    }
    const every = this.rows.length < FULL_ROWS ? FLUSH_MS : FLUSH_MS_FULL;
    const since = performance.now() - this.#lastFlush;
    if (since >= every) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), every - since);
  }

  #flush() {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#lastFlush = performance.now();
    this.started = true;
    this.objects = this.#received;
    if (this.#pending.length === 0) return;
    const cmp = comparator(this.#sort);
    const batch = sortInPlace(this.#pending, cmp);
    this.#pending = [];
    this.#byName = null;
    this.rows = mergeSorted(this.rows, batch, cmp);
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
    await run(() => commands.cancelOperation(opId));
  }

  /** Stops listening without a word (the view is gone): cancels and drops timers. */
  dispose(): void {
    void this.cancel();
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#lateTimer !== null) clearTimeout(this.#lateTimer);
  }

  resort(sort: SortSpec): void {
    const from = this.#sort;
    if (from.column === 'name') this.#byName = from.descending ? reverseWithinKinds(this.rows) : this.rows;
    if (sort.column === 'name' && from.column !== 'name' && this.#byName) {
      this.rows = sort.descending ? reverseWithinKinds(this.#byName) : this.#byName;
    } else {
      this.rows = resortRows(this.rows, from, sort);
    }
    this.#sort = sort;
  }

  /** Shows a listed row as it is now (its object was rewritten), in its sorted place. */
  replace(row: Row): void {
    if (!this.rows.some((r) => r.key === row.key)) return;
    this.#byName = null;
    this.rows = mergeSorted(
      this.rows.filter((r) => r.key !== row.key),
      [row],
      comparator(this.#sort),
    );
  }

  /** Shows a row made here (a new folder) before the storage's next listing would. */
  insert(row: Row): void {
    if (this.rows.some((r) => r.key === row.key)) return;
    this.#byName = null;
    this.rows = mergeSorted(this.rows, [row], comparator(this.#sort));
  }
}
