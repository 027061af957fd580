import { describe, expect, it } from 'vitest';
import type { ObjectProperties_Serialize } from '$lib/bindings';
import { editRows } from '$lib/shared/keyValueRows';
import { draftOf, metadataEdit, metadataRowProblems, metadataSizeProblem, storageClassChoices, STORAGE_CLASSES } from './metadataEdit';

const PROPS: ObjectProperties_Serialize = {
  key: 'a.csv',
  size: 1,
  etag: null,
  content_type: 'text/csv',
  cache_control: null,
  content_disposition: null,
  content_encoding: null,
  storage_class: null,
  encryption: null,
  kms_key_id: null,
  customer_key: null,
  version_id: null,
  last_modified: null,
  checksums: [],
  metadata: [
    ['a', '1'],
    ['b', '2'],
  ],
};

describe('metadataEdit', () => {
  it('sends nothing when nothing changed (a missing class is STANDARD, spaces around a header are not a change)', () => {
    const draft = draftOf(PROPS);
    expect(draft.storageClass).toBe('STANDARD');
    draft.content_type = ' text/csv ';
    expect(metadataEdit(PROPS, draft)).toEqual({});
  });

  it('sends each changed header, an emptied one as ""', () => {
    const draft = { ...draftOf(PROPS), content_type: '', cache_control: 'no-store' };
    expect(metadataEdit(PROPS, draft)).toEqual({ content_type: '', cache_control: 'no-store' });
  });

  it('sends the whole metadata set when it differs, not when only the order does', () => {
    expect(metadataEdit(PROPS, { ...draftOf(PROPS), rows: editRows([['b', '2'], ['a', '1']]) })).toEqual({});
    expect(metadataEdit(PROPS, { ...draftOf(PROPS), rows: editRows([['a', '1'], ['', '']]) })).toEqual({ metadata: [['a', '1']] });
    expect(metadataEdit(PROPS, { ...draftOf(PROPS), rows: [] })).toEqual({ metadata: [] });
  });

  it('sends the storage class only when another is chosen', () => {
    expect(metadataEdit(PROPS, { ...draftOf(PROPS), storageClass: 'GLACIER_IR' })).toEqual({ storage_class: 'GLACIER_IR' });
  });
});

describe('metadata rules', () => {
  it('allows letters, digits, hyphens and underscores in names; flags each bad row in place', () => {
    const problems = metadataRowProblems(editRows([['ok_1-A', 'x'], ['', ''], ['a b', 'x'], ['OK_1-a', 'y'], ['', 'orphan'], ['v', 'line\nbreak']]));
    expect(problems).toEqual([
      { key: null, value: null },
      { key: null, value: null },
      { key: 'Metadata names may use letters, digits, hyphens and underscores; “a b” doesn\'t fit.', value: null },
      { key: '“OK_1-a” appears twice (names are stored in lower case).', value: null },
      { key: "Metadata names can't be empty.", value: null },
      { key: null, value: "Metadata values can't contain line breaks or other control characters." },
    ]);
  });

  it('refuses more than 2 KB of names and values', () => {
    expect(metadataSizeProblem(editRows([['k', 'v'.repeat(2047)]]))).toBeNull();
    expect(metadataSizeProblem(editRows([['k', 'ü'.repeat(1024)]]))).toBe(
      'User metadata can be at most 2 KB in all (names and values); this is 2,049 bytes.',
    );
  });

  it('keeps a class it does not know selectable', () => {
    expect(storageClassChoices('GLACIER')).toEqual([...STORAGE_CLASSES]);
    expect(storageClassChoices('EXPRESS_ONEZONE')).toEqual(['EXPRESS_ONEZONE', ...STORAGE_CLASSES]);
  });
});
