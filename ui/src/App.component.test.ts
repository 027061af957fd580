import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { answer, callsOf, connection, engineError } from './test/ipc';
import { settledOutcome } from './test/dom';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

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
    list_aws_profiles: [],
  });
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
    expect(screen.getByText('photos', { selector: 'strong' }).parentElement).toHaveTextContent(
      'Objects in photos appear here',
    );
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
});
