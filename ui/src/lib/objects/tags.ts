// An object's tags as the properties panel edits them, checked against S3's rules before any
// request (the engine checks the same rules: crates/satchel-core/src/rules.rs `validate_tags`).

import type { Tag } from '../bindings';

export const MAX_OBJECT_TAGS = 10;
export const MAX_KEY_CHARS = 128;
export const MAX_VALUE_CHARS = 256;

/** Letters, digits, spaces and + - = . _ : / @ (any script's letters and digits, like Rust's `is_alphanumeric`). */
const ALLOWED = /^[\p{Alphabetic}\p{N} +\-=._:/@]$/u;
/** `aws:` in any ASCII case (as Rust's `to_ascii_lowercase`). */
const RESERVED = /^aws:/i;

const chars = (s: string) => Array.from(s);
const short = (s: string) => chars(s).slice(0, 40).join('');

/** The first rule these tags break, as a sentence naming the tag and the rule; null when all pass. */
export function tagsProblem(tags: readonly Tag[]): string | null {
  if (tags.length > MAX_OBJECT_TAGS) {
    return `An object can have at most ${MAX_OBJECT_TAGS} tags; there are ${tags.length}.`;
  }
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.key.length === 0) return "Tag keys can't be empty.";
    if (chars(t.key).length > MAX_KEY_CHARS) return `Tag key "${short(t.key)}…" is longer than ${MAX_KEY_CHARS} characters.`;
    if (chars(t.value).length > MAX_VALUE_CHARS) {
      return `The value of tag "${short(t.key)}" is longer than ${MAX_VALUE_CHARS} characters.`;
    }
    if (RESERVED.test(t.key)) return `Tag key "${t.key}" can't start with "aws:": AWS reserves it.`;
    for (const [part, s] of [
      ['key', t.key],
      ['value', t.value],
    ] as const) {
      const bad = chars(s).find((c) => !ALLOWED.test(c));
      if (bad !== undefined) {
        return `Tag ${part} "${short(s)}" contains "${bad}"; tags may use letters, digits, spaces and + - = . _ : / @.`;
      }
    }
    if (seen.has(t.key)) return `Tag key "${t.key}" appears twice; keys must be unique.`;
    seen.add(t.key);
  }
  return null;
}

/**
 * The editor's rows as tags to save: keys trimmed (a stray space around a key is never meant),
 * rows left wholly empty dropped. Values are kept as typed.
 */
export function tagsFromRows(rows: readonly Tag[]): Tag[] {
  return rows.filter((r) => r.key.trim() !== '' || r.value !== '').map((r) => ({ key: r.key.trim(), value: r.value }));
}
