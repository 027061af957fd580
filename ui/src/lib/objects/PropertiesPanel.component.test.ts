import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import PropertiesPanel from './PropertiesPanel.svelte';
import type { ObjectProperties_Serialize, Tag } from '$lib/bindings';
import { answer, callsOf, engineError } from '../../test/ipc';
import { rowsOfPage } from './rows';
import { columns } from '../../test/listing';

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
  customer_key: null,
  version_id: null,
  last_modified: '2025-07-01T10:00:00Z',
  checksums: [],
  metadata: [],
};

const file = () =>
  rowsOfPage(columns([], [{ key: KEY, size: 1000, last_modified: '2025-07-01T10:00:00Z', storage_class: 'STANDARD' }]), 'raw/', false);

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

describe('PropertiesPanel metadata', () => {
  /** What the fake storage holds; `edit_metadata` applies the fields sent, as the engine does. */
  let current: ObjectProperties_Serialize;

  beforeEach(() => {
    current = {
      ...PROPS,
      cache_control: 'no-cache',
      metadata: [
        ['owner', 'ana'],
        ['source', 'warehouse'],
      ],
    };
    answer({
      object_properties: () => ({ ...current }),
      object_tags: [],
      edit_metadata: (a: unknown) => {
        const { edit } = a as { edit: Record<string, unknown> };
        current = { ...current, ...edit, etag: '"new"', last_modified: '2025-07-02T09:00:00Z' } as ObjectProperties_Serialize;
        return null;
      },
    });
  });

  const section = () => screen.getByTestId('metadata');
  const input = (field: string) => screen.getByTestId<HTMLInputElement>(`metadata-${field}`);
  const storageClass = () => screen.getByTestId<HTMLSelectElement>('metadata-storage-class');
  const names = () => screen.getAllByTestId<HTMLInputElement>('metadata-entry-key');
  const values = () => screen.getAllByTestId<HTMLInputElement>('metadata-entry-value');

  async function startEditing(onedited = vi.fn()) {
    render(PropertiesPanel, {
      props: { connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/', total: 1, selected: file(), generation: 0, onshare: () => {}, onclose: () => {}, onedited },
    });
    await fireEvent.click(await screen.findByTestId('metadata-edit'));
    await waitFor(() => expect(document.activeElement).toBe(input('content_type')));
    return onedited;
  }

  it('shows the headers, storage class and user metadata, then edits them with the warning before Save', async () => {
    render(PropertiesPanel, {
      props: { connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/', total: 1, selected: file(), generation: 0, onshare: () => {}, onclose: () => {} },
    });
    await waitFor(() => expect(section()).toHaveTextContent('Content type text/csv'));
    expect(section()).toHaveTextContent('Storage class STANDARD');
    expect(section()).toHaveTextContent('Cache control no-cache');
    expect(screen.getByTestId('properties-metadata')).toHaveTextContent('owneranasourcewarehouse');

    await fireEvent.click(screen.getByTestId('metadata-edit'));
    expect(input('content_type').value).toBe('text/csv');
    expect(storageClass().value).toBe('STANDARD');
    expect(names().map((n) => n.value)).toEqual(['owner', 'source']);
    expect(screen.getByTestId('metadata-warning')).toHaveTextContent(
      'Saving rewrites the object in place with a server-side copy: its tags, storage class and encryption are kept, but its ETag and last-modified time change.',
    );
  });

  it('warns before moving an object into an archive class', async () => {
    await startEditing();
    expect(screen.queryByTestId('metadata-archive-warning')).toBeNull();
    await fireEvent.change(storageClass(), { target: { value: 'DEEP_ARCHIVE' } });
    expect(screen.getByTestId('metadata-archive-warning')).toHaveTextContent("can't be previewed, downloaded or copied until it is restored, which takes up to 48 hours");
    await fireEvent.change(storageClass(), { target: { value: 'GLACIER_IR' } });
    expect(screen.queryByTestId('metadata-archive-warning')).toBeNull();
  });

  it('sends only the fields that changed, then reads the properties again', async () => {
    const onedited = await startEditing();
    await fireEvent.input(input('cache_control'), { target: { value: 'max-age=3600' } });
    await fireEvent.input(input('content_disposition'), { target: { value: 'attachment' } });
    await fireEvent.change(storageClass(), { target: { value: 'STANDARD_IA' } });
    expect(screen.getByTestId('metadata-warning')).toHaveTextContent('its tags and encryption are kept, but its ETag and last-modified time change.');
    await fireEvent.click(screen.getByTestId('metadata-save'));

    await waitFor(() => expect(section()).toHaveAttribute('data-state', 'ready'));
    expect(callsOf('edit_metadata')).toEqual([
      { connectionId: 'c1', bucket: 'bucket-b', key: KEY, edit: { cache_control: 'max-age=3600', content_disposition: 'attachment', storage_class: 'STANDARD_IA' } },
    ]);
    expect(callsOf('object_properties')).toHaveLength(2);
    await waitFor(() => expect(section()).toHaveTextContent('Storage class STANDARD_IA'));
    expect(section()).toHaveTextContent('Cache control max-age=3600');
    expect(screen.getByTestId('properties')).toHaveTextContent('ETag "new"');
    expect(onedited).toHaveBeenCalledWith(expect.objectContaining({ key: KEY, storage_class: 'STANDARD_IA', etag: '"new"' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('metadata-edit')));
  });

  it('sends the complete set of user metadata when an entry changes, and "" for a header emptied', async () => {
    await startEditing();
    await fireEvent.click(within(section()).getByRole('button', { name: 'Remove entry 1' }));
    await fireEvent.click(screen.getByTestId('metadata-entry-add'));
    await fireEvent.input(names()[1], { target: { value: ' Project-ID ' } });
    await fireEvent.input(values()[1], { target: { value: 'apollo 11' } });
    await fireEvent.input(input('content_type'), { target: { value: '' } });
    await fireEvent.click(screen.getByTestId('metadata-save'));

    await waitFor(() => expect(callsOf('edit_metadata')).toHaveLength(1));
    expect((callsOf('edit_metadata')[0] as { edit: unknown }).edit).toEqual({
      content_type: '',
      metadata: [
        ['source', 'warehouse'],
        ['Project-ID', 'apollo 11'],
      ],
    });
  });

  it('refuses a bad metadata name under its field, before any request', async () => {
    await startEditing();
    await fireEvent.click(screen.getByTestId('metadata-entry-add'));
    await fireEvent.input(names()[2], { target: { value: 'cost.center' } });
    await fireEvent.input(values()[2], { target: { value: '4711' } });
    await fireEvent.click(screen.getByTestId('metadata-save'));

    const error = screen.getByTestId('metadata-entry-error');
    expect(error).toHaveTextContent('Metadata names may use letters, digits, hyphens and underscores; “cost.center” doesn\'t fit.');
    expect(error).toHaveAttribute('data-field', 'key');
    expect(names()[2]).toHaveAttribute('aria-invalid', 'true');
    await waitFor(() => expect(document.activeElement).toBe(names()[2]));
    expect(callsOf('edit_metadata')).toEqual([]);

    // A name S3 would merge with another (it stores names in lower case) is refused too.
    await fireEvent.input(names()[2], { target: { value: 'Owner' } });
    await fireEvent.click(screen.getByTestId('metadata-save'));
    expect(screen.getByTestId('metadata-entry-error')).toHaveTextContent('“Owner” appears twice (names are stored in lower case).');
    expect(callsOf('edit_metadata')).toEqual([]);
  });

  it('sends nothing when nothing changed, and Escape leaves the editor', async () => {
    await startEditing();
    await fireEvent.click(screen.getByTestId('metadata-save'));
    expect(section()).toHaveAttribute('data-state', 'ready');
    await fireEvent.click(screen.getByTestId('metadata-edit'));
    await fireEvent.input(input('cache_control'), { target: { value: 'changed' } });
    await fireEvent.keyDown(input('cache_control'), { key: 'Escape' });
    expect(section()).toHaveAttribute('data-state', 'ready');
    expect(section()).toHaveTextContent('Cache control no-cache');
    expect(callsOf('edit_metadata')).toEqual([]);
  });

  it('keeps a storage class it does not know selectable, and leaves it alone unless changed', async () => {
    current = { ...current, storage_class: 'EXPRESS_ONEZONE' };
    await startEditing();
    expect(storageClass().value).toBe('EXPRESS_ONEZONE');
    expect([...storageClass().options].map((o) => o.value)).toEqual([
      'EXPRESS_ONEZONE',
      'STANDARD',
      'STANDARD_IA',
      'ONEZONE_IA',
      'INTELLIGENT_TIERING',
      'GLACIER_IR',
      'GLACIER',
      'DEEP_ARCHIVE',
      'REDUCED_REDUNDANCY',
    ]);
    await fireEvent.input(input('content_encoding'), { target: { value: 'gzip' } });
    await fireEvent.click(screen.getByTestId('metadata-save'));
    await waitFor(() => expect(callsOf('edit_metadata')).toHaveLength(1));
    expect((callsOf('edit_metadata')[0] as { edit: unknown }).edit).toEqual({ content_encoding: 'gzip' });
  });

  it('shows a failed save in the panel in plain words, keeping what was typed', async () => {
    answer({
      object_properties: () => ({ ...current }),
      object_tags: [],
      edit_metadata: engineError('access_denied', "You don't have permission to rewrite this object.", 'AccessDenied (HTTP 403)'),
    });
    await startEditing();
    await fireEvent.input(input('cache_control'), { target: { value: 'max-age=60' } });
    await fireEvent.click(screen.getByTestId('metadata-save'));
    const error = await screen.findByTestId('metadata-save-error');
    expect(error).toHaveTextContent("You don't have permission to rewrite this object.");
    expect(error).toHaveAttribute('data-code', 'access_denied');
    expect(input('cache_control').value).toBe('max-age=60');
    expect(callsOf('object_properties')).toHaveLength(1);
  });
});
