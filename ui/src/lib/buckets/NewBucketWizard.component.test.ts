import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import NewBucketWizard from './NewBucketWizard.svelte';
import type { CreateReport } from '$lib/bindings';
import { answer, callsOf, connection, deferred, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const aws = connection({ id: 'c1', name: 'AWS prod', region: 'eu-west-1' });
const garage = connection({
  id: 'c2',
  name: 'Garage',
  endpoint: { kind: 'custom', url: 'http://127.0.0.1:3900' },
  region: 'garage',
  addressing: 'path_style',
});

const REPORT: CreateReport = { name: 'team-reports', region: 'eu-west-1', applied: ['Block Public Access'], skipped: [] };

function setup(conn = aws, existing: string[] = []) {
  const oncreated = vi.fn();
  const onclose = vi.fn();
  const onopen = vi.fn();
  const result = render(NewBucketWizard, { props: { connection: conn, existing, oncreated, onclose, onopen } });
  return { ...result, oncreated, onclose, onopen };
}

function el<T extends HTMLElement = HTMLInputElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`no #${id}`);
  return found as T;
}

async function type(id: string, value: string) {
  await fireEvent.input(el(id), { target: { value } });
}

async function choose(id: string) {
  const input = el(id);
  input.checked = true;
  await fireEvent.change(input);
}

async function select(id: string, value: string) {
  await fireEvent.change(el<HTMLSelectElement>(id), { target: { value } });
}

/** Types a good name and waits for the engine's verdict on it. */
async function nameIt(name = 'team-reports') {
  await type('bucket-name', name);
  await waitFor(() => expect(callsOf('check_bucket_name')).toContainEqual({ name }));
}

let created: unknown = REPORT;

beforeEach(() => {
  created = REPORT;
  answer({
    list_regions: [
      ['eu-west-1', 'Europe (Ireland)'],
      ['eu-central-1', 'Europe (Frankfurt)'],
    ],
    check_bucket_name: (a: Record<string, unknown> | undefined) => {
      const name = String(a?.name);
      if (/[A-Z]/.test(name)) return engineError('invalid_input', 'Bucket names can only use lowercase letters.');
      if (name.length < 3) return engineError('invalid_input', 'Bucket names must be 3 to 63 characters long.');
      return null;
    },
    create_bucket: () => created,
  });
});

describe('NewBucketWizard', () => {
  it('is a labelled dialog with the name focused and safe defaults ticked', () => {
    setup();
    const dialog = screen.getByRole('dialog', { name: 'New bucket on “AWS prod”' });
    expect(dialog).toHaveAttribute('data-testid', 'bucket-wizard');
    expect(document.activeElement).toBe(el('bucket-name'));
    expect(el('bucket-bpa').checked).toBe(true);
    expect(el('bucket-ownership-bucket_owner_enforced').checked).toBe(true);
    expect(el('bucket-encryption-sse_s3').checked).toBe(true);
    expect(el('bucket-versioning').checked).toBe(false);
    expect(el('bucket-object-lock').checked).toBe(false);
  });

  it('shows the rule the engine names as the user types, checking once per pause', async () => {
    setup();
    await type('bucket-name', 'Fi');
    await type('bucket-name', 'Fin');
    await type('bucket-name', 'Finance');
    const message = await screen.findByText('Bucket names can only use lowercase letters.');
    expect(message).toHaveAttribute('data-testid', 'field-error');
    expect(message).toHaveAttribute('data-field', 'bucket-name');
    expect(el('bucket-name')).toHaveAttribute('aria-invalid', 'true');
    expect(el('bucket-name').getAttribute('aria-describedby')).toContain(message.id);
    // Debounced: the pause after "Finance" is the only one.
    expect(callsOf('check_bucket_name')).toEqual([{ name: 'Finance' }]);

    await type('bucket-name', 'finance');
    await waitFor(() => expect(screen.queryByTestId('field-error')).toBeNull());
    expect(el('bucket-name')).not.toHaveAttribute('aria-invalid');
  });

  it("doesn't say 'too short' while the first characters are typed, but does on Create", async () => {
    setup();
    await type('bucket-name', 'ab');
    await waitFor(() => expect(callsOf('check_bucket_name')).toEqual([{ name: 'ab' }]));
    expect(screen.queryByTestId('field-error')).toBeNull();
    await fireEvent.click(screen.getByTestId('bucket-create'));
    expect(await screen.findByText('Bucket names must be 3 to 63 characters long.')).toBeInTheDocument();
    expect(screen.getByText("Can't create yet: check Name.")).toBeInTheDocument();
    expect(callsOf('create_bucket')).toEqual([]);
    expect(document.activeElement).toBe(el('bucket-name'));
  });

  it('sends the safe defaults, the chosen region and the tags', async () => {
    const { oncreated } = setup();
    await waitFor(() => expect(el<HTMLSelectElement>('bucket-region').options).toHaveLength(4));
    expect(el<HTMLSelectElement>('bucket-region').options[0].text).toBe("Use the connection's region (eu-west-1)");
    await nameIt();
    await select('bucket-region', 'eu-central-1');
    await fireEvent.click(screen.getByRole('button', { name: 'Add tag' }));
    const [key, value] = within(screen.getByTestId('bucket-tag')).getAllByRole('textbox');
    await fireEvent.input(key, { target: { value: 'project' } });
    await fireEvent.input(value, { target: { value: 'apollo' } });
    await fireEvent.click(screen.getByTestId('bucket-create'));

    await waitFor(() => expect(oncreated).toHaveBeenCalledWith(REPORT));
    expect(callsOf('create_bucket')).toEqual([
      {
        connectionId: 'c1',
        spec: {
          name: 'team-reports',
          region: 'eu-central-1',
          block_public_access: true,
          ownership: 'bucket_owner_enforced',
          encryption: { kind: 'sse_s3' },
          versioning: false,
          object_lock: false,
          tags: [{ key: 'project', value: 'apollo' }],
          acl: null,
          grants: [],
          public_confirmed: false,
        },
      },
    ]);
  });

  it('takes a region not in the list when "another region" is chosen', async () => {
    setup();
    await nameIt();
    await waitFor(() => expect(el<HTMLSelectElement>('bucket-region').options).toHaveLength(4));
    await select('bucket-region', '(other)');
    await waitFor(() => expect(document.activeElement).toBe(el('bucket-region-other')));
    await fireEvent.click(screen.getByTestId('bucket-create'));
    expect(await screen.findByText("Type the region's name, or choose one from the list.")).toHaveAttribute('data-field', 'bucket-region');
    expect(callsOf('create_bucket')).toEqual([]);
    await type('bucket-region-other', 'eu-south-2');
    await fireEvent.click(screen.getByTestId('bucket-create'));
    await waitFor(() => expect(callsOf('create_bucket')).toHaveLength(1));
    expect(callsOf('create_bucket')[0]).toMatchObject({ spec: { region: 'eu-south-2' } });
  });

  it('takes free text for the region of a non-AWS store, and empty means the connection’s', async () => {
    setup(garage);
    const region = el('bucket-region');
    expect(region.tagName).toBe('INPUT');
    expect(region).toHaveAttribute('placeholder', "Use the connection's region (garage)");
    expect(callsOf('list_regions')).toEqual([]);
    await nameIt();
    await type('bucket-region', 'garage-eu');
    await fireEvent.click(screen.getByTestId('bucket-create'));
    await waitFor(() => expect(callsOf('create_bucket')).toHaveLength(1));
    expect(callsOf('create_bucket')[0]).toMatchObject({ spec: { region: 'garage-eu' } });
  });

  it('turns versioning on and fixes it while object lock is on, with the warning', async () => {
    setup();
    await fireEvent.click(el('bucket-object-lock'));
    expect(el('bucket-versioning').checked).toBe(true);
    expect(el('bucket-versioning').disabled).toBe(true);
    expect(screen.getByTestId('object-lock-warning')).toHaveTextContent("Object lock can't be turned off once the bucket exists");

    await nameIt();
    await fireEvent.click(screen.getByTestId('bucket-create'));
    await waitFor(() => expect(callsOf('create_bucket')).toHaveLength(1));
    expect(callsOf('create_bucket')[0]).toMatchObject({ spec: { versioning: true, object_lock: true } });

    await fireEvent.click(el('bucket-object-lock'));
    expect(el('bucket-versioning').disabled).toBe(false);
    expect(screen.queryByTestId('object-lock-warning')).toBeNull();
  });

  it('shows the ACL section only while ACLs are on', async () => {
    setup();
    expect(document.getElementById('bucket-acl')).toBeNull();
    expect(screen.queryByTestId('bucket-acl-section')).toBeNull();
    await choose('bucket-ownership-bucket_owner_preferred');
    expect(el('bucket-acl')).toBeInTheDocument();
    await choose('bucket-ownership-bucket_owner_enforced');
    expect(document.getElementById('bucket-acl')).toBeNull();
  });

  it('needs Block Public Access off and an explicit confirmation for a public ACL', async () => {
    setup();
    await nameIt();
    await choose('bucket-ownership-object_writer');
    await select('bucket-acl', 'public-read');

    // Block Public Access is still on: no confirmation yet, and Create refuses.
    expect(screen.getByTestId('bucket-public')).toHaveTextContent('Block Public Access refuses');
    expect(document.getElementById('bucket-public-confirm')).toBeNull();
    await fireEvent.click(screen.getByTestId('bucket-create'));
    expect(await screen.findByText("Can't create yet: check the public access confirmation.")).toBeInTheDocument();
    expect(callsOf('create_bucket')).toEqual([]);

    await fireEvent.click(screen.getByTestId('bucket-allow-public'));
    expect(el('bucket-bpa').checked).toBe(false);
    const confirm = screen.getByLabelText("I understand that anyone on the internet can list this bucket's objects.");
    expect(confirm).not.toBeChecked();
    await fireEvent.click(screen.getByTestId('bucket-create'));
    expect(callsOf('create_bucket')).toEqual([]);

    await fireEvent.click(confirm);
    // A wider ACL is a different sentence and needs its own tick.
    await select('bucket-acl', 'public-read-write');
    const wider = screen.getByLabelText(
      "I understand that anyone on the internet can list this bucket's objects and add, overwrite and delete objects in it.",
    );
    expect(wider).not.toBeChecked();
    await fireEvent.click(wider);
    await fireEvent.click(screen.getByTestId('bucket-create'));
    await waitFor(() => expect(callsOf('create_bucket')).toHaveLength(1));
    expect(callsOf('create_bucket')[0]).toMatchObject({
      spec: {
        block_public_access: false,
        ownership: 'object_writer',
        acl: 'public-read-write',
        grants: [],
        public_confirmed: true,
      },
    });
  });

  it('treats a grant to everyone as public too', async () => {
    setup();
    await choose('bucket-ownership-bucket_owner_preferred');
    await fireEvent.click(screen.getByRole('button', { name: 'Add grant' }));
    await fireEvent.input(screen.getByLabelText('Grant 1 grantee'), {
      target: { value: 'uri=http://acs.amazonaws.com/groups/global/AllUsers' },
    });
    expect(screen.getByTestId('bucket-public')).toBeInTheDocument();
    await fireEvent.click(el('bucket-bpa'));
    expect(screen.getByLabelText("I understand that anyone on the internet can list this bucket's objects.")).toBeInTheDocument();
  });

  it('keeps everything and shows a taken name under Name, offering to open one that is yours', async () => {
    created = engineError('already_exists', 'You already have a bucket called team-reports.', 'BucketAlreadyOwnedByYou');
    const { oncreated, onopen } = setup(aws, ['team-reports']);
    await nameIt();
    await fireEvent.click(el('bucket-versioning'));
    await fireEvent.click(screen.getByTestId('bucket-create'));

    const error = await screen.findByTestId('bucket-create-error');
    expect(error).toHaveAttribute('data-code', 'already_exists');
    expect(error).toHaveTextContent('You already have a bucket called team-reports.');
    expect(el('bucket-name').parentElement).toContainElement(error);
    expect(oncreated).not.toHaveBeenCalled();
    expect(screen.getByTestId('bucket-wizard')).toBeInTheDocument();
    expect(el('bucket-name').value).toBe('team-reports');
    expect(el('bucket-versioning').checked).toBe(true);
    await waitFor(() => expect(document.activeElement).toBe(el('bucket-name')));

    await fireEvent.click(screen.getByRole('button', { name: 'Open team-reports' }));
    expect(onopen).toHaveBeenCalledWith('team-reports');

    // Editing the name clears the stale answer.
    await type('bucket-name', 'team-reports-2');
    expect(screen.queryByTestId('bucket-create-error')).toBeNull();
  });

  it('shows other create errors by the Create button, by code', async () => {
    created = engineError('limit_reached', 'This account already has the most buckets it may have (100).');
    setup();
    await nameIt();
    await fireEvent.click(screen.getByTestId('bucket-create'));
    const error = await screen.findByTestId('bucket-create-error');
    expect(error).toHaveAttribute('data-code', 'limit_reached');
    expect(el('bucket-name').parentElement).not.toContainElement(error);
  });

  it('asks for the KMS key when SSE-KMS is chosen, and sends it', async () => {
    setup();
    await nameIt();
    await choose('bucket-encryption-sse_kms');
    await fireEvent.click(screen.getByTestId('bucket-create'));
    expect(await screen.findByText('Enter the KMS key ID, ARN or alias (alias/…).')).toHaveAttribute('data-field', 'bucket-kms-key');
    expect(callsOf('create_bucket')).toEqual([]);
    await type('bucket-kms-key', 'alias/finance');
    await fireEvent.click(screen.getByTestId('bucket-create'));
    await waitFor(() => expect(callsOf('create_bucket')).toHaveLength(1));
    expect(callsOf('create_bucket')[0]).toMatchObject({ spec: { encryption: { kind: 'sse_kms', key_id: 'alias/finance' } } });
  });

  it('shows creating in place and does not send twice', async () => {
    const later = deferred<unknown>();
    created = later.promise;
    setup();
    await nameIt();
    await fireEvent.click(screen.getByTestId('bucket-create'));
    await waitFor(() => expect(screen.getByTestId('bucket-create')).toHaveAttribute('aria-disabled', 'true'));
    await fireEvent.click(screen.getByTestId('bucket-create'));
    expect(callsOf('create_bucket')).toHaveLength(1);
    later.resolve(REPORT);
  });
});
