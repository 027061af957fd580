// The tags uploads must carry, as a connection's or a bucket's settings edit them: a key, and
// optionally the values allowed (typed separated by commas). Checked as the engine checks a
// declaration (`check_declaration`): keys and values by S3's tag rules, at most ten keys (every
// upload carries them all, and an object has at most ten tags), no empty allowed value.

import type { RequiredTag } from '$lib/bindings';
import { editRows, isBlank, type KeyValueRow, type RowProblem } from '$lib/shared/keyValueRows';
import { MAX_OBJECT_TAGS, tagKeyProblem, tagValueProblem } from '$lib/shared/tags';

/** The values typed as `a, b, c`: trimmed, empty ones dropped, each once. */
export function allowedValues(text: string): string[] {
  return [...new Set(text.split(',').map((v) => v.trim()))].filter((v) => v !== '');
}

/** Editor rows: the key, and the allowed values joined by commas (empty for any value). */
export function declaredRows(required: readonly RequiredTag[]): KeyValueRow[] {
  return editRows(required.map((r) => ({ key: r.key, value: (r.allowed ?? []).join(', ') })));
}

/** The rows as a declaration to save (wholly empty rows dropped, keys trimmed). */
export function declaredFromRows(rows: readonly KeyValueRow[]): RequiredTag[] {
  return rows.filter((r) => !isBlank(r)).map((r) => ({ key: r.key.trim(), allowed: allowedValues(r.value) }));
}

export interface DeclarationProblems {
  rows: RowProblem[];
  whole: string | null;
}

export function declarationProblems(rows: readonly KeyValueRow[]): DeclarationProblems {
  const seen = new Set<string>();
  const problems = rows.map((r) => {
    if (isBlank(r)) return { key: null, value: null };
    const key = r.key.trim();
    const keyProblem = tagKeyProblem(key) ?? (seen.has(key) ? `Tag key "${key}" appears twice; keys must be unique.` : null);
    seen.add(key);
    let valueProblem: string | null = null;
    for (const v of allowedValues(r.value)) {
      valueProblem = tagValueProblem(key, v);
      if (valueProblem) break;
    }
    return { key: keyProblem, value: valueProblem };
  });
  const count = declaredFromRows(rows).length;
  const whole = count > MAX_OBJECT_TAGS ? `At most ${MAX_OBJECT_TAGS} tags can be required: an object can carry no more; there are ${count}.` : null;
  return { rows: problems, whole };
}

/** `apollo, gemini`, or `any value`. */
export function describeAllowed(r: RequiredTag): string {
  const allowed = r.allowed ?? [];
  return allowed.length ? allowed.join(', ') : 'any value';
}
