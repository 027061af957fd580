import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import BulkTagDialog from './BulkTagDialog.svelte';
import type { BulkTagReport } from '$lib/bindings';
import type { FakeChannel } from '../../test/channel';
import { answer, callsOf, deferred, engineError } from '../../test/ipc';
import { rowsOfPage } from './rows';
import { columns } from '../../test/listing';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const object = (key: string) => ({ key, size: 10, last_modified: null, storage_class: null });
const selection = () =>
  rowsOfPage(columns(['logs/', 'raw/'], [object('a.csv'), object('b.csv'), object('c.csv')]), '', false);

const OK: BulkTagReport = { tagged: 12, failed: [], cancelled: false };

function setup(rows = selection()) {
  const ondone = vi.fn();
  const onclose = vi.fn();
  render(BulkTagDialog, { props: { connectionId: 'c1', bucket: 'bucket-b', rows, ondone, onclose } });
  return { ondone, onclose };
}

const keyInputs = () => screen.getAllByTestId<HTMLInputElement>('bulk-tag-key');
const valueInputs = () => screen.getAllByTestId<HTMLInputElement>('bulk-tag-value');
const errors = () => screen.queryAllByTestId('bulk-tag-error').map((e) => [e.dataset.field, e.dataset.rowIndex ?? null, e.textContent]);

async function typeTag(i: number, key: string, value: string) {
  while (keyInputs().length <= i) await fireEvent.click(screen.getByTestId('bulk-tag-add'));
  await fireEvent.input(keyInputs()[i], { target: { value: key } });
  await fireEvent.input(valueInputs()[i], { target: { value: value } });
}

beforeEach(() => {
  answer({ bulk_tag: OK, cancel_operation: true });
});

describe('BulkTagDialog', () => {
  it('says what the selection stands for, with one line for merge and for replace', async () => {
    setup();
    expect(screen.getByRole('dialog')).toHaveAccessibleName('Tag 5 items');
    expect(screen.getByTestId('bulk-tag-summary')).toHaveTextContent('Tag 3 objects and everything in 2 folders.');
    expect(screen.getByTestId('bulk-tag-mode-merge')).toBeChecked();
    expect(screen.getByRole('radio', { name: /^Merge into existing tags/ }).closest('label')).toHaveTextContent(
      'Merge into existing tags Adds these tags and updates keys already there; other tags stay.',
    );
    expect(screen.getByRole('radio', { name: /^Replace all tags/ }).closest('label')).toHaveTextContent(
      'Replace all tags These become the only tags: every other tag on these objects is removed.',
    );
    await waitFor(() => expect(document.activeElement).toBe(keyInputs()[0]));
  });

  it('refuses bad tags field by field before any request', async () => {
    setup();
    await typeTag(0, 'aws:cost', '12');
    await typeTag(1, 'team', 'data#eng');
    await typeTag(2, 'team', 'ops');
    await fireEvent.input(screen.getByTestId('bulk-tag-remove'), { target: { value: 'old owner, bad!key' } });
    await fireEvent.click(screen.getByTestId('bulk-tag-ok'));

    expect(errors()).toEqual([
      ['key', '0', 'Tag key "aws:cost" can\'t start with "aws:": AWS reserves it.'],
      ['value', '1', 'Tag value "data#eng" contains "#"; tags may use letters, digits, spaces and + - = . _ : / @.'],
      ['key', '2', 'Tag key "team" appears twice; keys must be unique.'],
      ['remove', null, 'Tag key "bad!key" contains "!"; tags may use letters, digits, spaces and + - = . _ : / @.'],
    ]);
    expect(keyInputs()[0]).toHaveAttribute('aria-invalid', 'true');
    expect(keyInputs()[0]).toHaveAccessibleDescription('Tag key "aws:cost" can\'t start with "aws:": AWS reserves it.');
    expect(valueInputs()[0]).not.toHaveAttribute('aria-invalid');
    await waitFor(() => expect(document.activeElement).toBe(keyInputs()[0]));
    expect(callsOf('bulk_tag')).toEqual([]);

    // Fixing a field takes its message away as the user types.
    await fireEvent.input(keyInputs()[0], { target: { value: 'cost' } });
    expect(errors().map(([field, row]) => `${field}${row ?? ''}`)).toEqual(['value1', 'key2', 'remove']);
    expect(callsOf('bulk_tag')).toEqual([]);
  });

  it('asks for something to do in merge mode, and refuses a key both set and removed', async () => {
    setup();
    await fireEvent.click(screen.getByTestId('bulk-tag-ok'));
    expect(errors()).toEqual([['whole', null, 'Add a tag, or a key to remove.']]);
    await typeTag(0, 'team', 'data');
    await fireEvent.input(screen.getByTestId('bulk-tag-remove'), { target: { value: 'team' } });
    await fireEvent.click(screen.getByTestId('bulk-tag-ok'));
    expect(errors()).toEqual([['remove', null, '“team” is both set and removed; keep it in one of the two.']]);
    expect(callsOf('bulk_tag')).toEqual([]);
  });

  it('merges: sends the tags, the keys to remove and mode merge, then hands the report over', async () => {
    const { ondone } = setup();
    await typeTag(0, ' project ', 'apollo');
    await typeTag(1, 'cost center', '4711');
    await fireEvent.input(screen.getByTestId('bulk-tag-remove'), { target: { value: 'old-owner, , temp ,old-owner' } });
    await fireEvent.click(screen.getByTestId('bulk-tag-ok'));

    await waitFor(() => expect(ondone).toHaveBeenCalledWith(OK));
    expect(callsOf('bulk_tag')).toEqual([
      {
        connectionId: 'c1',
        bucket: 'bucket-b',
        selection: ['logs/', 'raw/', 'a.csv', 'b.csv', 'c.csv'],
        tags: [
          { key: 'project', value: 'apollo' },
          { key: 'cost center', value: '4711' },
        ],
        remove: ['old-owner', 'temp'],
        mode: 'merge',
        opId: expect.any(String),
        progress: expect.anything(),
      },
    ]);
  });

  it('replaces: sends mode replace and nothing to remove; with no tags it says every tag goes', async () => {
    const { ondone } = setup();
    await fireEvent.input(screen.getByTestId('bulk-tag-remove'), { target: { value: 'temp' } });
    await fireEvent.click(screen.getByTestId('bulk-tag-mode-replace'));
    expect(screen.queryByTestId('bulk-tag-remove')).toBeNull();
    expect(screen.getByTestId('bulk-tag-summary')).toHaveTextContent('Remove every tag from 3 objects and everything in 2 folders.');
    expect(screen.getByTestId('bulk-tag-ok')).toHaveTextContent('Remove all tags');

    await typeTag(0, 'team', 'data');
    expect(screen.getByTestId('bulk-tag-summary')).toHaveTextContent('Tag 3 objects and everything in 2 folders.');
    await fireEvent.click(screen.getByTestId('bulk-tag-ok'));
    await waitFor(() => expect(ondone).toHaveBeenCalled());
    expect(callsOf('bulk_tag')).toEqual([expect.objectContaining({ tags: [{ key: 'team', value: 'data' }], remove: [], mode: 'replace' })]);
  });

  it('shows progress from the channel; Cancel asks the engine to stop and the report says how far it got', async () => {
    const done = deferred<unknown>();
    let channel: FakeChannel<[number, number]> | undefined;
    answer({
      bulk_tag: (a: unknown) => {
        channel = (a as { progress: FakeChannel<[number, number]> }).progress;
        return done.promise;
      },
      cancel_operation: true,
    });
    const { ondone, onclose } = setup();
    await typeTag(0, 'team', 'data');
    await fireEvent.click(screen.getByTestId('bulk-tag-ok'));

    const progress = await screen.findByTestId('bulk-tag-progress');
    expect(progress).toHaveTextContent('Finding the objects in the selection…');
    channel!.send([120, 1204]);
    await waitFor(() => expect(progress).toHaveTextContent('Tagged 120 of 1,204 objects'));
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '10');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('bulk-tag-stop')));

    // Escape doesn't leave the work running unseen.
    await fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(onclose).not.toHaveBeenCalled();

    await fireEvent.click(screen.getByTestId('bulk-tag-stop'));
    const { opId } = callsOf('bulk_tag')[0] as { opId: string };
    expect(callsOf('cancel_operation')).toEqual([{ opId }]);
    expect(progress).toHaveTextContent('Stopping');
    const report = { tagged: 130, failed: [{ key: 'raw/locked.csv', reason: 'Access Denied' }], cancelled: true };
    done.resolve(report);
    await waitFor(() => expect(ondone).toHaveBeenCalledWith(report));
  });

  it('says plainly when the storage has no tagging, and keeps the form', async () => {
    answer({ bulk_tag: engineError('unsupported', 'This storage does not support object tags.') });
    const { ondone } = setup();
    await typeTag(0, 'team', 'data');
    await fireEvent.click(screen.getByTestId('bulk-tag-ok'));
    expect(await screen.findByTestId('bulk-tag-unsupported')).toHaveTextContent('This storage does not support object tags, so nothing was tagged.');
    expect(keyInputs()[0].value).toBe('team');
    expect(ondone).not.toHaveBeenCalled();
  });

  it('shows any other failure where it happened, with its detail', async () => {
    answer({ bulk_tag: engineError('access_denied', "You don't have permission to list this folder.", 'AccessDenied (HTTP 403)') });
    setup(selection().slice(0, 1));
    expect(screen.getByTestId('bulk-tag-summary')).toHaveTextContent('Tag everything in the folder “logs”.');
    await typeTag(0, 'team', 'data');
    await fireEvent.click(screen.getByTestId('bulk-tag-ok'));
    const failed = await screen.findByTestId('bulk-tag-failed');
    expect(failed).toHaveTextContent("You don't have permission to list this folder.");
    expect(failed).toHaveAttribute('data-code', 'access_denied');
  });
});
