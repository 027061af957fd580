// S3's rules for tags, as every tag editor checks them before any request: an object's tags (the
// properties panel, the Tag… dialog, the upload sheet), a bucket's tags, and required upload tags
// (the engine checks the same rules: crates/satchel-core/src/tags/rules.rs `validate_tags`).

import type { Tag } from '$lib/bindings';
import { isBlank, type RowProblem } from './keyValueRows';

export const MAX_OBJECT_TAGS = 10;
export const MAX_BUCKET_TAGS = 50;
export const MAX_KEY_CHARS = 128;
export const MAX_VALUE_CHARS = 256;

/** Letters, digits, spaces and + - = . _ : / @ (any script's letters and digits, like Rust's `is_alphanumeric`). */
const ALLOWED = /^[\p{Alphabetic}\p{N} +\-=._:/@]$/u;
/** `aws:` in any ASCII case (as Rust's `to_ascii_lowercase`). */
const RESERVED = /^aws:/i;

const chars = (s: string) => Array.from(s);
const short = (s: string) => chars(s).slice(0, 40).join('');

/** The first rule a tag key breaks on its own (not counting duplicates), or null. */
export function tagKeyProblem(key: string): string | null {
  if (key.length === 0) return "Tag keys can't be empty.";
  if (chars(key).length > MAX_KEY_CHARS) return `Tag key "${short(key)}…" is longer than ${MAX_KEY_CHARS} characters.`;
  if (RESERVED.test(key)) return `Tag key "${key}" can't start with "aws:": AWS reserves it.`;
  return badChar('key', key);
}

/** The first rule a tag value breaks, or null; the key names the tag in the sentence. */
export function tagValueProblem(key: string, value: string): string | null {
  if (chars(value).length > MAX_VALUE_CHARS) return `The value of tag "${short(key)}" is longer than ${MAX_VALUE_CHARS} characters.`;
  return badChar('value', value);
}

function badChar(part: 'key' | 'value', s: string): string | null {
  const bad = chars(s).find((c) => !ALLOWED.test(c));
  return bad === undefined ? null : `Tag ${part} "${short(s)}" contains "${bad}"; tags may use letters, digits, spaces and + - = . _ : / @.`;
}

const twice = (key: string) => `Tag key "${key}" appears twice; keys must be unique.`;

/** What carries the tags: the limits differ (S3 allows 10 on an object, 50 on a bucket). */
export type TagTarget = 'object' | 'bucket';

/** The rule about how many tags there may be, when `count` breaks it. */
export function tagCountProblem(count: number, target: TagTarget = 'object'): string | null {
  const [max, what] = target === 'bucket' ? [MAX_BUCKET_TAGS, 'A bucket'] : [MAX_OBJECT_TAGS, 'An object'];
  return count > max ? `${what} can have at most ${max} tags; there are ${count}.` : null;
}

/** The first rule these tags break, as a sentence naming the tag and the rule; null when all pass. */
export function tagsProblem(tags: readonly Tag[], target: TagTarget = 'object'): string | null {
  const count = tagCountProblem(tags.length, target);
  if (count) return count;
  const seen = new Set<string>();
  for (const t of tags) {
    const problem = tagKeyProblem(t.key) ?? tagValueProblem(t.key, t.value) ?? (seen.has(t.key) ? twice(t.key) : null);
    if (problem) return problem;
    seen.add(t.key);
  }
  return null;
}

/**
 * Each editor row's problems, in row order, read as `tagsFromRows` reads the rows (keys trimmed,
 * wholly empty rows ignored), so that every message can sit under the field it is about. A key
 * already used by an earlier row is the later row's problem.
 */
export function tagRowProblems(rows: readonly Tag[]): RowProblem[] {
  const seen = new Set<string>();
  return rows.map((r) => {
    if (isBlank(r)) return { key: null, value: null };
    const key = r.key.trim();
    const keyProblem = tagKeyProblem(key) ?? (seen.has(key) ? twice(key) : null);
    seen.add(key);
    return { key: keyProblem, value: tagValueProblem(key, r.value) };
  });
}

/**
 * The editor's rows as tags to save: keys trimmed (a stray space around a key is never meant),
 * rows left wholly empty dropped. Values are kept as typed.
 */
export function tagsFromRows(rows: readonly Tag[]): Tag[] {
  return rows.filter((r) => !isBlank(r)).map((r) => ({ key: r.key.trim(), value: r.value }));
}
