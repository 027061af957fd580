// How a text preview shows: JSON pretty-printed when it parses, CSV/TSV as a table of its first
// rows, anything else as plain text.

import { guessDelimiter, parseCsv } from './csv';

/** Rows of a CSV preview, below its header row. */
export const CSV_ROWS = 100;

export type TextView =
  | { kind: 'json'; text: string }
  | { kind: 'csv'; header: string[]; rows: string[][]; more: boolean }
  | { kind: 'text'; text: string };

function looksLike(key: string, contentType: string | null | undefined, extensions: RegExp, types: RegExp): boolean {
  return extensions.test(key) || (contentType != null && types.test(contentType));
}

export function viewOfText(text: string, key: string, contentType: string | null | undefined, truncated: boolean): TextView {
  if (looksLike(key, contentType, /\.json$/i, /json/i) || /^\s*[[{]/.test(text)) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2) };
    } catch {
      // Cut off, or not JSON after all: shown as it is.
    }
  }
  if (looksLike(key, contentType, /\.(csv|tsv|tab)$/i, /^text\/(csv|tab-separated-values)/i)) {
    const delimiter = guessDelimiter(text, key);
    const table = parseCsv(text, { delimiter, maxRows: CSV_ROWS + 1, partial: truncated });
    if (table.rows.length > 0) {
      const [header, ...rows] = table.rows;
      return { kind: 'csv', header, rows, more: table.more };
    }
  }
  return { kind: 'text', text };
}
