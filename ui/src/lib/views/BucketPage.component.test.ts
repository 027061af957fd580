import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import BucketPage from './BucketPage.svelte';
import type { BucketOverview, Census, VersioningView_Serialize } from '$lib/bindings';
import { answer, callsOf, deferred, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const OVERVIEW: BucketOverview = {
  name: 'bucket-b',
  region: 'eu-west-1',
  versioning: { state: 'on', text: 'Enabled' },
  object_lock: { state: 'unsupported', text: 'This storage has no object lock' },
  public_access_block: { state: 'partial', text: '2 of 4 settings on' },
  encryption: { state: 'denied', text: 'Not allowed to read s3:GetEncryptionConfiguration' },
};

const CENSUS: Census = {
  current_objects: 1204,
  noncurrent_versions: 37,
  delete_markers: 5,
  unfinished_uploads: 2,
  bytes: 3.2e9,
  versions_listed: true,
  uploads_listed: true,
};

function setup(tab: 'objects' | 'overview' = 'objects') {
  const ondelete = vi.fn();
  const result = render(BucketPage, { props: { connectionId: 'c1', bucket: 'bucket-b', tab, ondelete } });
  return { ...result, ondelete };
}

let census: unknown = CENSUS;
let versioning: VersioningView_Serialize;

beforeEach(() => {
  census = CENSUS;
  versioning = { state: 'never', meaning: 'Overwriting or deleting an object loses it for good.', mfa_delete: null, locked_on: false };
  answer({
    bucket_overview: OVERVIEW,
    bucket_versioning: () => versioning,
    set_bucket_versioning: (a: Record<string, unknown>) => {
      versioning = { ...versioning, state: a.on ? 'enabled' : 'suspended' };
      return versioning;
    },
    bucket_exposure: { exposure: 'private', why: 'Block Public Access is on.', block: null },
    audit_entries: [],
    bucket_policy: { text: null, summary: [] },
    bucket_website: { site: { kind: 'off' }, endpoint: null, warning: null, routes: [] },
    bucket_cors: [],
    acl: { ownership: 'bucket_owner_enforced', choices: [], available: true, enabled: false, grants: [], note: 'ACLs are off for this bucket.' },
    bucket_accelerate: false,
    bucket_census: () => census,
    cancel_operation: true,
    list_objects: 0,
    bucket_tags: [{ key: 'project', value: 'apollo' }],
    required_tags: [{ key: 'project', allowed: ['apollo', 'gemini'] }],
    multipart_uploads: [],
  });
});

describe('BucketPage', () => {
  it('has a header with the name, the tabs and Delete bucket…', async () => {
    const { ondelete } = setup();
    const header = screen.getByTestId('bucket-header');
    expect(header).toHaveTextContent('bucket-b');
    const tabs = within(header).getAllByRole('tab');
    expect(tabs.map((t) => t.dataset.testid)).toEqual(['tab-objects', 'tab-overview']);
    expect(screen.getByTestId('tab-objects')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('object-table')).toBeVisible();
    expect(screen.getByTestId('listing-status')).toBeInTheDocument();
    // The overview is not read until it is looked at.
    expect(callsOf('bucket_overview')).toEqual([]);

    await fireEvent.click(screen.getByTestId('delete-bucket'));
    expect(ondelete).toHaveBeenCalledOnce();
  });

  it('moves between tabs with the arrow keys', async () => {
    setup();
    screen.getByTestId('tab-objects').focus();
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(screen.getByTestId('tab-overview')).toHaveAttribute('aria-selected', 'true');
    expect(document.activeElement).toBe(screen.getByTestId('tab-overview'));
    expect(screen.getByTestId('panel-objects')).not.toBeVisible();
    expect(screen.getByTestId('panel-overview')).toBeVisible();
  });

  it('shows each setting in plain words, with its state for tests', async () => {
    setup('overview');
    await waitFor(() => expect(screen.getAllByTestId('setting').every((s) => s.dataset.state !== 'loading')).toBe(true));
    const rows = Object.fromEntries(screen.getAllByTestId('setting').map((s) => [s.dataset.name, s]));
    expect(Object.keys(rows)).toEqual(['versioning', 'object_lock', 'public_access_block', 'encryption']);
    expect(rows.versioning).toHaveAttribute('data-state', 'on');
    expect(rows.versioning).toHaveTextContent('Versioning On');
    expect(rows.versioning).toHaveTextContent('Enabled');
    expect(rows.object_lock).toHaveTextContent('Not supported by this storage');
    expect(rows.public_access_block).toHaveTextContent('Partly on 2 of 4 settings on');
    expect(rows.encryption).toHaveTextContent("Can't see: no permission");
    expect(screen.getByTestId('bucket-region-value')).toHaveTextContent('eu-west-1');
    expect(callsOf('bucket_overview')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b' }]);
  });

  it("shows the bucket's tags, the tags uploads must carry and its unfinished uploads", async () => {
    setup('overview');
    await waitFor(() => expect(screen.getByTestId('bucket-tags')).toHaveAttribute('data-state', 'ready'));
    expect([...screen.getByTestId('bucket-tag-item').children].map((c) => c.textContent)).toEqual(['project', 'apollo']);
    expect(screen.getByRole('region', { name: 'Required tags for uploads' })).toHaveTextContent('Every upload into this bucket must carry these tags.');
    await waitFor(() => expect(screen.getByTestId('required-tag')).toHaveTextContent('project apollo, gemini'));
    expect(await screen.findByTestId('multipart-empty')).toHaveTextContent('No unfinished uploads.');
    expect(callsOf('multipart_uploads')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b' }]);
  });

  it('shows a failed overview with Retry', async () => {
    let fail = true;
    answer({
      bucket_overview: () => (fail ? engineError('access_denied', 'Not allowed to read this bucket.') : OVERVIEW),
      bucket_tags: [],
      required_tags: [],
      multipart_uploads: [],
    });
    setup('overview');
    expect(await screen.findByTestId('overview-error')).toHaveAttribute('data-code', 'access_denied');
    fail = false;
    await fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getAllByTestId('setting')[0]).toHaveAttribute('data-state', 'on'));
  });

  it('turns versioning on in its section, then reads the settings again', async () => {
    setup('overview');
    const section = screen.getByRole('region', { name: 'Versioning' });
    expect(await within(section).findByTestId('versioning-state')).toHaveTextContent('Off (never turned on)');
    await waitFor(() => expect(callsOf('bucket_overview')).toHaveLength(1));
    await fireEvent.click(within(section).getByTestId('versioning-enable'));
    await waitFor(() => expect(within(section).getByTestId('versioning-state')).toHaveTextContent('On'));
    expect(callsOf('set_bucket_versioning')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', on: true }]);
    await waitFor(() => expect(callsOf('bucket_overview')).toHaveLength(2));
  });

  it('counts objects and size on request, with human sizes', async () => {
    setup('overview');
    expect(callsOf('bucket_census')).toEqual([]);
    await fireEvent.click(screen.getByTestId('census-run'));
    const counted = await screen.findByTestId('census');
    expect(counted).toHaveTextContent('Objects 1,204 objects');
    expect(counted).toHaveTextContent('Older versions 37 versions');
    expect(counted).toHaveTextContent('Delete markers 5 markers');
    expect(counted).toHaveTextContent('Unfinished uploads 2 uploads');
    expect(counted).toHaveTextContent('Total size 3.2 GB');
  });

  it('shows a spinner while counting and cancels through cancelOperation', async () => {
    const later = deferred<unknown>();
    census = later.promise;
    setup('overview');
    await fireEvent.click(screen.getByTestId('census-run'));
    expect(screen.getByTestId('census-running')).toHaveTextContent('Counting objects, versions and uploads in bucket-b…');
    const opId = (callsOf('bucket_census')[0] as { opId: string }).opId;
    expect(opId).toMatch(/\S{16,}/);
    await fireEvent.click(screen.getByTestId('census-cancel'));
    expect(callsOf('cancel_operation')).toEqual([{ opId }]);
    expect(await screen.findByText('Counting was cancelled.')).toBeInTheDocument();
    // The engine's late answer does not overwrite what the user chose.
    later.resolve(engineError('cancelled', 'Cancelled.'));
    await Promise.resolve();
    expect(screen.queryByTestId('census')).toBeNull();
  });
});
