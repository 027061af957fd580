// The lifecycle rule builder's draft: what the form holds (numbers as typed, sizes with a unit, tags
// as rows, each action on or off) and the `LifecycleRule` it sends. S3's own rules (30 days before
// Standard-IA, moves only to colder classes, no tags with the abort...) are the engine's to check
// (`check_lifecycle`); here only what could not even be sent: fractions, negative numbers, a
// missing number the rule's type requires.
import type { LifecycleRule_Deserialize, LifecycleRule_Serialize, StorageClassName } from '$lib/bindings';
import { editRows, isBlank, type KeyValueRow } from '$lib/shared/keyValueRows';
import { storageClassLabel } from '$lib/shared/storageClasses';

/** The classes a rule can move objects to, warmest first, by the names people know. */
export const CLASSES: { value: StorageClassName; label: string }[] = (
  ['standard_ia', 'intelligent_tiering', 'onezone_ia', 'glacier_ir', 'glacier', 'deep_archive'] as const
).map((value) => ({ value, label: storageClassLabel(value) }));

export function classLabel(c: StorageClassName): string {
  return storageClassLabel(c);
}

/** Decimal units, as the engine's sentences say sizes ("larger than 1.0 MB"). */
export const SIZE_UNITS = [
  { unit: 'bytes', factor: 1 },
  { unit: 'KB', factor: 1e3 },
  { unit: 'MB', factor: 1e6 },
  { unit: 'GB', factor: 1e9 },
  { unit: 'TB', factor: 1e12 },
] as const;

export type SizeUnit = (typeof SIZE_UNITS)[number]['unit'];

/** A size as typed: no amount is no condition. */
export interface SizeDraft {
  amount: number | null;
  unit: SizeUnit;
}

/** Days after creation, or a date (YYYY-MM-DD, midnight UTC). */
export type When = 'days' | 'date';

export interface MoveDraft {
  /** Keeps each row's inputs (and focus) with it when one above is removed. */
  key: number;
  class: StorageClassName;
  when: When;
  days: number | null;
  date: string;
}

export interface OlderMoveDraft {
  key: number;
  class: StorageClassName;
  days: number | null;
  /** This many of the newest older versions stay where they are. */
  newer: number | null;
}

export interface RuleDraft {
  id: string;
  enabled: boolean;
  /** `bucket`: every object; `filter`: the conditions below, all at once. */
  scope: 'bucket' | 'filter';
  prefix: string;
  tags: KeyValueRow[];
  larger: SizeDraft;
  smaller: SizeDraft;
  moves: MoveDraft[];
  expire: { on: boolean; when: When; days: number | null; date: string };
  olderMoves: OlderMoveDraft[];
  olderExpire: { on: boolean; days: number | null; keepNewest: number | null };
  deleteMarkers: boolean;
  abort: { on: boolean; days: number | null };
}

let nextKey = 0;

export function newMove(): MoveDraft {
  return { key: nextKey++, class: 'standard_ia', when: 'days', days: 30, date: '' };
}

export function newOlderMove(): OlderMoveDraft {
  return { key: nextKey++, class: 'standard_ia', days: 30, newer: null };
}

/** A new rule: the whole bucket, nothing done yet. */
export function blankDraft(): RuleDraft {
  return {
    id: '',
    enabled: true,
    scope: 'bucket',
    prefix: '',
    tags: [],
    larger: { amount: null, unit: 'MB' },
    smaller: { amount: null, unit: 'MB' },
    moves: [],
    expire: { on: false, when: 'days', days: 365, date: '' },
    olderMoves: [],
    olderExpire: { on: false, days: 30, keepNewest: null },
    deleteMarkers: false,
    abort: { on: false, days: 7 },
  };
}

/** A size in bytes as the largest unit it is a whole number of: 5000000 -> 5 MB. */
export function sizeDraft(bytes: number | null): SizeDraft {
  if (bytes === null) return { amount: null, unit: 'MB' };
  for (const u of [...SIZE_UNITS].reverse()) {
    if (bytes >= u.factor && bytes % u.factor === 0) return { amount: bytes / u.factor, unit: u.unit };
  }
  return { amount: bytes, unit: 'bytes' };
}

/** The size in bytes (rounded to a byte), or null when no amount is given. */
export function bytesOf(size: SizeDraft): number | null {
  if (size.amount === null || !Number.isFinite(size.amount)) return null;
  const factor = SIZE_UNITS.find((u) => u.unit === size.unit)?.factor ?? 1;
  return Math.round(size.amount * factor);
}

/** An `<input type="date">` value from a rule's date (`2030-01-01` or `2030-01-01T00:00:00Z`). */
const dayOf = (date: string | null) => (date ?? '').slice(0, 10);

/** The form for a rule read from the bucket (a rule with `other` isn't edited: see `editable`). */
export function draftOf(rule: LifecycleRule_Serialize): RuleDraft {
  const s = rule.scope;
  const filtered = !!s.prefix || s.tags.length > 0 || s.size_greater_than !== null || s.size_less_than !== null;
  const blank = blankDraft();
  return {
    id: rule.id ?? '',
    enabled: rule.enabled,
    scope: filtered ? 'filter' : 'bucket',
    prefix: s.prefix ?? '',
    tags: editRows(s.tags),
    larger: sizeDraft(s.size_greater_than),
    smaller: sizeDraft(s.size_less_than),
    moves: rule.transitions.map((t) => ({
      key: nextKey++,
      class: t.class,
      when: t.date !== null && t.days === null ? 'date' : 'days',
      days: t.days,
      date: dayOf(t.date),
    })),
    expire: rule.expiration
      ? {
          on: true,
          when: rule.expiration.date !== null && rule.expiration.days === null ? 'date' : 'days',
          days: rule.expiration.days,
          date: dayOf(rule.expiration.date),
        }
      : blank.expire,
    olderMoves: rule.noncurrent_transitions.map((t) => ({ key: nextKey++, class: t.class, days: t.days, newer: t.newer_versions })),
    olderExpire: rule.noncurrent_expiration
      ? { on: true, days: rule.noncurrent_expiration.days, keepNewest: rule.noncurrent_expiration.keep_newest }
      : blank.olderExpire,
    deleteMarkers: rule.expired_delete_markers,
    abort: rule.abort_incomplete_after_days !== null ? { on: true, days: rule.abort_incomplete_after_days } : blank.abort,
  };
}

/** Whether the builder can edit a rule: not when it holds parts Satchel doesn't know (`other`). */
export function editable(rule: LifecycleRule_Serialize): boolean {
  return rule.other === null;
}

const text = (s: string) => (s.trim() === '' ? null : s.trim());
const num = (n: number | null) => (n === null || !Number.isFinite(n) ? null : n);

/** The rule to send (and to check): only what is switched on, the scope only when filtered. */
export function ruleOf(d: RuleDraft): LifecycleRule_Deserialize {
  const filtered = d.scope === 'filter';
  return {
    id: text(d.id),
    enabled: d.enabled,
    scope: {
      // A prefix is sent as typed (spaces count in a key), but not when there is nothing else.
      prefix: filtered && d.prefix.trim() !== '' ? d.prefix : null,
      tags: filtered ? d.tags.filter((r) => !isBlank(r)).map((r) => ({ key: r.key.trim(), value: r.value })) : [],
      size_greater_than: filtered ? bytesOf(d.larger) : null,
      size_less_than: filtered ? bytesOf(d.smaller) : null,
    },
    transitions: d.moves.map((m) => ({
      class: m.class,
      days: m.when === 'days' ? num(m.days) : null,
      date: m.when === 'date' ? text(m.date) : null,
    })),
    noncurrent_transitions: d.olderMoves.map((m) => ({ class: m.class, days: num(m.days) ?? 0, newer_versions: num(m.newer) })),
    expiration: d.expire.on
      ? { days: d.expire.when === 'days' ? num(d.expire.days) : null, date: d.expire.when === 'date' ? text(d.expire.date) : null }
      : null,
    expired_delete_markers: d.deleteMarkers,
    noncurrent_expiration: d.olderExpire.on ? { days: num(d.olderExpire.days) ?? 0, keep_newest: num(d.olderExpire.keepNewest) } : null,
    abort_incomplete_after_days: d.abort.on ? num(d.abort.days) : null,
    other: null,
  };
}

/** Largest number the engine takes for days and counts (u32). */
const MAX_U32 = 0xffff_ffff;

function whole(value: number | null, what: string, required: boolean): string | null {
  if (value === null || !Number.isFinite(value)) return required ? `Say ${what}.` : null;
  if (!Number.isInteger(value) || value < 0 || value > MAX_U32) return `Give ${what} as a whole number, 0 or more.`;
  return null;
}

function size(s: SizeDraft, what: string): string | null {
  if (s.amount === null || !Number.isFinite(s.amount)) return null;
  if (s.amount < 0) return `The size ${what} can't be negative.`;
  const bytes = bytesOf(s);
  return bytes !== null && !Number.isSafeInteger(bytes) ? `The size ${what} is too large.` : null;
}

/**
 * What stops the draft from being sent or checked at all, as a sentence, or null. Everything else
 * (days too few for a class, a deletion before a move, tags with the abort) the engine says.
 */
export function draftProblem(d: RuleDraft): string | null {
  const problems: (string | null)[] = [];
  if (d.scope === 'filter') problems.push(size(d.larger, 'objects must be larger than'), size(d.smaller, 'objects must be smaller than'));
  d.moves.forEach((m, i) => {
    if (m.when === 'days') problems.push(whole(m.days, `after how many days move ${i + 1} (to ${classLabel(m.class)}) happens`, false));
  });
  if (d.expire.on && d.expire.when === 'days') problems.push(whole(d.expire.days, 'after how many days objects are deleted', false));
  d.olderMoves.forEach((m, i) => {
    problems.push(
      whole(m.days, `how many days after they stop being current older versions move to ${classLabel(m.class)} (move ${i + 1})`, true),
      whole(m.newer, `how many newer versions stay where they are (move ${i + 1} of older versions)`, false),
    );
  });
  if (d.olderExpire.on) {
    problems.push(
      whole(d.olderExpire.days, 'how many days after they stop being current older versions are deleted', true),
      whole(d.olderExpire.keepNewest, 'how many of the newest older versions to keep', false),
    );
  }
  if (d.abort.on) problems.push(whole(d.abort.days, 'after how many days unfinished uploads are aborted', true));
  return problems.find((p) => p !== null) ?? null;
}

/** The rules with the draft in place of rule `index` (added at the end when `index` is null). */
export function withRule(rules: readonly LifecycleRule_Deserialize[], index: number | null, rule: LifecycleRule_Deserialize): LifecycleRule_Deserialize[] {
  return index === null ? [...rules, rule] : rules.map((r, i) => (i === index ? rule : r));
}

/** "Rule “logs”" by ID, else "Rule 2" by position, as the engine names rules. */
export function ruleName(rule: { id?: string | null }, index: number): string {
  return rule.id ? `Rule “${rule.id}”` : `Rule ${index + 1}`;
}

/** `other` as indented JSON to read; as sent when it isn't JSON. */
export function otherText(other: string | null): string | null {
  if (other === null) return null;
  try {
    return JSON.stringify(JSON.parse(other), null, 2);
  } catch {
    return other;
  }
}
