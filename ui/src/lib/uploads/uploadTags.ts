// The tags of an upload, as the summary sheet edits them: the tags the bucket or connection
// requires come first (their values remembered from the last upload when still allowed), then any
// the user adds. Start waits until every required tag has an allowed value and every tag passes
// S3's rules (the engine checks the same before anything is sent: `UploadRules::check`).

import type { RuleScope, Tag, UploadRules } from '$lib/bindings';
import { fixedRow, type KeyValueRow, type RowProblem } from '$lib/shared/keyValueRows';
import { tagCountProblem, tagRowProblems, tagsFromRows } from '$lib/shared/tags';

const WHY: Record<RuleScope, string> = {
  bucket: 'Required for uploads to this bucket',
  connection: 'Required for every upload on this connection',
};

const MUST: Record<RuleScope, string> = {
  bucket: 'uploads to this bucket must carry it',
  connection: 'every upload on this connection must carry it',
};

/** The editor's first rows: one per required tag, filled with the value used last time if still allowed. */
export function requiredRows(rules: UploadRules): KeyValueRow[] {
  const seen = new Set<string>();
  const rows: KeyValueRow[] = [];
  for (const { tag, scope } of rules.required) {
    if (seen.has(tag.key)) continue;
    seen.add(tag.key);
    const allowed = tag.allowed ?? [];
    const remembered = rules.defaults.find((d) => d.key === tag.key)?.value ?? '';
    let value = allowed.length === 0 || allowed.includes(remembered) ? remembered : '';
    if (value === '' && allowed.length === 1) value = allowed[0];
    rows.push(fixedRow(tag.key, value, allowed, WHY[scope]));
  }
  return rows;
}

export interface UploadTagCheck {
  /** Per row, for under the fields: what the user typed that breaks a rule. */
  rows: RowProblem[];
  /** Why Start can't be pressed yet, or null when it can. */
  blocking: string | null;
  /** The tags to send. */
  tags: Tag[];
}

/** Checks the rows as the user edits them: broken rules per field, and the first thing that holds Start back. */
export function checkUploadTags(rows: readonly KeyValueRow[], rules: UploadRules): UploadTagCheck {
  const problems = tagRowProblems(rows);
  const scopes = new Map(rules.required.map((r) => [r.tag.key, r]));
  let blocking: string | null = null;
  rows.forEach((row, i) => {
    if (blocking) return;
    const p = problems[i];
    if (p.key || p.value) {
      blocking = p.key ?? p.value;
      return;
    }
    const rule = row.fixed ? scopes.get(row.key) : undefined;
    if (!rule) return;
    const allowed = rule.tag.allowed ?? [];
    if (row.value.trim() === '') {
      blocking = `${allowed.length ? 'Choose' : 'Type'} a value for “${row.key}”: ${MUST[rule.scope]}.`;
    } else if (allowed.length && !allowed.includes(row.value)) {
      blocking = `“${row.value}” isn't allowed for “${row.key}”; choose one of ${allowed.join(', ')}.`;
    }
  });
  const tags = tagsFromRows(rows);
  blocking ??= tagCountProblem(tags.length, 'object');
  return { rows: problems, blocking, tags };
}
