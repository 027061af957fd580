// The layout of src/lib by domain (issue #11). Each domain folder holds its own components and
// modules and imports no other domain: what several domains use lives in shared/, and views/ puts
// the domains together (the app's regions, and the pages and tabs made of several domains). So:
// - a domain imports its own folder, shared/ and bindings.ts (generated, it stays at the top);
// - shared/ imports only shared/ and bindings.ts;
// - views/ may import anything, and nothing in lib imports views/ but views/ itself;
// - a file crosses folders by `$lib/…`, not by `../`.
// The sources are read as text: an import is any `from '…'`, `import '…'`, `import('…')` or
// `vi.mock('…')` naming a path, in components, modules and tests alike.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DOMAINS = ['connections', 'buckets', 'governance', 'tags', 'objects', 'uploads', 'sharing'] as const;
const FOLDERS: readonly string[] = [...DOMAINS, 'shared', 'views'];
/** The only files at the top of lib. */
const TOP_FILES = ['bindings.ts', 'layout.test.ts'];

/**
 * Imports across domains that stay, as `importer -> imported` (paths below lib, as written on disk),
 * each with why it can't move. Every entry must still be needed.
 */
const ALLOWED: Readonly<Record<string, string>> = {
  'connections/ConnectionForm.svelte -> tags/RequiredTagsEditor.svelte':
    'the connection dialog edits the connection-wide required upload tags in place (the same editor the bucket overview shows for one bucket)',
};

/** This folder, ending with a separator. */
const LIB = fileURLToPath(import.meta.url).replace(/layout\.test\.ts$/, '');

interface Import {
  from: string;
  /** The imported file below lib, as the specifier names it (`.svelte` kept, `.ts` left off). */
  to: string;
  spec: string;
}

const files = readdirSync(LIB, { recursive: true })
  .map((p) => p.replaceAll('\\', '/'))
  .filter((p) => /\.(ts|svelte)$/.test(p))
  .sort();

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(?\s*|\bvi\.mock\(\s*)(['"])((?:\.{1,2}\/|\$lib\/)[^'"]*)\1/g;

/** `a/./b/../c` as `a/c`; null when it climbs out of lib. */
function normalize(path: string): string | null {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.pop() === undefined) return null;
  }
  return out.join('/');
}

function importsOf(file: string): Import[] {
  const text = readFileSync(LIB + file, 'utf8');
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const found: Import[] = [];
  for (const [, , spec] of text.matchAll(SPECIFIER)) {
    const to = spec.startsWith('$lib/') ? normalize(spec.slice('$lib/'.length)) : normalize(dir + spec);
    // Outside lib: the test helpers in src/test.
    if (to !== null) found.push({ from: file, to, spec });
  }
  return found;
}

const imports = files.flatMap(importsOf);

/** The folder a path below lib is in; '' at the top. */
const folderOf = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '');
const isDomain = (folder: string) => (DOMAINS as readonly string[]).includes(folder);
/** The file an import names, as it is on disk (`./x` names x.ts, `./x.svelte` x.svelte or x.svelte.ts). */
const fileOf = (to: string) => (files.includes(to) ? to : `${to}.ts`);
const edge = (i: Import) => `${i.from} -> ${fileOf(i.to)}`;

describe('src/lib layout', () => {
  it('reads the imports of every file', () => {
    // A guard on the reading itself: a pattern that matched nothing would pass every rule below.
    expect(files.length).toBeGreaterThan(100);
    expect(imports).toContainEqual({ from: 'views/MainArea.svelte', to: 'buckets/BucketList.svelte', spec: '$lib/buckets/BucketList.svelte' });
    expect(imports).toContainEqual({ from: 'objects/rows.ts', to: 'bindings', spec: '$lib/bindings' });
  });

  it('keeps every file in a domain folder, shared/ or views/ (only bindings.ts at the top)', () => {
    const stray = files.filter((f) => (folderOf(f) === '' ? !TOP_FILES.includes(f) : !FOLDERS.includes(folderOf(f))));
    expect(stray).toEqual([]);
  });

  it('names only files that exist', () => {
    const missing = imports.filter((i) => !files.includes(fileOf(i.to))).map((i) => `${i.from}: ${i.spec}`);
    expect(missing).toEqual([]);
  });

  it('imports no other domain from a domain', () => {
    const crossing = imports
      .filter((i) => isDomain(folderOf(i.from)) && isDomain(folderOf(i.to)) && folderOf(i.from) !== folderOf(i.to))
      .map(edge);
    expect(crossing.filter((e) => !(e in ALLOWED))).toEqual([]);
    // An allowance nothing uses any more goes.
    expect(Object.keys(ALLOWED).filter((e) => !crossing.includes(e))).toEqual([]);
  });

  it('imports neither a domain nor views/ from shared/', () => {
    const wrong = imports.filter((i) => folderOf(i.from) === 'shared' && !['shared', ''].includes(folderOf(i.to))).map(edge);
    expect(wrong).toEqual([]);
  });

  it('imports views/ only from views/', () => {
    const wrong = imports.filter((i) => folderOf(i.to) === 'views' && folderOf(i.from) !== 'views').map(edge);
    expect(wrong).toEqual([]);
  });

  it('crosses folders by $lib/, not by ../', () => {
    const relative = imports.filter((i) => i.spec.startsWith('../')).map((i) => `${i.from}: ${i.spec}`);
    expect(relative).toEqual([]);
  });
});
