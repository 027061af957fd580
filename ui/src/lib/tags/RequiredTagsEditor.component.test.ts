import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import RequiredTagsEditor from './RequiredTagsEditor.svelte';
import type { RequiredTag_Serialize } from '$lib/bindings';
import { answer, callsOf } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

let stored: RequiredTag_Serialize[] = [];

const state = () => screen.getByTestId('required-tags').dataset.state;
const keys = () => screen.getAllByTestId<HTMLInputElement>('required-tag-key');
const values = () => screen.getAllByTestId<HTMLInputElement>('required-tag-value');

beforeEach(() => {
  stored = [{ key: 'project', allowed: ['apollo', 'gemini'] }];
  answer({
    required_tags: () => stored,
    set_required_tags: (a: unknown) => {
      stored = (a as { required: RequiredTag_Serialize[] }).required;
      return null;
    },
  });
});

describe('RequiredTagsEditor', () => {
  it("shows a bucket's required tags and saves the edited set, allowed values split at commas", async () => {
    render(RequiredTagsEditor, { props: { connectionId: 'c1', bucket: 'bucket-b' } });
    await waitFor(() => expect(state()).toBe('ready'));
    expect(callsOf('required_tags')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b' }]);
    expect(screen.getByTestId('required-tags')).toHaveTextContent('Every upload into this bucket must carry these tags.');
    expect(screen.getByTestId('required-tag')).toHaveTextContent('project apollo, gemini');

    await fireEvent.click(screen.getByTestId('required-tags-edit'));
    expect(values()[0].value).toBe('apollo, gemini');
    await fireEvent.click(screen.getByTestId('required-tag-add'));
    await fireEvent.input(keys()[1], { target: { value: 'owner' } });
    await fireEvent.input(values()[0], { target: { value: 'apollo, gemini, mercury' } });
    await fireEvent.click(screen.getByTestId('required-tags-save'));
    await waitFor(() => expect(state()).toBe('ready'));
    expect(callsOf('set_required_tags')).toEqual([
      {
        connectionId: 'c1',
        bucket: 'bucket-b',
        required: [
          { key: 'project', allowed: ['apollo', 'gemini', 'mercury'] },
          { key: 'owner', allowed: [] },
        ],
      },
    ]);
    expect(screen.getAllByTestId('required-tag').map((t) => [...t.children].map((c) => c.textContent))).toEqual([
      ['project', 'apollo, gemini, mercury'],
      ['owner', 'any value'],
    ]);
  });

  it('edits the connection-wide rules, refusing a broken key before saving', async () => {
    stored = [];
    render(RequiredTagsEditor, { props: { connectionId: 'c1', bucket: null } });
    await waitFor(() => expect(state()).toBe('ready'));
    expect(screen.getByTestId('required-tags')).toHaveTextContent('Every upload on this connection must carry these tags.');
    expect(screen.getByTestId('required-tags')).toHaveTextContent('None: uploads need no tags.');
    await fireEvent.click(screen.getByTestId('required-tags-edit'));
    await fireEvent.input(keys()[0], { target: { value: 'team!' } });
    await fireEvent.click(screen.getByTestId('required-tags-save'));
    expect(screen.getByTestId('required-tag-error')).toHaveTextContent('Tag key "team!" contains "!"');
    expect(callsOf('set_required_tags')).toEqual([]);
    await fireEvent.input(keys()[0], { target: { value: 'team' } });
    await fireEvent.click(screen.getByTestId('required-tags-save'));
    await waitFor(() => expect(callsOf('set_required_tags')).toEqual([{ connectionId: 'c1', bucket: null, required: [{ key: 'team', allowed: [] }] }]));
  });
});
