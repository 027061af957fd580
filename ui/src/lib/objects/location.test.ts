import { describe, expect, it } from 'vitest';
import { baseName } from '$lib/shared/keys';
import { crumbsOf, formatLocation, normalizeFolder, parentOf, parseLocation, UNKNOWN_LOCATION } from './location';

const ok = (text: string) => {
  const r = parseLocation(text);
  if (!r.ok) throw new Error(`not parsed: ${text}: ${r.message}`);
  return r.location;
};

describe('parseLocation', () => {
  it('reads s3:// paths: a folder, the top of a bucket, an item to select', () => {
    expect(ok('s3://bucket-b/raw/2024/')).toEqual({ bucket: 'bucket-b', prefix: 'raw/2024/', select: null });
    expect(ok('s3://bucket-b')).toEqual({ bucket: 'bucket-b', prefix: '', select: null });
    expect(ok('s3://bucket-b/')).toEqual({ bucket: 'bucket-b', prefix: '', select: null });
    expect(ok('  S3://bucket-b/raw/q1.csv  ')).toEqual({ bucket: 'bucket-b', prefix: 'raw/', select: 'raw/q1.csv' });
    expect(ok('s3://bucket-b/top.txt')).toEqual({ bucket: 'bucket-b', prefix: '', select: 'top.txt' });
    // Keys are taken as they are: spaces and "+" are not URL-decoded in an s3:// path.
    expect(ok('s3://b/a b/c+d.txt')).toEqual({ bucket: 'b', prefix: 'a b/', select: 'a b/c+d.txt' });
  });

  it('reads S3 console links to a bucket, a folder and an object', () => {
    expect(ok('https://s3.console.aws.amazon.com/s3/buckets/bucket-b?region=eu-west-1&bucketType=general&tab=objects')).toEqual({
      bucket: 'bucket-b',
      prefix: '',
      select: null,
    });
    expect(
      ok('https://eu-west-1.console.aws.amazon.com/s3/buckets/bucket-b?region=eu-west-1&prefix=raw%2F2024%2F&showversions=false'),
    ).toEqual({ bucket: 'bucket-b', prefix: 'raw/2024/', select: null });
    expect(ok('https://s3.console.aws.amazon.com/s3/buckets/bucket-b/?prefix=raw/')).toEqual({ bucket: 'bucket-b', prefix: 'raw/', select: null });
    expect(ok('https://s3.console.aws.amazon.com/s3/object/bucket-b?region=eu-west-1&bucketType=general&prefix=raw%2Fq%C3%BC+1.csv')).toEqual({
      bucket: 'bucket-b',
      prefix: 'raw/',
      select: 'raw/qü 1.csv',
    });
  });

  it("says what's wrong with a console link that names no object", () => {
    const r = parseLocation('https://s3.console.aws.amazon.com/s3/object/bucket-b?region=eu-west-1');
    expect(r).toEqual({ ok: false, message: "That console link doesn't say which object." });
    const home = parseLocation('https://s3.console.aws.amazon.com/s3/home?region=eu-west-1');
    expect(home.ok).toBe(false);
  });

  it('reads object URLs, virtual-hosted and path-style', () => {
    expect(ok('https://bucket-b.s3.eu-west-1.amazonaws.com/raw/a%20b.csv')).toEqual({ bucket: 'bucket-b', prefix: 'raw/', select: 'raw/a b.csv' });
    expect(ok('https://bucket-b.s3.amazonaws.com/')).toEqual({ bucket: 'bucket-b', prefix: '', select: null });
    expect(ok('https://s3.eu-west-1.amazonaws.com/bucket-b/raw/')).toEqual({ bucket: 'bucket-b', prefix: 'raw/', select: null });
  });

  it('explains what to paste when it cannot read the text', () => {
    for (const text of ['bucket-b/raw', 'https://example.com/x', 'ftp://x/y', 's3://', 'https://[bad']) {
      const r = parseLocation(text);
      expect(r.ok, text).toBe(false);
    }
    expect(parseLocation('bucket-b/raw')).toEqual({ ok: false, message: UNKNOWN_LOCATION });
    expect(parseLocation('s3:///raw/')).toEqual({ ok: false, message: 'That location has no bucket name.' });
    expect(parseLocation('  ')).toEqual({ ok: false, message: 'Type or paste a location, such as s3://bucket/folder/.' });
  });
});

describe('prefixes', () => {
  it('splits a prefix into breadcrumbs', () => {
    expect(crumbsOf('')).toEqual([]);
    expect(crumbsOf('raw/2024/jan/')).toEqual([
      { label: 'raw', prefix: 'raw/' },
      { label: '2024', prefix: 'raw/2024/' },
      { label: 'jan', prefix: 'raw/2024/jan/' },
    ]);
  });

  it('finds parents and last segments of keys and folders', () => {
    expect(parentOf('a/b/c.txt')).toBe('a/b/');
    expect(parentOf('a/b/')).toBe('a/');
    expect(parentOf('a/')).toBe('');
    expect(parentOf('c.txt')).toBe('');
    expect(baseName('a/b/c.txt')).toBe('c.txt');
    expect(baseName('a/b/')).toBe('b');
    expect(formatLocation('bucket-b', 'raw/')).toBe('s3://bucket-b/raw/');
  });

  it('normalizes a typed destination folder', () => {
    expect(normalizeFolder('')).toBe('');
    expect(normalizeFolder(' reports ')).toBe('reports/');
    expect(normalizeFolder('/reports/2024//')).toBe('reports/2024/');
  });
});
