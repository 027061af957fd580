import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import BucketPolicy from './BucketPolicy.svelte';
import { answer, callsOf } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const PUBLIC = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "SatchelPublicReadpublic",\n      "Effect": "Allow"\n    }\n  ]\n}';
const OK_PREVIEW = {
  text: PUBLIC,
  problems: [],
  summary: ['Anyone on the internet can read objects under public/.'],
  diff: '+ {\n+   "Version": "2012-10-17",',
  public: true,
  refused: null,
};

let policy: { text: string | null; summary: string[] } = { text: null, summary: [] };
let preview: unknown = OK_PREVIEW;

beforeEach(() => {
  policy = { text: null, summary: [] };
  preview = OK_PREVIEW;
  answer({
    bucket_policy: () => policy,
    policy_with_template: PUBLIC,
    preview_policy: () => preview,
    set_bucket_policy: (a: Record<string, unknown>) => {
      policy = { text: a.text as string, summary: OK_PREVIEW.summary };
      return { before: null, after: a.text, summary: OK_PREVIEW.summary };
    },
    delete_bucket_policy: { before: PUBLIC, after: null, summary: [] },
  });
});

function setup() {
  const onchanged = vi.fn();
  render(BucketPolicy, { props: { connectionId: 'c1', bucket: 'bucket-b', onchanged } });
  return { onchanged };
}

describe('BucketPolicy', () => {
  it('makes a prefix public from a template: says what it will do and the diff, then applies it', async () => {
    const { onchanged } = setup();
    expect(await screen.findByTestId('policy-none')).toBeInTheDocument();
    await fireEvent.input(screen.getByTestId('policy-prefix'), { target: { value: 'public/' } });
    await fireEvent.click(screen.getByTestId('policy-add-template'));
    await waitFor(() => expect(callsOf('policy_with_template')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', draft: '', template: { kind: 'public_read', prefix: 'public/' } }]));
    expect(await screen.findByTestId('policy-preview-summary')).toHaveTextContent('Anyone on the internet can read objects under public/.');
    expect(screen.getByTestId('policy-diff')).toHaveTextContent('+ "Version": "2012-10-17",');
    expect(callsOf('set_bucket_policy')).toEqual([]);
    await fireEvent.click(screen.getByTestId('policy-apply'));
    await waitFor(() => expect(callsOf('set_bucket_policy')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', text: PUBLIC }]));
    expect(await screen.findByTestId('policy-summary')).toHaveTextContent('Anyone on the internet can read objects under public/.');
    expect(onchanged).toHaveBeenCalled();
  });

  it('lists each problem with its line and sends nothing while there are any', async () => {
    preview = { text: '{', problems: [{ line: 3, message: 'This isn\u2019t valid JSON: EOF while parsing an object.' }], summary: [], diff: '', public: false, refused: null };
    setup();
    await fireEvent.click(await screen.findByTestId('policy-edit'));
    await fireEvent.input(screen.getByTestId('policy-text'), { target: { value: '{\n  "Version": "2012-10-17",\n' } });
    expect(await screen.findByTestId('policy-problems')).toHaveTextContent('Line 3: This isn\u2019t valid JSON');
    expect(screen.getByTestId('policy-apply')).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.click(screen.getByTestId('policy-apply'));
    expect(callsOf('set_bucket_policy')).toEqual([]);
  });

  it('says before the request when Block Public Access would refuse the policy', async () => {
    preview = { ...OK_PREVIEW, refused: 'Block Public Access on "bucket-b" refuses public policies, so this one would be refused.' };
    setup();
    await screen.findByTestId('policy-none');
    await fireEvent.click(screen.getByTestId('policy-add-template'));
    expect(await screen.findByTestId('policy-refused')).toHaveTextContent('refuses public policies');
    expect(screen.getByTestId('policy-apply')).toHaveAttribute('aria-disabled', 'true');
  });
});
