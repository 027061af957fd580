import { describe, expect, it } from 'vitest';
import { guessDelimiter, parseCsv } from './csv';
import { viewOfText } from './preview';

describe('parseCsv', () => {
  it('reads plain rows, with or without a final line break, LF or CRLF', () => {
    expect(parseCsv('a,b,c\n1,2,3\n').rows).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(parseCsv('a,b\r\n1,2').rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('a,,c\n,,\n').rows).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
    ]);
  });

  it('handles quoted fields: delimiters, doubled quotes and line breaks inside', () => {
    const text = 'id,note\n1,"gift, wrapped"\n2,"said ""urgent"""\n3,"two\nlines"\n4,plain "quote" inside\n';
    expect(parseCsv(text).rows).toEqual([
      ['id', 'note'],
      ['1', 'gift, wrapped'],
      ['2', 'said "urgent"'],
      ['3', 'two\nlines'],
      ['4', 'plain "quote" inside'],
    ]);
  });

  it('skips a byte order mark and guesses the delimiter', () => {
    expect(parseCsv('\ufeffa;b\n1;2\n').rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(guessDelimiter('a\tb\tc\n')).toBe('\t');
    expect(guessDelimiter('"x;y",b,c\n')).toBe(',');
    expect(guessDelimiter('a,b\n', 'data.tsv')).toBe('\t');
    expect(guessDelimiter('single')).toBe(',');
  });

  it('stops after maxRows and says there is more', () => {
    const t = parseCsv('h\n1\n2\n3\n', { maxRows: 3 });
    expect(t.rows).toEqual([['h'], ['1'], ['2']]);
    expect(t.more).toBe(true);
    expect(parseCsv('h\n1\n', { maxRows: 2 }).more).toBe(false);
  });

  it('drops the cut-off last row of a partial text', () => {
    const t = parseCsv('a,b\n1,2\n3,"unfinished\nquote', { partial: true });
    expect(t.rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(t.more).toBe(true);
  });
});

describe('viewOfText', () => {
  it('pretty-prints JSON that parses, and shows cut-off JSON as text', () => {
    expect(viewOfText('{"a":1,"b":[true]}', 'x.json', 'application/json', false)).toEqual({
      kind: 'json',
      text: '{\n  "a": 1,\n  "b": [\n    true\n  ]\n}',
    });
    expect(viewOfText('{"a":', 'x.json', null, true)).toEqual({ kind: 'text', text: '{"a":' });
  });

  it('shows CSV as a header and the first 100 rows', () => {
    const lines = ['id,name', ...Array.from({ length: 150 }, (_, i) => `${i},n${i}`)].join('\n');
    const v = viewOfText(lines, 'data/orders.csv', 'text/csv', false);
    if (v.kind !== 'csv') throw new Error(v.kind);
    expect(v.header).toEqual(['id', 'name']);
    expect(v.rows).toHaveLength(100);
    expect(v.rows[99]).toEqual(['99', 'n99']);
    expect(v.more).toBe(true);
  });

  it('shows other text as it is', () => {
    expect(viewOfText('hello', 'notes.txt', 'text/plain', false)).toEqual({ kind: 'text', text: 'hello' });
  });
});
