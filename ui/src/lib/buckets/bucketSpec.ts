// The new-bucket wizard without its looks: what its fields hold, the choices and what each one
// means in plain words, the rules checked before anything is sent, and the `NewBucket` the engine
// receives. The bucket name's own rules are the engine's (`checkBucketName`), not repeated here.

import type {
  AppError_Serialize,
  CannedAcl,
  DefaultEncryption,
  Grant,
  GrantPermission,
  NewBucket_Deserialize,
  Ownership,
  Tag,
} from '$lib/bindings';

export type EncryptionKind = DefaultEncryption['kind'];

export interface TagRow {
  /** Only for Svelte's keyed list; never sent. */
  id: number;
  key: string;
  value: string;
}

export interface GrantRow {
  id: number;
  permission: GrantPermission;
  grantee: string;
}

/** Everything the wizard's fields hold. */
export interface BucketFormValues {
  name: string;
  /** Empty: the connection's region. */
  region: string;
  blockPublicAccess: boolean;
  ownership: Ownership;
  encryption: EncryptionKind;
  kmsKeyId: string;
  versioning: boolean;
  objectLock: boolean;
  tags: TagRow[];
  acl: CannedAcl;
  grants: GrantRow[];
  publicConfirmed: boolean;
}

/** The fields a rule can be broken in; also the `data-field` of their messages. */
export type BucketField =
  | 'bucket-name'
  | 'bucket-region'
  | 'bucket-kms-key'
  | 'bucket-tags'
  | 'bucket-grants'
  | 'bucket-public-confirm';

/** Fields top to bottom, so "the first error" is the one highest in the sheet. */
export const BUCKET_FIELD_ORDER: readonly BucketField[] = [
  'bucket-name',
  'bucket-region',
  'bucket-kms-key',
  'bucket-tags',
  'bucket-grants',
  'bucket-public-confirm',
];

/** The element each field's message belongs to (ids are stable: end-to-end tests use some). */
export const BUCKET_INPUT_IDS: Readonly<Record<BucketField, string>> = {
  'bucket-name': 'bucket-name',
  'bucket-region': 'bucket-region',
  'bucket-kms-key': 'bucket-kms-key',
  'bucket-tags': 'bucket-tags',
  'bucket-grants': 'bucket-grants',
  'bucket-public-confirm': 'bucket-public-confirm',
};

export const BUCKET_FIELD_LABELS: Readonly<Record<BucketField, string>> = {
  'bucket-name': 'Name',
  'bucket-region': 'Region',
  'bucket-kms-key': 'the KMS key',
  'bucket-tags': 'Tags',
  'bucket-grants': 'Grants',
  'bucket-public-confirm': 'the public access confirmation',
};

export type BucketErrors = Partial<Record<BucketField, string>>;

/** S3's limits on bucket tags. */
export const MAX_TAGS = 50;
export const MAX_TAG_KEY_CHARS = 128;
export const MAX_TAG_VALUE_CHARS = 256;

export function emptyBucketForm(): BucketFormValues {
  return {
    name: '',
    region: '',
    blockPublicAccess: true,
    ownership: 'bucket_owner_enforced',
    encryption: 'sse_s3',
    kmsKeyId: '',
    versioning: false,
    objectLock: false,
    tags: [],
    acl: 'private',
    grants: [],
    publicConfirmed: false,
  };
}

export const OWNERSHIP_CHOICES: readonly { value: Ownership; label: string; hint: string }[] = [
  {
    value: 'bucket_owner_enforced',
    label: 'Bucket owner enforced (ACLs off)',
    hint: 'Recommended. Your account owns every object; who has access is set by policies only.',
  },
  {
    value: 'bucket_owner_preferred',
    label: 'Bucket owner preferred',
    hint: 'ACLs stay on. Your account owns objects that others upload with full control for you.',
  },
  {
    value: 'object_writer',
    label: 'Object writer',
    hint: 'ACLs stay on. Whoever uploads an object owns it, even from another account.',
  },
];

export const ENCRYPTION_CHOICES: readonly { value: EncryptionKind; label: string; hint: string }[] = [
  {
    value: 'sse_s3',
    label: 'Encrypt with keys the storage manages (SSE-S3)',
    hint: 'Recommended. Files are encrypted at rest at no extra cost.',
  },
  {
    value: 'sse_kms',
    label: 'Encrypt with an AWS KMS key (SSE-KMS)',
    hint: 'Your own key in AWS KMS; its key policy also decides who can read the files.',
  },
  {
    value: 'storage_default',
    label: 'Storage default',
    hint: "Leave encryption to the storage's own setting.",
  },
];

export const ACL_CHOICES: readonly { value: CannedAcl; label: string }[] = [
  { value: 'private', label: 'Private: only your account' },
  { value: 'public-read', label: 'Public read: anyone can list the objects' },
  { value: 'public-read-write', label: 'Public read and write: anyone can list, add and delete objects' },
  { value: 'authenticated-read', label: 'Authenticated read: any AWS account can list the objects' },
];

export const PERMISSION_CHOICES: readonly { value: GrantPermission; label: string }[] = [
  { value: 'read', label: 'Read (list objects)' },
  { value: 'write', label: 'Write (add, overwrite, delete objects)' },
  { value: 'read_acp', label: 'Read permissions' },
  { value: 'write_acp', label: 'Change permissions' },
  { value: 'full_control', label: 'Full control' },
];

/** True when objects' access can be set by ACLs (the ACL section is shown and sent). */
export function aclsOn(v: BucketFormValues): boolean {
  return v.ownership !== 'bucket_owner_enforced';
}

/** Versioning as it will be: object lock needs it, so it is on whenever object lock is. */
export function versioningOn(v: BucketFormValues): boolean {
  return v.versioning || v.objectLock;
}

// ---- Public access ----

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

type Ability = 'list' | 'write' | 'read_acp' | 'write_acp';
const ABILITY_ORDER: readonly Ability[] = ['list', 'write', 'read_acp', 'write_acp'];
const ABILITY_WORDS: Readonly<Record<Ability, string>> = {
  list: "list this bucket's objects",
  write: 'add, overwrite and delete objects in it',
  read_acp: "read the bucket's permissions",
  write_acp: "change the bucket's permissions",
};
const PERMISSION_ABILITIES: Readonly<Record<GrantPermission, readonly Ability[]>> = {
  read: ['list'],
  write: ['write'],
  read_acp: ['read_acp'],
  write_acp: ['write_acp'],
  full_control: ABILITY_ORDER,
};

function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function granteeUri(grantee: string): string | null {
  const m = /^\s*uri\s*=\s*"?([^"]*)"?\s*$/i.exec(grantee);
  return m ? m[1].trim() : null;
}

/**
 * What the ACL section would make public, as the sentence the user must tick ("I understand that
 * anyone on the internet can list this bucket's objects."); null when nothing is public. Public is
 * a public canned ACL, or a grant to everyone (AllUsers) or to every AWS account
 * (AuthenticatedUsers). Nothing is public while ACLs are off.
 */
export function publicExposure(v: BucketFormValues): string | null {
  if (!aclsOn(v)) return null;
  const internet = new Set<Ability>();
  const anyAccount = new Set<Ability>();
  if (v.acl === 'public-read') internet.add('list');
  if (v.acl === 'public-read-write') {
    internet.add('list');
    internet.add('write');
  }
  if (v.acl === 'authenticated-read') anyAccount.add('list');
  for (const g of v.grants) {
    const uri = granteeUri(g.grantee);
    const to = uri === ALL_USERS ? internet : uri === AUTHENTICATED_USERS ? anyAccount : null;
    for (const a of to ? PERMISSION_ABILITIES[g.permission] : []) to?.add(a);
  }
  const clauses: string[] = [];
  const internetWords = ABILITY_ORDER.filter((a) => internet.has(a)).map((a) => ABILITY_WORDS[a]);
  if (internetWords.length) clauses.push(`anyone on the internet can ${joinWords(internetWords)}`);
  const accountWords = ABILITY_ORDER.filter((a) => anyAccount.has(a) && !internet.has(a)).map((a) => ABILITY_WORDS[a]);
  if (accountWords.length) clauses.push(`anyone with an AWS account, in any company, can ${joinWords(accountWords)}`);
  if (clauses.length === 0) return null;
  return `I understand that ${clauses.join(', and ')}.`;
}

// ---- Rules checked before sending. Each names the broken rule. ----

export function checkKmsKey(v: BucketFormValues): string | null {
  if (v.encryption !== 'sse_kms') return null;
  const key = v.kmsKeyId.trim();
  if (key === '') return 'Enter the KMS key ID, ARN or alias (alias/…).';
  if (/\s/.test(key)) return "KMS key IDs can't contain spaces.";
  return null;
}

/**
 * How the region is being given: picked from Amazon's list, typed for a store with its own names
 * (empty means the connection's), or typed after choosing "another region" (then it is needed).
 */
export type RegionEntry = 'list' | 'text' | 'other';

/** Free text is allowed (other stores name their own regions); it only has to look like a name. */
export function checkRegionText(raw: string, required = false): string | null {
  const region = raw.trim();
  if (region === '') return required ? "Type the region's name, or choose one from the list." : null;
  if (/^[a-z0-9]([a-z0-9_-]{0,62}[a-z0-9])?$/i.test(region)) return null;
  return `"${region}" is not a region name: use letters, digits and hyphens, e.g. eu-west-1.`;
}

/** Rows with neither key nor value are ignored; the rest must follow S3's tag rules. */
export function checkTags(rows: readonly TagRow[]): string | null {
  const seen = new Set<string>();
  const filled = rows.filter((r) => r.key.trim() !== '' || r.value.trim() !== '');
  if (filled.length > MAX_TAGS) return `A bucket can have at most ${MAX_TAGS} tags.`;
  for (const [i, r] of rows.entries()) {
    const key = r.key.trim();
    if (key === '' && r.value.trim() === '') continue;
    const n = i + 1;
    if (key === '') return `Tag ${n} has a value but no key.`;
    if ([...key].length > MAX_TAG_KEY_CHARS) return `Tag ${n}: keys can be at most ${MAX_TAG_KEY_CHARS} characters.`;
    if ([...r.value].length > MAX_TAG_VALUE_CHARS) {
      return `Tag ${n}: values can be at most ${MAX_TAG_VALUE_CHARS} characters.`;
    }
    if (key.toLowerCase().startsWith('aws:')) return `Tag ${n}: keys starting with "aws:" are reserved by AWS.`;
    if (seen.has(key)) return `Tag ${n}: the key "${key}" is already used; each key can be used once.`;
    seen.add(key);
  }
  return null;
}

/** Grantees are `id=<canonical id>`, `emailAddress=<address>` or `uri=<group URI>`. */
export function checkGrants(rows: readonly GrantRow[]): string | null {
  for (const [i, g] of rows.entries()) {
    const grantee = g.grantee.trim();
    if (grantee === '') return `Grant ${i + 1} needs a grantee, e.g. id=…, emailAddress=… or uri=….`;
    if (!/^(id|emailAddress|uri)=\S/.test(grantee)) {
      return `Grant ${i + 1}: write the grantee as id=<canonical id>, emailAddress=<address> or uri=<group URI>.`;
    }
  }
  return null;
}

/** What stops a public ACL: Block Public Access still on, or the confirmation not ticked. */
export function checkPublic(v: BucketFormValues): string | null {
  if (publicExposure(v) === null) return null;
  if (v.blockPublicAccess) return 'Block Public Access is on, so a public ACL would be refused. Turn it off first.';
  if (!v.publicConfirmed) return 'Tick the box to confirm what becomes public.';
  return null;
}

/**
 * Every broken rule the wizard itself checks, one message per field. `nameError` is the engine's
 * answer for the current name (null when it is fine or not known yet).
 */
export function validateBucketForm(v: BucketFormValues, nameError: string | null, regionEntry: RegionEntry): BucketErrors {
  const found: BucketErrors = {};
  const add = (field: BucketField, message: string | null) => {
    if (message) found[field] = message;
  };
  add('bucket-name', nameError);
  if (regionEntry !== 'list') add('bucket-region', checkRegionText(v.region, regionEntry === 'other'));
  add('bucket-kms-key', checkKmsKey(v));
  add('bucket-tags', checkTags(v.tags));
  if (aclsOn(v)) {
    add('bucket-grants', checkGrants(v.grants));
    add('bucket-public-confirm', checkPublic(v));
  }
  return found;
}

export function firstBucketError(errors: BucketErrors): BucketField | null {
  return BUCKET_FIELD_ORDER.find((f) => errors[f] !== undefined) ?? null;
}

function encryptionOf(v: BucketFormValues): DefaultEncryption {
  switch (v.encryption) {
    case 'sse_s3':
      return { kind: 'sse_s3' };
    case 'sse_kms':
      return { kind: 'sse_kms', key_id: v.kmsKeyId.trim() };
    case 'storage_default':
      return { kind: 'storage_default' };
  }
}

/**
 * The spec the engine receives. With ACLs off the ACL and grants are not sent at all; with ACLs on,
 * "private" is sent as no ACL, since every new bucket is private already and a store without ACLs
 * would otherwise report a setting the user never changed as skipped.
 */
export function buildBucketSpec(v: BucketFormValues): NewBucket_Deserialize {
  const region = v.region.trim();
  const acls = aclsOn(v);
  const tags: Tag[] = v.tags
    .filter((t) => t.key.trim() !== '' || t.value.trim() !== '')
    .map((t) => ({ key: t.key.trim(), value: t.value }));
  const grants: Grant[] = acls ? v.grants.map((g) => ({ permission: g.permission, grantee: g.grantee.trim() })) : [];
  return {
    name: v.name.trim(),
    region: region === '' ? null : region,
    block_public_access: v.blockPublicAccess,
    ownership: v.ownership,
    encryption: encryptionOf(v),
    versioning: versioningOn(v),
    object_lock: v.objectLock,
    tags,
    acl: acls && v.acl !== 'private' ? v.acl : null,
    grants,
    public_confirmed: publicExposure(v) !== null && v.publicConfirmed,
  };
}

/**
 * Which field an engine error from `createBucket` belongs next to. The error says no field, so:
 * a taken name goes under Name, a region the storage refused under Region, and a rule broken in
 * the name (the local check fails too) under Name. Everything else goes next to the Create button.
 */
export function fieldOfCreateError(error: AppError_Serialize, nameBroken: boolean): BucketField | null {
  if (error.code === 'already_exists') return 'bucket-name';
  if (error.code === 'wrong_region') return 'bucket-region';
  if (error.code === 'invalid_input' && nameBroken) return 'bucket-name';
  return null;
}
