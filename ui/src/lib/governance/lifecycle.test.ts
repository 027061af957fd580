import { describe, expect, it } from 'vitest';
import type { LifecycleRule_Serialize } from '$lib/bindings';
import { blankDraft, bytesOf, classLabel, draftOf, draftProblem, editable, newMove, newOlderMove, otherText, ruleName, ruleOf, sizeDraft, withRule } from './lifecycle';

const RULE: LifecycleRule_Serialize = {
  id: 'logs',
  enabled: true,
  scope: { prefix: 'logs/', tags: [{ key: 'env', value: 'dev' }], size_greater_than: 5_000_000, size_less_than: null },
  transitions: [
    { days: 30, date: null, class: 'standard_ia' },
    { days: 90, date: null, class: 'glacier' },
  ],
  noncurrent_transitions: [{ days: 30, class: 'glacier_ir', newer_versions: 2 }],
  expiration: { days: 365, date: null },
  expired_delete_markers: false,
  noncurrent_expiration: { days: 60, keep_newest: 3 },
  abort_incomplete_after_days: 7,
  other: null,
};

describe('lifecycle drafts', () => {
  it('read a rule and send it back unchanged', () => {
    expect(ruleOf(draftOf(RULE))).toEqual(RULE);
    const markers: LifecycleRule_Serialize = {
      ...RULE,
      id: null,
      enabled: false,
      scope: { prefix: null, tags: [], size_greater_than: null, size_less_than: null },
      transitions: [],
      noncurrent_transitions: [],
      expiration: null,
      expired_delete_markers: true,
      noncurrent_expiration: null,
      abort_incomplete_after_days: null,
    };
    expect(draftOf(markers).scope).toBe('bucket');
    expect(ruleOf(draftOf(markers))).toEqual(markers);
  });

  it('keep dates as dates', () => {
    const dated: LifecycleRule_Serialize = {
      ...RULE,
      transitions: [{ days: null, date: '2030-01-01T00:00:00Z', class: 'deep_archive' }],
      expiration: { days: null, date: '2031-01-01' },
    };
    const d = draftOf(dated);
    expect(d.moves[0]).toMatchObject({ when: 'date', date: '2030-01-01', class: 'deep_archive' });
    expect(d.expire).toMatchObject({ on: true, when: 'date', date: '2031-01-01' });
    expect(ruleOf(d)).toMatchObject({ transitions: [{ days: null, date: '2030-01-01', class: 'deep_archive' }], expiration: { days: null, date: '2031-01-01' } });
  });

  it('send only what is switched on, and no filter for the whole bucket', () => {
    const d = draftOf(RULE);
    d.scope = 'bucket';
    d.olderExpire.on = false;
    d.abort.on = false;
    d.expire.on = false;
    d.id = '  ';
    expect(ruleOf(d)).toMatchObject({
      id: null,
      scope: { prefix: null, tags: [], size_greater_than: null, size_less_than: null },
      expiration: null,
      noncurrent_expiration: null,
      abort_incomplete_after_days: null,
    });
  });

  it('leave out blank tag rows and trim keys', () => {
    const d = blankDraft();
    d.scope = 'filter';
    d.tags = [
      { id: 1, key: ' env ', value: 'prod' },
      { id: 2, key: '', value: '' },
    ];
    expect(ruleOf(d).scope).toEqual({ prefix: null, tags: [{ key: 'env', value: 'prod' }], size_greater_than: null, size_less_than: null });
  });

  it('write sizes in the largest whole unit, and read them in bytes', () => {
    expect(sizeDraft(5_000_000)).toEqual({ amount: 5, unit: 'MB' });
    expect(sizeDraft(131_072)).toEqual({ amount: 131_072, unit: 'bytes' });
    expect(sizeDraft(128_000)).toEqual({ amount: 128, unit: 'KB' });
    expect(sizeDraft(0)).toEqual({ amount: 0, unit: 'bytes' });
    expect(sizeDraft(null)).toEqual({ amount: null, unit: 'MB' });
    expect(bytesOf({ amount: 1.5, unit: 'GB' })).toBe(1_500_000_000);
    expect(bytesOf({ amount: null, unit: 'GB' })).toBeNull();
  });

  it('name what could not even be sent, and leave S3’s rules to the engine', () => {
    const d = blankDraft();
    // Nothing to do yet: the engine says so ("does nothing"), not the draft.
    expect(draftProblem(d)).toBeNull();
    d.moves.push({ ...newMove(), days: 2.5 });
    expect(draftProblem(d)).toBe('Give after how many days move 1 (to Standard-IA) happens as a whole number, 0 or more.');
    d.moves[0].days = 10; // Too soon for Standard-IA: the engine's to say.
    expect(draftProblem(d)).toBeNull();
    d.olderMoves.push({ ...newOlderMove(), days: null });
    expect(draftProblem(d)).toMatch(/^Say how many days after they stop being current older versions move to Standard-IA/);
    d.olderMoves = [];
    d.abort = { on: true, days: null };
    expect(draftProblem(d)).toBe('Say after how many days unfinished uploads are aborted.');
    d.abort = { on: true, days: 7 };
    d.scope = 'filter';
    d.larger = { amount: -1, unit: 'KB' };
    expect(draftProblem(d)).toBe("The size objects must be larger than can't be negative.");
    // A size of the whole bucket isn't sent, so it can't be wrong.
    d.scope = 'bucket';
    expect(draftProblem(d)).toBeNull();
  });

  it('put the draft in place of its rule, or at the end', () => {
    const a = ruleOf(blankDraft());
    const b = { ...a, id: 'b' };
    expect(withRule([a, a], 1, b)).toEqual([a, b]);
    expect(withRule([a], null, b)).toEqual([a, b]);
  });

  it('name rules and classes as people read them', () => {
    expect(ruleName({ id: 'logs' }, 0)).toBe('Rule “logs”');
    expect(ruleName({ id: null }, 1)).toBe('Rule 2');
    expect(classLabel('glacier')).toBe('Glacier Flexible Retrieval');
    expect(classLabel('deep_archive')).toBe('Glacier Deep Archive');
  });

  it('show unknown parts as indented JSON, and refuse to edit a rule that has them', () => {
    expect(otherText('{"Transitions":[{"StorageClass":"NEW_CLASS"}]}')).toBe('{\n  "Transitions": [\n    {\n      "StorageClass": "NEW_CLASS"\n    }\n  ]\n}');
    expect(otherText('not json')).toBe('not json');
    expect(otherText(null)).toBeNull();
    expect(editable(RULE)).toBe(true);
    expect(editable({ ...RULE, other: '{}' })).toBe(false);
  });
});
