// The ACL editor's rows: what the user picks (a permission, a kind of grantee and its value) and the
// `Grant` the engine checks and sends. Whether a change makes anything public is the engine's call:
// it refuses with `needs_confirmation`, and the editor asks.
import type { CannedAcl, Grant, GrantPermission } from '$lib/bindings';

export type GranteeKind = 'id' | 'email' | 'everyone' | 'aws_accounts';

export interface GrantRow {
  permission: GrantPermission;
  kind: GranteeKind;
  value: string;
}

const GROUP = 'http://acs.amazonaws.com/groups/global/';

export const GRANTEE_KINDS: { kind: GranteeKind; label: string; needsValue: boolean }[] = [
  { kind: 'id', label: 'Canonical user ID', needsValue: true },
  { kind: 'email', label: 'E-mail address', needsValue: true },
  { kind: 'everyone', label: 'Everyone (public)', needsValue: false },
  { kind: 'aws_accounts', label: 'Any AWS account', needsValue: false },
];

export const PERMISSIONS: { permission: GrantPermission; label: string; bucketOnly?: boolean }[] = [
  { permission: 'read', label: 'Read' },
  { permission: 'write', label: 'Write', bucketOnly: true },
  { permission: 'read_acp', label: 'Read ACL' },
  { permission: 'write_acp', label: 'Change ACL' },
  { permission: 'full_control', label: 'Full control' },
];

export const CANNED: { acl: CannedAcl; label: string; bucketOnly?: boolean }[] = [
  { acl: 'private', label: 'Private (owner only)' },
  { acl: 'public-read', label: 'Public read' },
  { acl: 'public-read-write', label: 'Public read and write', bucketOnly: true },
  { acl: 'authenticated-read', label: 'Any AWS account can read' },
];

export function toGrant(row: GrantRow): Grant {
  const grantee =
    row.kind === 'id'
      ? `id=${row.value.trim()}`
      : row.kind === 'email'
        ? `emailAddress=${row.value.trim()}`
        : row.kind === 'everyone'
          ? `uri=${GROUP}AllUsers`
          : `uri=${GROUP}AuthenticatedUsers`;
  return { permission: row.permission, grantee };
}

/** The rows for grants read back, so "edit" starts from what the ACL holds. */
export function toRow(grant: Grant): GrantRow {
  const [kind, value] = [grant.grantee.slice(0, grant.grantee.indexOf('=')), grant.grantee.slice(grant.grantee.indexOf('=') + 1)];
  if (kind === 'uri' && value.endsWith('/AllUsers')) return { permission: grant.permission, kind: 'everyone', value: '' };
  if (kind === 'uri' && value.endsWith('/AuthenticatedUsers')) return { permission: grant.permission, kind: 'aws_accounts', value: '' };
  if (kind === 'emailAddress') return { permission: grant.permission, kind: 'email', value };
  return { permission: grant.permission, kind: 'id', value };
}

export const OWNERSHIP_LABEL = {
  bucket_owner_enforced: 'Bucket owner enforced (ACLs off)',
  bucket_owner_preferred: 'Bucket owner preferred',
  object_writer: 'Object writer',
} as const;
