import { describe, expect, it } from 'vitest';
import {
  buildBucketSpec,
  checkGrants,
  checkRegionText,
  checkTags,
  emptyBucketForm,
  fieldOfCreateError,
  publicExposure,
  validateBucketForm,
  type BucketFormValues,
} from './bucketSpec';

function form(over: Partial<BucketFormValues> = {}): BucketFormValues {
  return { ...emptyBucketForm(), name: 'team-reports', ...over };
}

const tag = (key: string, value = '', id = 1) => ({ id, key, value });
const grant = (grantee: string, permission: 'read' | 'write' | 'full_control' = 'read', id = 1) => ({ id, permission, grantee });
const ALL_USERS = 'uri=http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'uri=http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

describe('the spec sent to the engine', () => {
  it('is the safe defaults for an untouched form', () => {
    expect(buildBucketSpec(form({ name: '  team-reports ' }))).toEqual({
      name: 'team-reports',
      region: null,
      block_public_access: true,
      ownership: 'bucket_owner_enforced',
      encryption: { kind: 'sse_s3' },
      versioning: false,
      object_lock: false,
      tags: [],
      acl: null,
      grants: [],
      public_confirmed: false,
    });
  });

  it('turns versioning on with object lock', () => {
    expect(buildBucketSpec(form({ objectLock: true }))).toMatchObject({ versioning: true, object_lock: true });
  });

  it('drops empty tag rows and trims keys', () => {
    expect(buildBucketSpec(form({ tags: [tag(' project ', 'apollo'), tag('', '', 2)] })).tags).toEqual([
      { key: 'project', value: 'apollo' },
    ]);
  });

  it('sends no ACL or grants while ACLs are off, whatever the hidden fields hold', () => {
    const spec = buildBucketSpec(form({ acl: 'public-read', grants: [grant(ALL_USERS)], publicConfirmed: true }));
    expect(spec).toMatchObject({ acl: null, grants: [], public_confirmed: false });
  });

  it('sends the ACL, grants and the confirmation while ACLs are on', () => {
    const spec = buildBucketSpec(
      form({ ownership: 'object_writer', blockPublicAccess: false, acl: 'public-read', grants: [grant(' id=abc ')], publicConfirmed: true }),
    );
    expect(spec).toMatchObject({ acl: 'public-read', grants: [{ permission: 'read', grantee: 'id=abc' }], public_confirmed: true });
    expect(buildBucketSpec(form({ ownership: 'object_writer', acl: 'private' })).acl).toBeNull();
  });

  it('sends the KMS key and the storage default', () => {
    expect(buildBucketSpec(form({ encryption: 'sse_kms', kmsKeyId: ' alias/x ' })).encryption).toEqual({ kind: 'sse_kms', key_id: 'alias/x' });
    expect(buildBucketSpec(form({ encryption: 'storage_default' })).encryption).toEqual({ kind: 'storage_default' });
  });
});

describe('what becomes public', () => {
  it('is nothing with ACLs off or a private ACL', () => {
    expect(publicExposure(form({ acl: 'public-read' }))).toBeNull();
    expect(publicExposure(form({ ownership: 'bucket_owner_preferred' }))).toBeNull();
    expect(publicExposure(form({ ownership: 'object_writer', grants: [grant('id=abc', 'full_control')] }))).toBeNull();
  });

  it.each([
    ['public-read', "I understand that anyone on the internet can list this bucket's objects."],
    [
      'public-read-write',
      "I understand that anyone on the internet can list this bucket's objects and add, overwrite and delete objects in it.",
    ],
    ['authenticated-read', "I understand that anyone with an AWS account, in any company, can list this bucket's objects."],
  ] as const)('says it for %s', (acl, sentence) => {
    expect(publicExposure(form({ ownership: 'object_writer', acl }))).toBe(sentence);
  });

  it('counts grants to everyone and to every AWS account', () => {
    expect(publicExposure(form({ ownership: 'object_writer', grants: [grant(ALL_USERS, 'write')] }))).toBe(
      'I understand that anyone on the internet can add, overwrite and delete objects in it.',
    );
    expect(
      publicExposure(form({ ownership: 'object_writer', acl: 'public-read', grants: [grant(AUTH_USERS, 'full_control')] })),
    ).toBe(
      "I understand that anyone on the internet can list this bucket's objects, and anyone with an AWS account, in any company, can add, overwrite and delete objects in it, read the bucket's permissions and change the bucket's permissions.",
    );
  });

  it('must have Block Public Access off and the confirmation', () => {
    const pub = { ownership: 'object_writer', acl: 'public-read' } as const;
    expect(validateBucketForm(form(pub), null, 'list')['bucket-public-confirm']).toMatch(/Block Public Access is on/);
    expect(validateBucketForm(form({ ...pub, blockPublicAccess: false }), null, 'list')['bucket-public-confirm']).toMatch(/Tick the box/);
    expect(validateBucketForm(form({ ...pub, blockPublicAccess: false, publicConfirmed: true }), null, 'list')).toEqual({});
  });
});

describe('rules', () => {
  it('checks tags the way S3 does', () => {
    expect(checkTags([tag('', '')])).toBeNull();
    expect(checkTags([tag('', 'x')])).toBe('Tag 1 has a value but no key.');
    expect(checkTags([tag('a', '1'), tag('a', '2', 2)])).toBe('Tag 2: the key "a" is already used; each key can be used once.');
    expect(checkTags([tag('aws:cost')])).toMatch(/reserved/);
    expect(checkTags([tag('k'.repeat(129))])).toMatch(/at most 128/);
    expect(checkTags(Array.from({ length: 51 }, (_, i) => tag(`k${i}`, '', i)))).toBe('A bucket can have at most 50 tags.');
  });

  it('checks grantees', () => {
    expect(checkGrants([grant('id=abc'), grant('emailAddress=a@b.c'), grant(ALL_USERS)])).toBeNull();
    expect(checkGrants([grant('')])).toMatch(/needs a grantee/);
    expect(checkGrants([grant('bob')])).toMatch(/write the grantee as/);
  });

  it('checks a free-text region only for its shape', () => {
    expect(checkRegionText('')).toBeNull();
    expect(checkRegionText('garage')).toBeNull();
    expect(checkRegionText('eu west')).toMatch(/is not a region name/);
    expect(checkRegionText(' ', true)).toBe("Type the region's name, or choose one from the list.");
  });

  it('puts create errors next to the field they are about', () => {
    const e = (code: 'already_exists' | 'invalid_input' | 'wrong_region' | 'access_denied') => ({ code, message: 'm', detail: null });
    expect(fieldOfCreateError(e('already_exists'), false)).toBe('bucket-name');
    expect(fieldOfCreateError(e('wrong_region'), false)).toBe('bucket-region');
    expect(fieldOfCreateError(e('invalid_input'), true)).toBe('bucket-name');
    expect(fieldOfCreateError(e('invalid_input'), false)).toBeNull();
    expect(fieldOfCreateError(e('access_denied'), false)).toBeNull();
  });
});
