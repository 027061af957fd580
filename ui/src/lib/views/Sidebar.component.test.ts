import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { SvelteSet } from 'svelte/reactivity';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Sidebar from './Sidebar.svelte';
import { BucketLists } from '$lib/buckets/buckets.svelte';
import type { Selection } from './selection';
import { answer, callsOf, connection, deferred, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const aws = connection({ id: 'c1', name: 'AWS prod' });
const garage = connection({ id: 'c2', name: 'Garage', endpoint: { kind: 'custom', url: 'http://127.0.0.1:3900' } });

function setup(selection: Selection | null = null) {
  const onselect = vi.fn();
  const onadd = vi.fn();
  const expanded = new SvelteSet<string>();
  const buckets = new BucketLists();
  const result = render(Sidebar, {
    props: { connections: [aws, garage], buckets, expanded, selection, onselect, onadd },
  });
  return { ...result, onselect, onadd, expanded, buckets };
}

function row(testid: 'connection' | 'bucket', name: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-testid="${testid}"][data-name="${name}"]`);
  if (!el) throw new Error(`no ${testid} row ${name}`);
  return el;
}

beforeEach(() => {
  answer({
    list_buckets: (args: Record<string, unknown> | undefined) =>
      args?.connectionId === 'c2'
        ? [
            { name: 'photos', created: null, region: null },
            { name: 'backups', created: null, region: null },
          ]
        : [],
  });
});

describe('Sidebar', () => {
  it('is a tree of connections with one row in the tab order', () => {
    setup();
    const tree = screen.getByRole('tree', { name: 'Connections' });
    const items = within(tree).getAllByRole('treeitem');
    expect(items.map((i) => i.dataset.name)).toEqual(['AWS prod', 'Garage']);
    expect(items.map((i) => i.tabIndex)).toEqual([0, -1]);
    expect(items[0]).toHaveAttribute('aria-expanded', 'false');
    expect(items[0]).toHaveAttribute('aria-selected', 'false');
  });

  it('moves with Down, expands with Right (loading buckets), enters with Right, selects with Enter', async () => {
    const { onselect } = setup();
    row('connection', 'AWS prod').focus();

    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(row('connection', 'Garage'));
    expect(row('connection', 'Garage').tabIndex).toBe(0);
    expect(row('connection', 'AWS prod').tabIndex).toBe(-1);

    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(row('connection', 'Garage')).toHaveAttribute('aria-expanded', 'true');
    await waitFor(() => expect(callsOf('list_buckets')).toEqual([{ connectionId: 'c2' }]));
    // Sorted by name.
    await waitFor(() =>
      expect(screen.getAllByTestId('bucket').map((b) => b.dataset.name)).toEqual(['backups', 'photos']),
    );

    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(row('bucket', 'backups'));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(row('bucket', 'photos'));

    await fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    expect(onselect).toHaveBeenCalledWith({ connectionId: 'c2', bucket: 'photos' });

    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(row('connection', 'Garage'));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' });
    expect(row('connection', 'Garage')).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryAllByTestId('bucket')).toEqual([]);

    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    await fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    expect(onselect).toHaveBeenLastCalledWith({ connectionId: 'c1', bucket: null });
  });

  it('marks the selected row and puts it in the tab order', () => {
    setup({ connectionId: 'c2', bucket: null });
    expect(row('connection', 'Garage')).toHaveAttribute('aria-selected', 'true');
    expect(row('connection', 'Garage').tabIndex).toBe(0);
    expect(row('connection', 'AWS prod')).toHaveAttribute('aria-selected', 'false');
  });

  it('shows loading in place, then the empty state', async () => {
    const answerLater = deferred<unknown[]>();
    answer({ list_buckets: () => answerLater.promise });
    const { expanded } = setup();
    expanded.add('c1');
    expect(await screen.findByText('Loading buckets…')).toBeInTheDocument();
    answerLater.resolve([]);
    const empty = await screen.findByTestId('no-buckets');
    expect(empty).toHaveTextContent('No buckets yet on this connection');
  });

  it('shows a listing error under the connection, with Retry', async () => {
    let fail = true;
    answer({
      list_buckets: () =>
        fail ? engineError('unreachable', 'Nothing answered at 127.0.0.1:3900.') : [{ name: 'photos', created: null, region: null }],
    });
    setup();
    await fireEvent.click(row('connection', 'Garage').querySelector('.twisty')!);
    expect(await screen.findByText('Nothing answered at 127.0.0.1:3900.')).toBeInTheDocument();
    fail = false;
    await fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('bucket')).toHaveAttribute('data-name', 'photos');
    expect(callsOf('list_buckets')).toHaveLength(2);
  });

  it('selects on click and adds with the + Connection button', async () => {
    const { onselect, onadd } = setup();
    await fireEvent.click(row('connection', 'AWS prod'));
    expect(onselect).toHaveBeenCalledWith({ connectionId: 'c1', bucket: null });
    await fireEvent.click(screen.getByTestId('add-connection'));
    expect(onadd).toHaveBeenCalledOnce();
  });
});
