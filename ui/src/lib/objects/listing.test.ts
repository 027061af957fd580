import { waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ListingColumns } from '$lib/bindings';
import type { FakeChannel } from '../../test/channel';
import { answer, callsOf, deferred } from '../../test/ipc';
import { columns } from '../../test/listing';
import { Listing } from './listing.svelte';
import { DEFAULT_SORT } from './rows';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const obj = (key: string) => ({ key, size: 1, last_modified: null, storage_class: null });

let channel: FakeChannel<ListingColumns>;
let answerWith: ReturnType<typeof deferred<unknown>>;

beforeEach(() => {
  answerWith = deferred<unknown>();
  answer({
    list_objects: (a: Record<string, unknown> | undefined) => {
      channel = a?.pages as FakeChannel<ListingColumns>;
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
    channel.send(columns([], [obj('m'), obj('c')]));
    expect(l.started).toBe(true);
    expect(l.rows.map((r) => r.key)).toEqual(['c', 'm']);
    channel.send(columns(['z/'], [obj('a')]));
    answerWith.resolve(3);
    await waitFor(() => expect(l.status).toBe('done'));
    expect(l.rows.map((r) => r.key)).toEqual(['z/', 'a', 'c', 'm']);
  });

  it('waits for pages that arrive after the answer', async () => {
    const l = start();
    await waitFor(() => expect(channel).toBeDefined());
    channel.send(columns([], [obj('a')]));
    answerWith.resolve(2);
    await new Promise((r) => setTimeout(r, 10));
    expect(l.status).toBe('loading');
    channel.send(columns(['only-folders/'], [obj('b')]));
    await waitFor(() => expect(l.status).toBe('done'));
    expect(l.rows.map((r) => r.key)).toEqual(['only-folders/', 'a', 'b']);
  });

  it('cancels through the engine and drops later pages', async () => {
    const l = start();
    await waitFor(() => expect(channel).toBeDefined());
    channel.send(columns([], [obj('a')]));
    await l.cancel();
    expect(l.status).toBe('cancelled');
    expect(callsOf('cancel_operation')).toHaveLength(1);
    channel.send(columns([], [obj('b')]));
    await new Promise((r) => setTimeout(r, 150));
    expect(l.rows.map((r) => r.key)).toEqual(['a']);
  });
});

describe('Listing sort', () => {
  it('re-sorts, and comes back to name order from a kept copy', async () => {
    const l = start();
    await waitFor(() => expect(channel).toBeDefined());
    channel.send(columns(['f/'], [{ ...obj('b'), size: 1 }, { ...obj('a'), size: 3 }, { ...obj('c'), size: 2 }]));
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
