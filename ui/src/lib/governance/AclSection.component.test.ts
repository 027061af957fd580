import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import AclSection from './AclSection.svelte';
import { answer, callsOf, engineError } from '../../test/ipc';
import { toGrant, toRow } from './acl';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const CHOICES = [
  { ownership: 'bucket_owner_enforced', meaning: 'ACLs are off: the bucket owner owns every object, and only policies grant access.' },
  { ownership: 'bucket_owner_preferred', meaning: 'ACLs are on; uploads with bucket-owner-full-control belong to the owner.' },
  { ownership: 'object_writer', meaning: 'ACLs are on; whoever uploads an object owns it.' },
];
const OWNER = { grant: { permission: 'full_control', grantee: 'id=abc' }, says: 'The owner has full control', public: false };
const PUBLIC = { grant: { permission: 'read', grantee: 'uri=http://acs.amazonaws.com/groups/global/AllUsers' }, says: 'Everyone on the internet can read the object', public: true };
const OFF = { ownership: 'bucket_owner_enforced', choices: CHOICES, available: true, enabled: false, grants: [OWNER], note: 'ACLs are off for this bucket.' };
const ON = { ...OFF, ownership: 'object_writer', enabled: true, note: null };

let view: unknown = ON;
beforeEach(() => {
  view = ON;
  answer({
    acl: () => view,
    set_bucket_ownership: (a: Record<string, unknown>) => {
      view = { ...ON, ownership: a.ownership, enabled: a.ownership !== 'bucket_owner_enforced' };
      return true;
    },
    set_acl: (a: Record<string, unknown>) =>
      a.confirmed ? { ...ON, grants: [OWNER, PUBLIC] } : engineError('needs_confirmation', 'That makes "report.csv" public: anyone on the internet can read the object.'),
  });
});

describe('AclSection', () => {
  it('explains, rather than fails, when ACLs are off, and lets ownership be changed', async () => {
    view = OFF;
    render(AclSection, { props: { connectionId: 'c1', bucket: 'b' } });
    expect(await screen.findByTestId('acl-off')).toHaveTextContent('ACLs are off for this bucket.');
    expect(screen.getByTestId('acl-grant')).toHaveTextContent('The owner has full control');
    expect(screen.queryByTestId('acl-canned')).toBeNull();
    expect(screen.getByTestId('ownership-bucket_owner_enforced')).toBeChecked();

    await fireEvent.click(screen.getByTestId('ownership-object_writer'));
    await fireEvent.click(screen.getByTestId('ownership-apply'));
    await waitFor(() => expect(callsOf('set_bucket_ownership')).toEqual([{ connectionId: 'c1', bucket: 'b', ownership: 'object_writer' }]));
    expect(await screen.findByTestId('acl-canned')).toBeInTheDocument();
  });

  it('says in place when the storage has no ACLs at all', async () => {
    view = { ownership: 'bucket_owner_enforced', choices: [], available: false, enabled: false, grants: [], note: 'This storage has no ACLs or Object Ownership.' };
    render(AclSection, { props: { connectionId: 'c1', bucket: 'b', objectKey: 'k' } });
    expect(await screen.findByTestId('acl-unavailable')).toHaveTextContent('This storage has no ACLs or Object Ownership.');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('asks to confirm what the engine says would become public, and sends it confirmed only then', async () => {
    render(AclSection, { props: { connectionId: 'c1', bucket: 'b', objectKey: 'report.csv' } });
    // An object has no ownership of its own, and no "public read and write".
    await fireEvent.click(await screen.findByTestId('acl-canned'));
    expect(screen.queryByTestId('ownership-object_writer')).toBeNull();
    const choice = screen.getByTestId('acl-canned-choice') as HTMLSelectElement;
    expect([...choice.options].map((o) => o.value)).toEqual(['private', 'public-read', 'authenticated-read']);
    await fireEvent.change(choice, { target: { value: 'public-read' } });
    await fireEvent.click(screen.getByTestId('acl-apply'));
    expect(await screen.findByTestId('acl-confirm')).toHaveTextContent('anyone on the internet can read the object');
    // Not confirmed yet: Apply does nothing.
    await fireEvent.click(screen.getByTestId('acl-apply'));
    expect(callsOf('set_acl')).toHaveLength(1);
    await fireEvent.click(screen.getByTestId('acl-confirm-public'));
    await fireEvent.click(screen.getByTestId('acl-apply'));
    await waitFor(() => expect(screen.getAllByTestId('acl-grant')).toHaveLength(2));
    expect(callsOf('set_acl')).toEqual([
      { connectionId: 'c1', bucket: 'b', key: 'report.csv', canned: 'public-read', grants: [], confirmed: false },
      { connectionId: 'c1', bucket: 'b', key: 'report.csv', canned: 'public-read', grants: [], confirmed: true },
    ]);
    expect(screen.getAllByTestId('acl-grant')[1]).toHaveAttribute('data-public', 'true');
  });

  it('edits grants starting from the ACL as it is', async () => {
    render(AclSection, { props: { connectionId: 'c1', bucket: 'b' } });
    await fireEvent.click(await screen.findByTestId('acl-grants'));
    expect(screen.getAllByTestId('acl-row')).toHaveLength(1);
    await fireEvent.click(screen.getByTestId('acl-add-grant'));
    const inputs = screen.getAllByLabelText('Canonical user ID');
    await fireEvent.input(inputs[1], { target: { value: 'def' } });
    await fireEvent.click(screen.getByTestId('acl-apply'));
    await waitFor(() => expect(callsOf('set_acl')).toHaveLength(1));
    expect(callsOf('set_acl')[0]).toMatchObject({
      key: null,
      canned: null,
      grants: [
        { permission: 'full_control', grantee: 'id=abc' },
        { permission: 'read', grantee: 'id=def' },
      ],
    });
  });
});

describe('acl rows', () => {
  it('turn into grants and back', () => {
    expect(toGrant({ permission: 'read', kind: 'everyone', value: '' })).toEqual({ permission: 'read', grantee: 'uri=http://acs.amazonaws.com/groups/global/AllUsers' });
    expect(toGrant({ permission: 'read_acp', kind: 'email', value: ' ana@example.com ' })).toEqual({ permission: 'read_acp', grantee: 'emailAddress=ana@example.com' });
    expect(toRow({ permission: 'read', grantee: 'uri=http://acs.amazonaws.com/groups/global/AuthenticatedUsers' })).toEqual({ permission: 'read', kind: 'aws_accounts', value: '' });
    expect(toRow({ permission: 'write_acp', grantee: 'id=abc' })).toEqual({ permission: 'write_acp', kind: 'id', value: 'abc' });
  });
});
