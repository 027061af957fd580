import { describe, expect, it } from 'vitest';
import { blankRow } from '$lib/shared/keyValueRows';
import { allowedValues, describeAllowed, declaredFromRows, declarationProblems, declaredRows } from './requiredTags';

const row = (key: string, value: string) => ({ ...blankRow(), key, value });

describe('required tags', () => {
  it('reads allowed values typed with commas', () => {
    expect(allowedValues(' apollo, gemini ,, apollo ')).toEqual(['apollo', 'gemini']);
    expect(allowedValues('  ')).toEqual([]);
  });

  it('goes to rows and back', () => {
    const rows = declaredRows([
      { key: 'project', allowed: ['apollo', 'gemini'] },
      { key: 'owner', allowed: [] },
    ]);
    expect(rows.map((r) => [r.key, r.value])).toEqual([
      ['project', 'apollo, gemini'],
      ['owner', ''],
    ]);
    expect(declaredFromRows([...rows, blankRow(), row(' team ', 'a')])).toEqual([
      { key: 'project', allowed: ['apollo', 'gemini'] },
      { key: 'owner', allowed: [] },
      { key: 'team', allowed: ['a'] },
    ]);
    expect(describeAllowed({ key: 'owner', allowed: [] })).toBe('any value');
    expect(describeAllowed({ key: 'p', allowed: ['a', 'b'] })).toBe('a, b');
  });

  it('checks keys and each allowed value by the tag rules, and at most ten keys', () => {
    const p = declarationProblems([row('aws:x', ''), row('project', 'apollo, ge#mini'), row('project', '')]);
    expect(p.rows).toEqual([
      { key: 'Tag key "aws:x" can\'t start with "aws:": AWS reserves it.', value: null },
      { key: null, value: 'Tag value "ge#mini" contains "#"; tags may use letters, digits, spaces and + - = . _ : / @.' },
      { key: 'Tag key "project" appears twice; keys must be unique.', value: null },
    ]);
    expect(p.whole).toBeNull();
    const many = Array.from({ length: 11 }, (_, i) => row(`k${i}`, ''));
    expect(declarationProblems(many).whole).toBe('At most 10 tags can be required: an object can carry no more; there are 11.');
  });
});
