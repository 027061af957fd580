import { describe, expect, it } from 'vitest';
import { tagRowProblems, tagsFromRows, tagsProblem } from './tags';

const tag = (key: string, value = 'v') => ({ key, value });

describe('tagsProblem', () => {
  it('passes good tags, none at all, and ten', () => {
    expect(tagsProblem([])).toBeNull();
    expect(tagsProblem([tag('team', 'data eng'), tag('path', 'a/b.c_d-e+f=g:h@i'), tag('empty', '')])).toBeNull();
    expect(tagsProblem(Array.from({ length: 10 }, (_, i) => tag(`k${i}`)))).toBeNull();
    expect(tagsProblem([tag('größe', 'groß'), tag('k'.repeat(128), 'v'.repeat(256))])).toBeNull();
  });

  it('refuses more than ten on an object, more than fifty on a bucket', () => {
    expect(tagsProblem(Array.from({ length: 11 }, (_, i) => tag(`k${i}`)))).toBe('An object can have at most 10 tags; there are 11.');
    expect(tagsProblem(Array.from({ length: 50 }, (_, i) => tag(`k${i}`)), 'bucket')).toBeNull();
    expect(tagsProblem(Array.from({ length: 51 }, (_, i) => tag(`k${i}`)), 'bucket')).toBe('A bucket can have at most 50 tags; there are 51.');
  });

  it('refuses empty and over-long keys and over-long values', () => {
    expect(tagsProblem([tag('')])).toBe("Tag keys can't be empty.");
    expect(tagsProblem([tag('k'.repeat(129))])).toMatch(/longer than 128 characters/);
    expect(tagsProblem([tag('k', 'v'.repeat(257))])).toBe('The value of tag "k" is longer than 256 characters.');
  });

  it('refuses keys starting with aws:, in any case', () => {
    expect(tagsProblem([tag('aws:cost')])).toBe('Tag key "aws:cost" can\'t start with "aws:": AWS reserves it.');
    expect(tagsProblem([tag('AWS:x')])).toMatch(/can't start with "aws:"/);
    expect(tagsProblem([tag('my-aws:x')])).toBeNull();
  });

  it('names a character that is not allowed, in the key or the value', () => {
    expect(tagsProblem([tag('a#b')])).toBe('Tag key "a#b" contains "#"; tags may use letters, digits, spaces and + - = . _ : / @.');
    expect(tagsProblem([tag('k', 'x,y')])).toMatch(/^Tag value "x,y" contains ","/);
  });

  it('refuses a key that appears twice', () => {
    expect(tagsProblem([tag('a'), tag('b'), tag('a', 'w')])).toBe('Tag key "a" appears twice; keys must be unique.');
    expect(tagsProblem([tag('a'), tag('A')])).toBeNull();
  });
});

describe('tagsFromRows', () => {
  it('trims keys and drops wholly empty rows', () => {
    expect(tagsFromRows([tag(' team ', 'data'), tag('', ''), tag('  ', ''), tag('', 'orphan')])).toEqual([tag('team', 'data'), tag('', 'orphan')]);
  });
});

describe('tagRowProblems', () => {
  it('puts each problem on its row and field, ignoring wholly empty rows', () => {
    expect(tagRowProblems([tag(' team ', 'data'), tag('', ''), tag('aws:x', 'a#b'), tag('team', 'ops'), tag('', 'orphan')])).toEqual([
      { key: null, value: null },
      { key: null, value: null },
      { key: 'Tag key "aws:x" can\'t start with "aws:": AWS reserves it.', value: 'Tag value "a#b" contains "#"; tags may use letters, digits, spaces and + - = . _ : / @.' },
      { key: 'Tag key "team" appears twice; keys must be unique.', value: null },
      { key: "Tag keys can't be empty.", value: null },
    ]);
  });
});
