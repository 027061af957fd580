import { describe, expect, it } from 'vitest';
import type { UploadRules } from '$lib/bindings';
import { blankRow } from '$lib/shared/keyValueRows';
import { checkUploadTags, requiredRows } from './uploadTags';

const RULES: UploadRules = {
  required: [
    { tag: { key: 'project', allowed: ['apollo', 'gemini'] }, scope: 'bucket' },
    { tag: { key: 'owner', allowed: [] }, scope: 'connection' },
    { tag: { key: 'class', allowed: ['internal'] }, scope: 'connection' },
  ],
  defaults: [
    { key: 'project', value: 'mercury' },
    { key: 'owner', value: 'ana' },
  ],
};

const plain = (rows: ReturnType<typeof requiredRows>) => rows.map((r) => [r.key, r.value, r.fixed?.choices, r.fixed?.note]);

describe('requiredRows', () => {
  it('puts each required tag first with its remembered value when still allowed, a lone choice picked', () => {
    expect(plain(requiredRows(RULES))).toEqual([
      ['project', '', ['apollo', 'gemini'], 'Required for uploads to this bucket'],
      ['owner', 'ana', [], 'Required for every upload on this connection'],
      ['class', 'internal', ['internal'], 'Required for every upload on this connection'],
    ]);
    expect(requiredRows({ required: [], defaults: [] })).toEqual([]);
  });
});

describe('checkUploadTags', () => {
  it('holds Start until each required tag has a value, saying which and why', () => {
    const rows = requiredRows(RULES);
    expect(checkUploadTags(rows, RULES).blocking).toBe('Choose a value for “project”: uploads to this bucket must carry it.');
    rows[0].value = 'gemini';
    rows[1].value = ' ';
    expect(checkUploadTags(rows, RULES).blocking).toBe('Type a value for “owner”: every upload on this connection must carry it.');
    rows[1].value = 'ana';
    const ok = checkUploadTags(rows, RULES);
    expect(ok.blocking).toBeNull();
    expect(ok.tags).toEqual([
      { key: 'project', value: 'gemini' },
      { key: 'owner', value: 'ana' },
      { key: 'class', value: 'internal' },
    ]);
  });

  it('refuses a value that is not allowed, a broken rule in an added tag, and more than ten tags', () => {
    const rows = requiredRows(RULES);
    rows[0].value = 'mercury';
    expect(checkUploadTags(rows, RULES).blocking).toBe('“mercury” isn\'t allowed for “project”; choose one of apollo, gemini.');
    rows[0].value = 'apollo';
    const extra = { ...blankRow(), key: 'cost#center', value: '1' };
    const check = checkUploadTags([...rows, extra], RULES);
    expect(check.rows[3].key).toMatch(/contains "#"/);
    expect(check.blocking).toMatch(/^Tag key "cost#center" contains "#"/);
    const many = Array.from({ length: 8 }, (_, i) => ({ ...blankRow(), key: `k${i}`, value: 'v' }));
    expect(checkUploadTags([...rows, ...many], RULES).blocking).toBe('An object can have at most 10 tags; there are 11.');
  });

  it('ignores rows left empty and needs nothing when nothing is required', () => {
    const check = checkUploadTags([blankRow()], { required: [], defaults: [] });
    expect(check).toEqual({ rows: [{ key: null, value: null }], blocking: null, tags: [] });
  });
});
