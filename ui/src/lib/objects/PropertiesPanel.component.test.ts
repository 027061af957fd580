import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import PropertiesPanel from './PropertiesPanel.svelte';
import type { ObjectProperties_Serialize, Tag } from '../bindings';
import { answer, callsOf, engineError } from '../../test/ipc';
import { rowsOfPage } from './rows';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const KEY = 'raw/b.csv';
const PROPS: ObjectProperties_Serialize = {
  key: KEY,
  size: 1000,
  etag: '"abc"',
  content_type: 'text/csv',
  cache_control: null,
  content_disposition: null,
  content_encoding: null,
  storage_class: 'STANDARD',
  encryption: null,
  kms_key_id: null,
  version_id: null,
  last_modified: '2025-07-01T10:00:00Z',
  checksums: [],
  metadata: [],
};

const file = () =>
  rowsOfPage({ folders: [], objects: [{ key: KEY, size: 1000, last_modified: '2025-07-01T10:00:00Z', storage_class: 'STANDARD', etag: '"abc"' }], next: null }, 'raw/', false);

/** The tags the fake storage holds; `set_object_tags` replaces them, as S3 does. */
let stored: Tag[] = [];

function setup() {
  return render(PropertiesPanel, {
    props: { connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/', total: 1, selected: file(), generation: 0, onshare: () => {}, onclose: () => {} },
  });
}

const shown = () => screen.queryAllByTestId('tag').map((t) => [t.dataset.key, t.dataset.value]);
const keyInputs = () => screen.getAllByTestId<HTMLInputElement>('tag-key');
const valueInputs = () => screen.getAllByTestId<HTMLInputElement>('tag-value');

beforeEach(() => {
  stored = [
    { key: 'team', value: 'data' },
    { key: 'env', value: 'prod' },
  ];
  answer({
    object_properties: PROPS,
    object_tags: () => stored.map((t) => ({ ...t })),
    set_object_tags: (a: unknown) => {
      stored = (a as { tags: Tag[] }).tags;
      return null;
    },
  });
});

describe('PropertiesPanel tags', () => {
  it("shows a file's tags as key/value rows", async () => {
    setup();
    await waitFor(() => expect(shown()).toEqual([['team', 'data'], ['env', 'prod']]));
    expect(screen.getByTestId('tags')).toHaveTextContent('teamdata');
    expect(callsOf('object_tags')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', key: KEY }]);
  });

  it('adds a tag and saves the whole set, then shows what the storage holds', async () => {
    setup();
    await fireEvent.click(await screen.findByTestId('tags-edit'));
    expect(keyInputs().map((i) => i.value)).toEqual(['team', 'env']);
    await waitFor(() => expect(document.activeElement).toBe(keyInputs()[0]));

    await fireEvent.click(screen.getByTestId('tag-add'));
    await waitFor(() => expect(document.activeElement).toBe(keyInputs()[2]));
    await fireEvent.input(keyInputs()[2], { target: { value: 'owner' } });
    await fireEvent.input(valueInputs()[2], { target: { value: 'ana@example.com' } });
    // The first tag is removed with its button.
    await fireEvent.click(within(screen.getByTestId('tags')).getByRole('button', { name: 'Remove tag 1' }));
    await fireEvent.click(screen.getByTestId('tags-save'));

    await waitFor(() => expect(shown()).toEqual([['env', 'prod'], ['owner', 'ana@example.com']]));
    expect(callsOf('set_object_tags')).toEqual([
      {
        connectionId: 'c1',
        bucket: 'bucket-b',
        key: KEY,
        tags: [
          { key: 'env', value: 'prod' },
          { key: 'owner', value: 'ana@example.com' },
        ],
      },
    ]);
    expect(callsOf('object_tags')).toHaveLength(2);
    expect(screen.queryByTestId('tag-key')).toBeNull();
  });

  it('refuses a key starting with aws: without any request, naming the rule', async () => {
    setup();
    await fireEvent.click(await screen.findByTestId('tags-edit'));
    await fireEvent.click(screen.getByTestId('tag-add'));
    await fireEvent.input(keyInputs()[2], { target: { value: 'AWS:cost' } });
    await fireEvent.input(valueInputs()[2], { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('tags-save'));

    expect(screen.getByTestId('tags-error')).toHaveTextContent('Tag key "AWS:cost" can\'t start with "aws:": AWS reserves it.');
    expect(callsOf('set_object_tags')).toEqual([]);

    // Cancel leaves the tags as they were.
    await fireEvent.click(screen.getByTestId('tags-cancel'));
    expect(screen.queryByTestId('tag-key')).toBeNull();
    expect(shown()).toEqual([['team', 'data'], ['env', 'prod']]);
    expect(callsOf('set_object_tags')).toEqual([]);
  });

  it('says so in place, with no editor, where the storage has no tagging', async () => {
    answer({ object_properties: PROPS, object_tags: engineError('unsupported', 'This storage does not support object tags.') });
    setup();
    const section = await screen.findByTestId('tags');
    await waitFor(() => expect(section).toHaveTextContent('This storage does not support object tags.'));
    expect(screen.queryByTestId('tags-edit')).toBeNull();
    expect(screen.queryByTestId('tag')).toBeNull();
    expect(screen.queryByTestId('properties-error')).toBeNull();
  });
});
