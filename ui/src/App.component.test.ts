import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import type { BucketSummary_Serialize } from '$lib/bindings';
import { answer, callsOf, connection, engineError } from './test/ipc';
import { settledOutcome } from './test/dom';
import { emitEvent } from './test/events';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('./test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});
vi.mock('@tauri-apps/api/event', () => import('./test/events'));

const aws = connection({ id: 'c1', name: 'AWS prod', region: 'eu-west-1' });
const garage = connection({
  id: 'c2',
  name: 'Garage',
  endpoint: { kind: 'custom', url: 'http://127.0.0.1:3900' },
  addressing: 'path_style',
});
const sandbox = connection({ id: 's1', name: 'Local sandbox', endpoint: { kind: 'sandbox' }, region: 'garage' });

const NOTICE = 'The connections file could not be read; it was kept aside as connections.json.bad.';

function row(testid: string, name: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-testid="${testid}"][data-name="${name}"]`);
  if (!el) throw new Error(`no ${testid} row ${name}`);
  return el;
}

let connections = [aws, garage, sandbox];

beforeEach(() => {
  connections = [aws, garage, sandbox];
  answer({
    startup: () => ({ connections, selected: 'c2', notices: [NOTICE] }),
    list_connections: () => connections,
    list_buckets: (a: Record<string, unknown> | undefined) =>
      a?.connectionId === 'c2' ? [{ name: 'photos', created: '2025-01-02T10:00:00Z', region: null }] : [],
    sandbox_info: {
      endpoint: 'http://127.0.0.1:39001',
      access_key_id: 'GKsandbox',
      folder: '/home/ana/.local/share/satchel/sandbox',
      keys_persisted: true,
    },
    select_connection: null,
    connection_identity: (a: Record<string, unknown> | undefined) =>
      a?.id === 'c1'
        ? {
            arn: 'arn:aws:iam::111122223333:root',
            account: '111122223333',
            kind: 'root',
            name: 'root user',
            warning: "These are the root user's keys of account 111122223333: if they leak, whoever has them can do anything.",
          }
        : null,
    list_aws_profiles: [],
    list_objects: 0,
    link_history: [],
    cancel_operation: true,
    unfinished_uploads: [],
    discard_upload: null,
  });
  localStorage.clear();
});

describe('App', () => {
  it('starts once, shows the notices and selects the startup connection', async () => {
    render(App);
    const notice = await screen.findByTestId('notice');
    expect(notice).toHaveTextContent(NOTICE);
    expect(notice).toHaveAttribute('role', 'alert');

    expect(row('connection', 'Garage')).toHaveAttribute('aria-selected', 'true');
    expect(row('connection', 'AWS prod')).toHaveAttribute('aria-selected', 'false');
    expect(screen.getByTestId('location')).toHaveTextContent('http://127.0.0.1:3900');
    expect(await screen.findByTestId('bucket')).toHaveAttribute('data-name', 'photos');
    expect(screen.getByTestId('transfer-status')).toHaveTextContent('No transfers');
    expect(callsOf('startup')).toHaveLength(1);
    // The startup selection is the remembered one: nothing to remember again.
    expect(callsOf('select_connection')).toEqual([]);

    await fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('notice')).toBeNull();
  });

  it('shows who the keys belong to, and warns for as long as they are the root user’s', async () => {
    render(App);
    await screen.findByTestId('location');
    // Garage has no STS: nothing said.
    expect(screen.queryByTestId('identity')).toBeNull();
    await fireEvent.click(row('connection', 'AWS prod'));
    expect(await screen.findByTestId('identity')).toHaveTextContent('Signed as the root user · account 111122223333');
    expect(screen.getByTestId('root-warning')).toHaveTextContent("These are the root user's keys of account 111122223333");
    await fireEvent.click(row('connection', 'Local sandbox'));
    await waitFor(() => expect(screen.queryByTestId('root-warning')).toBeNull());
    // The sandbox is never asked.
    expect(callsOf('connection_identity')).toEqual([{ id: 'c2' }, { id: 'c1' }]);
  });

  it('remembers a connection the user picks, and shows the sandbox folder', async () => {
    render(App);
    await screen.findByTestId('location');
    await fireEvent.click(row('connection', 'Local sandbox'));
    expect(callsOf('select_connection')).toEqual([{ id: 's1' }]);
    expect(screen.getByTestId('location')).toHaveTextContent('Local sandbox (/home/ana/.local/share/satchel/sandbox)');
    expect(await screen.findByTestId('no-buckets')).toBeInTheDocument();
  });

  it('opens a bucket in the main area', async () => {
    render(App);
    await fireEvent.click(await screen.findByTestId('bucket'));
    expect(row('bucket', 'photos')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('object-table')).toBeInTheDocument();
    expect(screen.getAllByTestId('breadcrumb')[0]).toHaveTextContent('photos');
    await waitFor(() => expect(screen.getByTestId('listing-status')).toHaveAttribute('data-state', 'done'));
    expect(callsOf('list_objects')).toEqual([
      { connectionId: 'c2', bucket: 'photos', prefix: '', recursive: false, opId: expect.any(String), pages: expect.anything() },
    ]);

    // Ctrl+F goes to the object filter; the status bar opens the shared links.
    await fireEvent.keyDown(window, { key: 'f', ctrlKey: true });
    expect(document.activeElement).toBe(document.getElementById('object-filter'));
    await fireEvent.click(screen.getByTestId('show-links'));
    expect(await screen.findByTestId('no-links')).toBeInTheDocument();
  });

  it('shows a full-page error when startup fails, and retries', async () => {
    let fail = true;
    answer({
      startup: () =>
        fail
          ? engineError('config', "Satchel's settings folder can't be written.", 'EACCES /home/ana/.config/satchel')
          : { connections: [aws], selected: 'c1', notices: [] },
      list_buckets: [],
      select_connection: null,
    });
    render(App);
    expect(await screen.findByText("Satchel's settings folder can't be written.")).toBeInTheDocument();
    expect(screen.getByText('Details')).toBeInTheDocument();
    fail = false;
    await fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('location')).toHaveTextContent('Amazon S3 (eu-west-1)');
  });

  it('opens the form with Ctrl+N, and selects and loads the saved connection', async () => {
    const minio = connection({
      id: 'c9',
      name: 'MinIO',
      endpoint: { kind: 'custom', url: 'http://127.0.0.1:9000' },
      addressing: 'path_style',
    });
    render(App);
    await screen.findByTestId('location');
    await fireEvent.keyDown(window, { key: 'n', ctrlKey: true });
    expect(screen.getByTestId('connection-form')).toBeInTheDocument();

    answer({
      list_aws_profiles: [],
      save_connection: () => {
        connections = [...connections, minio];
        return minio;
      },
      list_connections: () => connections,
      list_buckets: [{ name: 'uploads', created: null, region: null }],
      select_connection: null,
    });
    const set = (id: string, value: string) => fireEvent.input(document.getElementById(id)!, { target: { value } });
    await set('conn-name', 'MinIO');
    const custom = document.getElementById('conn-storage-custom') as HTMLInputElement;
    custom.checked = true;
    await fireEvent.change(custom);
    await set('conn-url', 'http://127.0.0.1:9000');
    await set('conn-access-key', 'AKIA');
    await set('conn-secret', 'secret');
    await fireEvent.click(screen.getByTestId('conn-save'));

    await waitFor(() => expect(screen.queryByTestId('connection-form')).toBeNull());
    expect(row('connection', 'MinIO')).toHaveAttribute('aria-selected', 'true');
    expect(callsOf('select_connection')).toEqual([{ id: 'c9' }]);
    await waitFor(() => expect(row('bucket', 'uploads')).toBeInTheDocument());
    expect(callsOf('list_buckets')).toContainEqual({ connectionId: 'c9' });
  });

  it('tests the selected connection with Ctrl+T and edits it with Ctrl+E', async () => {
    answer({
      startup: { connections: [aws], selected: 'c1', notices: [] },
      list_buckets: [],
      list_aws_profiles: [],
      test_connection: { bucket_count: 3, region: 'eu-west-1', corrected_region: null, elapsed_ms: 120 },
    });
    render(App);
    await screen.findByTestId('location');
    await fireEvent.keyDown(window, { key: 't', ctrlKey: true });
    const result = await settledOutcome('test-selected-result');
    expect(result).toHaveAttribute('data-outcome', 'ok');
    expect(result).toHaveTextContent('Connected — 3 buckets, region eu-west-1, 120 ms');

    await fireEvent.keyDown(window, { key: 'e', metaKey: true });
    expect(screen.getByRole('dialog', { name: 'Edit “AWS prod”' })).toBeInTheDocument();
  });

  it('reports a failed test of the selected connection by its code', async () => {
    answer({
      startup: { connections: [aws], selected: 'c1', notices: [] },
      list_buckets: [],
      test_connection: engineError('clock_skew', "This computer's clock is 20 minutes off the storage's."),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('test-selected'));
    const result = await settledOutcome('test-selected-result');
    expect(result).toHaveAttribute('data-outcome', 'clock_skew');
    expect(result).toHaveTextContent("Set this computer's clock to the right time.");
  });

  it('creates a bucket from Ctrl+B: refreshes the lists, selects it, and shows what was skipped', async () => {
    let photos: BucketSummary_Serialize[] = [{ name: 'photos', created: '2025-01-02T10:00:00Z', region: null }];
    answer({
      startup: { connections: [garage], selected: 'c2', notices: [] },
      list_buckets: () => photos,
      select_connection: null,
      check_bucket_name: null,
      create_bucket: () => {
        photos = [...photos, { name: 'scratch', created: null, region: 'garage' }];
        return {
          name: 'scratch',
          region: 'garage',
          applied: ['Versioning'],
          skipped: [{ setting: 'Block Public Access', reason: 'This storage does not support Block Public Access.' }],
        };
      },
    });
    render(App);
    await screen.findByTestId('bucket-row');
    await fireEvent.keyDown(window, { key: 'b', ctrlKey: true });
    expect(screen.getByRole('dialog', { name: 'New bucket on “Garage”' })).toBeInTheDocument();
    await fireEvent.input(document.getElementById('bucket-name')!, { target: { value: 'scratch' } });
    await waitFor(() => expect(callsOf('check_bucket_name')).toEqual([{ name: 'scratch' }]));
    await fireEvent.click(screen.getByTestId('bucket-create'));

    await waitFor(() => expect(screen.queryByTestId('bucket-wizard')).toBeNull());
    await waitFor(() => expect(row('bucket', 'scratch')).toHaveAttribute('aria-selected', 'true'));
    expect(callsOf('list_buckets')).toHaveLength(2);
    expect(screen.getByTestId('bucket-header')).toHaveTextContent('scratch');
    const result = screen.getByTestId('bucket-create-result');
    expect(result).toHaveTextContent('Created scratch in region garage.');
    expect(result).toHaveTextContent('Applied: Versioning');
    expect(result).toHaveTextContent('One setting was not applied:');
    expect(result).toHaveTextContent('Block Public Access — This storage does not support Block Public Access.');
    expect(result).toHaveAttribute('role', 'alert');
  });

  it('deletes a bucket: closes, says so, refreshes the list and selects the connection', async () => {
    let names = ['photos', 'scans'];
    answer({
      startup: { connections: [garage], selected: 'c2', notices: [] },
      list_buckets: () => names.map((name) => ({ name, created: null, region: null })),
      select_connection: null,
      bucket_census: {
        current_objects: 3,
        noncurrent_versions: 0,
        delete_markers: 0,
        unfinished_uploads: 0,
        bytes: 1200,
        versions_listed: true,
        uploads_listed: true,
      },
      delete_bucket: () => {
        names = ['scans'];
        return { deleted: 3, uploads_aborted: 0, remaining: [], uploads_remaining: [], bucket_deleted: true, cancelled: false };
      },
    });
    render(App);
    await fireEvent.click(await waitFor(() => row('bucket', 'photos')));
    await fireEvent.click(screen.getByTestId('delete-bucket'));
    await waitFor(() =>
      expect(screen.getByTestId('delete-census')).toHaveTextContent('Delete photos and everything in it: 3 objects (1.2 KB).'),
    );
    await fireEvent.input(document.getElementById('delete-confirm-name')!, { target: { value: 'photos' } });
    await fireEvent.click(screen.getByTestId('delete-confirm'));

    await waitFor(() => expect(screen.queryByTestId('delete-dialog')).toBeNull());
    const outcome = screen.getByTestId('delete-outcome');
    expect(outcome).toHaveAttribute('data-outcome', 'deleted');
    expect(outcome).toHaveTextContent('Deleted photos and everything in it (3 objects and versions).');
    expect(row('connection', 'Garage')).toHaveAttribute('aria-selected', 'true');
    await waitFor(() => expect(screen.getAllByTestId('bucket').map((b) => b.dataset.name)).toEqual(['scans']));
  });

  it('filters the bucket list as the user types; Ctrl+F focuses the filter and Escape clears it', async () => {
    answer({
      startup: { connections: [garage], selected: 'c2', notices: [] },
      list_buckets: ['photos', 'scans', 'photo-archive'].map((name) => ({ name, created: null, region: null })),
      select_connection: null,
    });
    render(App);
    await waitFor(() => expect(screen.getAllByTestId('bucket-row')).toHaveLength(3));
    await fireEvent.keyDown(window, { key: 'f', ctrlKey: true });
    const filter = document.getElementById('bucket-filter') as HTMLInputElement;
    expect(document.activeElement).toBe(filter);
    await fireEvent.input(filter, { target: { value: 'PHOTO' } });
    expect(screen.getAllByTestId('bucket-row').map((r) => r.dataset.name)).toEqual(['photo-archive', 'photos']);
    expect(screen.getByTestId('bucket-count')).toHaveTextContent('2 of 3 buckets');
    await fireEvent.input(filter, { target: { value: 'zzz' } });
    expect(screen.getByTestId('no-bucket-match')).toHaveTextContent('No bucket names contain “zzz”');
    await fireEvent.keyDown(filter, { key: 'Escape' });
    expect(filter.value).toBe('');
    expect(screen.getAllByTestId('bucket-row')).toHaveLength(3);
    // The sidebar tree is not filtered.
    expect(screen.getAllByTestId('bucket')).toHaveLength(3);
  });
  it('lets go of files dropped while no bucket is open, and says where to drop them', async () => {
    render(App);
    await screen.findByTestId('location');
    await screen.findByTestId('notice');
    await fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    emitEvent('drop-hover', { active: true });
    emitEvent('files-dropped', { held: { sources_id: 'src-9', count: 2, names: ['a.csv', 'b.csv'] }, x: 400, y: 300 });
    expect(await screen.findByTestId('notice')).toHaveTextContent('Open a bucket to upload into.');
    await waitFor(() => expect(callsOf('discard_upload')).toEqual([{ id: 'src-9', abort: false }]));
    expect(screen.queryByTestId('upload-sheet')).toBeNull();
  });

  it('opens the summary sheet for files dropped on an open bucket, and runs the upload in the transfers bar', async () => {
    const summary = {
      plan_id: 'plan-1',
      bucket: 'photos',
      prefix: '',
      files: 2,
      bytes: 2000,
      conflicts: [],
      conflict_count: 0,
      problems: [],
      rules: { required: [], defaults: [] },
      eta_seconds: null,
    };
    answer({
      startup: () => ({ connections, selected: 'c2', notices: [] }),
      list_connections: () => connections,
      list_buckets: [{ name: 'photos', created: null, region: null }],
      select_connection: null,
      list_objects: 0,
      sandbox_info: null,
      unfinished_uploads: [],
      plan_upload: summary,
      start_upload: () => new Promise(() => {}),
      cancel_operation: true,
    });
    render(App);
    await fireEvent.click(await screen.findByTestId('bucket'));
    await screen.findByTestId('object-table');
    emitEvent('drop-hover', { active: true });
    expect(await screen.findByTestId('drop-overlay')).toHaveTextContent('Drop to upload to photos/');
    emitEvent('files-dropped', { held: { sources_id: 'src-1', count: 2, names: ['a.csv', 'b.csv'] }, x: 400, y: 300 });
    await waitFor(() => expect(screen.queryByTestId('drop-overlay')).toBeNull());
    const sheet = await screen.findByTestId('upload-sheet');
    await waitFor(() => expect(sheet).toHaveAccessibleName('Upload 2 files (2 KB) to photos/'));
    expect(callsOf('plan_upload')).toEqual([{ connectionId: 'c2', bucket: 'photos', prefix: '', sourcesId: 'src-1', followLinks: false, opId: expect.any(String) }]);
    await fireEvent.click(screen.getByTestId('upload-start'));
    await waitFor(() => expect(screen.queryByTestId('upload-sheet')).toBeNull());
    expect(callsOf('start_upload')).toEqual([{ planId: 'plan-1', tags: [], conflicts: 'skip', removeMissing: false, write: { storage_class: null, encryption: null, customer_key: null }, opId: expect.any(String), progress: expect.anything() }]);
    expect(screen.getByTestId('transfer-status')).toHaveTextContent('Transfers: 1 running');
    await fireEvent.click(screen.getByTestId('transfer-status'));
    expect(screen.getByTestId('batch')).toHaveAttribute('data-state', 'running');
  });

  it('uploads with Ctrl+U into the folder shown, wherever the focus is', async () => {
    answer({
      startup: () => ({ connections, selected: 'c2', notices: [] }),
      list_connections: () => connections,
      list_buckets: [{ name: 'photos', created: null, region: null }],
      select_connection: null,
      list_objects: 0,
      sandbox_info: null,
      unfinished_uploads: [],
      pick_upload_sources: null,
      cancel_operation: true,
    });
    render(App);
    await screen.findByTestId('bucket');
    await fireEvent.keyDown(window, { key: 'u', ctrlKey: true });
    expect(callsOf('pick_upload_sources')).toEqual([]);
    await fireEvent.click(screen.getByTestId('bucket'));
    await screen.findByTestId('object-table');
    (document.activeElement as HTMLElement | null)?.blur();
    await fireEvent.keyDown(document.body, { key: 'u', ctrlKey: true });
    await waitFor(() => expect(callsOf('pick_upload_sources')).toEqual([{ folder: false }]));
  });
});
