import { waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ListingPage_Serialize } from '$lib/bindings';
import type { FakeChannel } from '../../test/channel';
import { answer, callsOf, deferred } from '../../test/ipc';
import { Listing } from './listing.svelte';
import { DEFAULT_SORT } from './rows';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const obj = (key: string) => ({ key, size: 1, last_modified: null, storage_class: null, etag: null });

let channel: FakeChannel<ListingPage_Serialize>;
let answerWith: ReturnType<typeof deferred<unknown>>;

beforeEach(() => {
  answerWith = deferred<unknown>();
  answer({
    list_objects: (a: Record<string, unknown> | undefined) => {
      channel = a?.pages as FakeChannel<ListingPage_Serialize>;
      return answerWith.promise;
    },
    cancel_operation: true,
  });
});

function start() {
  const l = new Listing({ connectionId: 'c1', bucket: 'b', prefix: '', recursive: false }, DEFAULT_SORT);
  void l.start();
  return l;
}

describe('Listing', () => {
  it('merges pages into sorted rows, the first one at once', async () => {
    const l = start();
    await waitFor(() => expect(channel).toBeDefined());
    channel.send({ folders: [], objects: [obj('m'), obj('c')], next: 'x' });
    expect(l.started).toBe(true);
    expect(l.rows.map((r) => r.key)).toEqual(['c', 'm']);
    channel.send({ folders: ['z/'], objects: [obj('a')], next: null });
    answerWith.resolve(3);
    await waitFor(() => expect(l.status).toBe('done'));
    expect(l.rows.map((r) => r.key)).toEqual(['z/', 'a', 'c', 'm']);
  });

  it('waits for pages that arrive after the answer', async () => {
    const l = start();
    await waitFor(() => expect(channel).toBeDefined());
    channel.send({ folders: [], objects: [obj('a')], next: 'x' });
    answerWith.resolve(2);
    await new Promise((r) => setTimeout(r, 10));
    expect(l.status).toBe('loading');
    channel.send({ folders: ['only-folders/'], objects: [obj('b')], next: null });
    await waitFor(() => expect(l.status).toBe('done'));
    expect(l.rows.map((r) => r.key)).toEqual(['only-folders/', 'a', 'b']);
  });

  it('cancels through the engine and drops later pages', async () => {
    const l = start();
    await waitFor(() => expect(channel).toBeDefined());
    channel.send({ folders: [], objects: [obj('a')], next: 'x' });
    await l.cancel();
    expect(l.status).toBe('cancelled');
    expect(callsOf('cancel_operation')).toHaveLength(1);
    channel.send({ folders: [], objects: [obj('b')], next: null });
    await new Promise((r) => setTimeout(r, 150));
    expect(l.rows.map((r) => r.key)).toEqual(['a']);
  });
});

describe('Listing sort', () => {
  it('re-sorts, and comes back to name order from a kept copy', async () => {
    const l = start();
    await waitFor(() => expect(channel).toBeDefined());
    channel.send({ folders: ['f/'], objects: [{ ...obj('b'), size: 1 }, { ...obj('a'), size: 3 }, { ...obj('c'), size: 2 }], next: null });
    answerWith.resolve(3);
    await waitFor(() => expect(l.status).toBe('done'));
    const byName = l.rows;
    l.resort({ column: 'size', descending: true });
    expect(l.rows.map((r) => r.key)).toEqual(['f/', 'a', 'c', 'b']);
    l.resort({ column: 'name', descending: false });
    expect(l.rows).toBe(byName);
    l.resort({ column: 'name', descending: true });
    expect(l.rows.map((r) => r.key)).toEqual(['f/', 'c', 'b', 'a']);
    l.resort({ column: 'modified', descending: false });
    l.resort({ column: 'name', descending: false });
    expect(l.rows.map((r) => r.key)).toEqual(['f/', 'a', 'b', 'c']);
  });
});
