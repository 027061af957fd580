import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import BucketTags from './BucketTags.svelte';
import type { Tag } from '$lib/bindings';
import { answer, callsOf, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

let stored: Tag[] = [];

function setup() {
  render(BucketTags, { props: { connectionId: 'c1', bucket: 'bucket-b' } });
}

const state = () => screen.getByTestId('bucket-tags').dataset.state;
const keys = () => screen.getAllByTestId<HTMLInputElement>('bucket-tags-key');
const values = () => screen.getAllByTestId<HTMLInputElement>('bucket-tags-value');

beforeEach(() => {
  stored = [{ key: 'project', value: 'apollo' }];
  answer({
    bucket_tags: () => stored,
    set_bucket_tags: (a: unknown) => {
      stored = (a as { tags: Tag[] }).tags;
      return null;
    },
  });
});

describe('BucketTags', () => {
  it('shows the tags, edits them and saves the whole set', async () => {
    setup();
    await waitFor(() => expect(state()).toBe('ready'));
    expect(screen.getByTestId('bucket-tag-item')).toHaveTextContent('projectapollo');
    await fireEvent.click(screen.getByTestId('bucket-tags-edit'));
    await fireEvent.click(screen.getByTestId('bucket-tags-add'));
    await fireEvent.input(keys()[1], { target: { value: 'cost center' } });
    await fireEvent.input(values()[1], { target: { value: '4711' } });
    await fireEvent.click(screen.getByTestId('bucket-tags-save'));
    await waitFor(() => expect(state()).toBe('ready'));
    expect(callsOf('set_bucket_tags')).toEqual([
      {
        connectionId: 'c1',
        bucket: 'bucket-b',
        tags: [
          { key: 'project', value: 'apollo' },
          { key: 'cost center', value: '4711' },
        ],
      },
    ]);
    expect(screen.getAllByTestId('bucket-tag-item')).toHaveLength(2);
  });

  it('removes every tag with an empty set', async () => {
    setup();
    await waitFor(() => expect(state()).toBe('ready'));
    await fireEvent.click(screen.getByTestId('bucket-tags-edit'));
    await fireEvent.click(screen.getByRole('button', { name: 'Remove tag 1' }));
    expect(screen.getByTestId('bucket-tags')).toHaveTextContent('No tags: saving removes every tag from the bucket.');
    await fireEvent.click(screen.getByTestId('bucket-tags-save'));
    await waitFor(() => expect(state()).toBe('ready'));
    expect(callsOf('set_bucket_tags')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', tags: [] }]);
    expect(screen.getByTestId('bucket-tags')).toHaveTextContent('No tags.');
  });

  it('refuses broken tags under their field, stops adding at 50 and refuses 51', async () => {
    stored = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    setup();
    await waitFor(() => expect(state()).toBe('ready'));
    await fireEvent.click(screen.getByTestId('bucket-tags-edit'));
    expect(screen.getByTestId('bucket-tags-add')).toBeDisabled();
    await fireEvent.input(keys()[0], { target: { value: 'aws:cost' } });
    await fireEvent.click(screen.getByTestId('bucket-tags-save'));
    expect(screen.getByTestId('bucket-tags-count-error')).toHaveTextContent('A bucket can have at most 50 tags; there are 51.');
    expect(keys()[0]).toHaveAttribute('aria-invalid', 'true');
    expect(keys()[0]).toHaveAccessibleDescription('Tag key "aws:cost" can\'t start with "aws:": AWS reserves it.');
    expect(callsOf('set_bucket_tags')).toEqual([]);

    await fireEvent.click(screen.getByRole('button', { name: 'Remove tag 1' }));
    expect(screen.queryByTestId('bucket-tags-count-error')).toBeNull();
    await fireEvent.input(keys()[0], { target: { value: 'cost' } });
    expect(screen.getByTestId('bucket-tags-limit')).toHaveTextContent('A bucket can have at most 50 tags.');
    await fireEvent.click(screen.getByTestId('bucket-tags-save'));
    await waitFor(() => expect(callsOf('set_bucket_tags')).toHaveLength(1));
    expect((callsOf('set_bucket_tags')[0] as { tags: Tag[] }).tags).toHaveLength(50);
  });

  it('says plainly when the storage has no bucket tags', async () => {
    answer({ bucket_tags: engineError('unsupported', 'GetBucketTagging is not implemented.') });
    setup();
    expect(await screen.findByTestId('bucket-tags-unsupported')).toHaveTextContent('This storage does not support bucket tags.');
    expect(screen.queryByTestId('bucket-tags-edit')).toBeNull();
  });
});
