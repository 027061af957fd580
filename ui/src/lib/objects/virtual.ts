// Which rows of a long list to put in the DOM: those in view plus a few either side. Rows have one
// fixed height. Past MAX_HEIGHT pixels (browsers cap an element's height at a few million pixels)
// the scroll range is compressed: scrolling moves through the rows proportionally.

/** Far below every engine's limit on an element's height. */
export const MAX_HEIGHT = 8_000_000;

export interface RowWindow {
  /** First row in the DOM (inclusive) and the row after the last (exclusive). */
  start: number;
  end: number;
  /** Where the first DOM row is drawn, from the top of the scroll content. */
  offset: number;
  /** Height of the scroll content. */
  height: number;
}

/** Rows per pixel of scroll, 1 until the list is too tall to draw at full height. */
function scale(count: number, rowHeight: number, viewport: number): number {
  const full = count * rowHeight;
  if (full <= MAX_HEIGHT) return 1;
  return (full - viewport) / (MAX_HEIGHT - viewport);
}

export function rowWindow(scrollTop: number, viewport: number, count: number, rowHeight: number, overscan: number): RowWindow {
  const height = Math.min(count * rowHeight, MAX_HEIGHT);
  const s = scale(count, rowHeight, viewport);
  const maxTop = Math.max(0, height - viewport);
  const top = Math.min(Math.max(0, scrollTop), maxTop);
  const virtualTop = top * s;
  const first = Math.floor(virtualTop / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.ceil((virtualTop + viewport) / rowHeight) + overscan);
  // Rows sit where they would at full height, shifted so that the visible ones line up with `top`.
  const offset = start * rowHeight - virtualTop + top;
  return { start, end, offset, height };
}

/** The scrollTop that brings row `index` fully into view, or null when it is already in view. */
export function scrollToReveal(index: number, scrollTop: number, viewport: number, count: number, rowHeight: number): number | null {
  const s = scale(count, rowHeight, viewport);
  const rowTop = index * rowHeight;
  const virtualTop = scrollTop * s;
  if (rowTop < virtualTop) return rowTop / s;
  if (rowTop + rowHeight > virtualTop + viewport) return (rowTop + rowHeight - viewport) / s;
  return null;
}
