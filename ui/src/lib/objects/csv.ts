// A small CSV reader for previews: RFC 4180 quoting (a quoted field may hold the delimiter, line
// breaks and doubled quotes), CRLF or LF line ends, and a delimiter guessed from the first line.

export interface CsvTable {
  rows: string[][];
  /** True when the text has more rows than were read. */
  more: boolean;
}

const CANDIDATES = [',', ';', '\t', '|'] as const;

/**
 * The delimiter of a table: tab for `.tsv`/`.tab` files, otherwise whichever of , ; tab | occurs
 * most in the first line outside quotes (comma when none does).
 */
export function guessDelimiter(text: string, fileName = ''): string {
  if (/\.(tsv|tab)$/i.test(fileName)) return '\t';
  const counts = new Map<string, number>();
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && (CANDIDATES as readonly string[]).includes(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best = ',';
  let most = 0;
  for (const d of CANDIDATES) {
    const n = counts.get(d) ?? 0;
    if (n > most) {
      best = d;
      most = n;
    }
  }
  return best;
}

/**
 * Reads up to `maxRows` rows. With `partial`, the text is known to be cut off, so its last row
 * (probably incomplete) is dropped.
 */
export function parseCsv(text: string, options: { delimiter?: string; maxRows?: number; partial?: boolean } = {}): CsvTable {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delimiter = options.delimiter ?? guessDelimiter(src);
  const maxRows = options.maxRows ?? Infinity;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  let more = false;

  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };

  while (i < src.length) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i += 1;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && src[i + 1] === '\n') i += 1;
      endRow();
      if (rows.length >= maxRows) {
        more = i + 1 < src.length;
        break;
      }
    } else {
      field += c;
    }
    i += 1;
  }
  // Text that ends without a line break still has a last row, unless the text was cut off there.
  const unfinished = field !== '' || row.length > 0 || quoted;
  if (rows.length < maxRows && unfinished && !options.partial) endRow();
  if (options.partial) more = true;
  return { rows, more };
}
