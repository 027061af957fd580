// The rows of a key/value editor (tags, user metadata). Each row has an id so that its inputs, and
// the focus in them, stay with it when a row above is removed.

export interface KeyValueRow {
  id: number;
  key: string;
  value: string;
  /**
   * A row the user fills but can't rename or remove (a tag uploads must carry): its key is fixed,
   * its value is picked from `choices` when there are any, and `note` says why the row is there.
   */
  fixed?: { choices: string[]; note: string };
}

/** What is wrong with one row, field by field; null where the field is fine. */
export interface RowProblem {
  key: string | null;
  value: string | null;
}

let nextId = 0;

export function blankRow(): KeyValueRow {
  return { id: nextId++, key: '', value: '' };
}

/** A row with a fixed key (see `KeyValueRow.fixed`). */
export function fixedRow(key: string, value: string, choices: string[], note: string): KeyValueRow {
  return { id: nextId++, key, value, fixed: { choices, note } };
}

/** Editor rows of tags (`{key, value}`) or metadata (`[name, value]`). */
export function editRows(pairs: readonly ({ key: string; value: string } | readonly [string, string])[]): KeyValueRow[] {
  return pairs.map((p) => ('key' in p ? { id: nextId++, key: p.key, value: p.value } : { id: nextId++, key: p[0], value: p[1] }));
}

/** A row with nothing typed in it: ignored rather than refused. */
export function isBlank(row: { key: string; value: string }): boolean {
  return row.key.trim() === '' && row.value === '';
}

export function hasProblem(problems: readonly RowProblem[]): boolean {
  return problems.some((p) => p.key !== null || p.value !== null);
}
