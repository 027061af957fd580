import { describe, expect, it } from 'vitest';
import { bulkTagChange, bulkTagProblems, hasBulkTagProblem, removeKeys } from './bulkTagForm';
import { editRows } from '$lib/shared/keyValueRows';

const draft = (pairs: [string, string][], mode: 'merge' | 'replace' = 'merge', removeText = '') => ({ rows: editRows(pairs), mode, removeText });

describe('bulk tag form', () => {
  it('reads the keys to remove from a comma-separated list', () => {
    expect(removeKeys(' project , ,cost center,project,')).toEqual(['project', 'cost center']);
    expect(removeKeys('')).toEqual([]);
  });

  it('sends no removals in replace mode', () => {
    expect(bulkTagChange(draft([['team', 'data']], 'replace', 'old'))).toEqual({ tags: [{ key: 'team', value: 'data' }], remove: [] });
    expect(bulkTagChange(draft([['team', 'data']], 'merge', 'old'))).toEqual({ tags: [{ key: 'team', value: 'data' }], remove: ['old'] });
  });

  it('allows replacing with nothing (every tag goes) but not merging nothing', () => {
    expect(hasBulkTagProblem(bulkTagProblems(draft([], 'replace')))).toBe(false);
    expect(bulkTagProblems(draft([], 'merge')).whole).toBe('Add a tag, or a key to remove.');
    expect(hasBulkTagProblem(bulkTagProblems(draft([], 'merge', 'old')))).toBe(false);
  });

  it('refuses more than ten tags, and bad keys to remove', () => {
    const eleven = Array.from({ length: 11 }, (_, i): [string, string] => [`k${i}`, 'v']);
    expect(bulkTagProblems(draft(eleven)).whole).toBe('An object can have at most 10 tags; there are 11.');
    expect(bulkTagProblems(draft([], 'merge', 'aws:x')).remove).toBe('Tag key "aws:x" can\'t start with "aws:": AWS reserves it.');
    // A bad key to remove is moot when replacing.
    expect(hasBulkTagProblem(bulkTagProblems(draft([['a', 'b']], 'replace', 'aws:x')))).toBe(false);
  });
});
