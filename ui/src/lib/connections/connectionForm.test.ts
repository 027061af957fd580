import { describeIdentity } from './identity';
import { describe, expect, it } from 'vitest';
import {
  buildDraft,
  checkAccessKeyId,
  checkEndpointUrl,
  checkName,
  checkProfile,
  checkRegion,
  checkSecret,
  describeLocation,
  describeTestReport,
  emptyForm,
  firstInvalidField,
  formFromConnection,
  validateForm,
  type ConnectionFormValues,
} from './connectionForm';
import { connection } from '../../test/ipc';

const others = [connection({ id: 'c1', name: 'AWS prod' }), connection({ id: 'c2', name: 'Garage' })];

function form(over: Partial<ConnectionFormValues> = {}): ConnectionFormValues {
  return {
    ...emptyForm(),
    name: 'MinIO',
    storage: 'custom',
    url: 'http://127.0.0.1:9000',
    pathStyle: true,
    accessKeyId: 'AKIAEXAMPLE',
    secret: 's3cr3t',
    ...over,
  };
}

describe('name rule', () => {
  it('accepts a plain name, and its own name when editing', () => {
    expect(checkName('Team archive', others, null)).toBeNull();
    expect(checkName('aws PROD', others, 'c1')).toBeNull();
    expect(checkName('x'.repeat(64), others, null)).toBeNull();
  });

  it.each([
    ['', 'Give the connection a name.'],
    ['   ', 'Give the connection a name.'],
    ['x'.repeat(65), 'Connection names can be at most 64 characters.'],
    ['tab\there', "Connection names can't contain control characters."],
    ['bell\u0007', "Connection names can't contain control characters."],
    ['aws prod', 'There\'s already a connection called "aws prod".'],
    ['  GARAGE ', 'There\'s already a connection called "GARAGE".'],
  ])('refuses %j', (name, message) => {
    expect(checkName(name, others, null)).toBe(message);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkName('📦'.repeat(64), others, null)).toBeNull();
  });
});

describe('endpoint URL rule', () => {
  it.each(['http://127.0.0.1:9000', 'https://minio.example.com', 'https://s3.example.com:9000/', 'http://[::1]:3900'])(
    'accepts %s',
    (url) => {
      expect(checkEndpointUrl(url)).toBeNull();
    },
  );

  it.each([
    ['', 'Enter the endpoint URL, e.g. https://minio.example.com:9000.'],
    ['https://my host:9000', "The endpoint URL can't contain spaces."],
    ['http://', 'The endpoint must be a full URL starting with http:// or https://.'],
    ['minio.example.com', 'The endpoint must be a full URL starting with http:// or https://.'],
    ['minio:9000', 'The endpoint must start with http:// or https://.'],
    ['ftp://files.example.com', 'The endpoint must start with http:// or https://.'],
    ['http://user:pass@minio.local', "Don't put credentials in the endpoint URL; use the key fields."],
    ['http://h:9000/bucket', 'The endpoint URL should end at the host and port (no bucket or path after it).'],
    ['https://h/?x-id=1', "The endpoint URL can't have a query or fragment."],
    ['https://h#top', "The endpoint URL can't have a query or fragment."],
    ['https://h/?', "The endpoint URL can't have a query or fragment."],
  ])('refuses %j', (url, message) => {
    expect(checkEndpointUrl(url)).toBe(message);
  });
});

describe('region rule', () => {
  it.each(['', 'eu-west-1', 'garage', 'auto', 'us-east-1', 'a', 'a'.repeat(32)])('accepts %j', (r) => {
    expect(checkRegion(r)).toBeNull();
  });

  it.each(['EU West', 'eu_west_1', '-eu', 'eu-', 'Eu-west-1', 'a'.repeat(33)])('refuses %j', (r) => {
    expect(checkRegion(r)).toBe(
      `"${r}" is not a region name. Regions look like eu-west-1: lowercase letters, digits and hyphens.`,
    );
  });
});

describe('key rules', () => {
  it('needs an access key id without spaces', () => {
    expect(checkAccessKeyId('AKIAEXAMPLE')).toBeNull();
    expect(checkAccessKeyId(' ')).toBe('Enter the access key ID.');
    expect(checkAccessKeyId('AKIA EXAMPLE')).toBe("Access key IDs can't contain spaces.");
  });

  it('needs a secret when adding, not when editing', () => {
    expect(checkSecret('s3cr3t', false)).toBeNull();
    expect(checkSecret('', false)).toBe('Enter the secret access key.');
    expect(checkSecret('', true)).toBeNull();
    expect(checkSecret('a b', true)).toBe("Secret access keys can't contain spaces.");
  });

  it('needs a profile name', () => {
    expect(checkProfile('prod')).toBeNull();
    expect(checkProfile('  ')).toBe('Choose an AWS profile.');
  });
});

describe('validateForm', () => {
  it('accepts a complete form', () => {
    expect(validateForm(form(), others)).toEqual({});
  });

  it('reports one message per field, first field first', () => {
    const errors = validateForm(form({ name: '', url: 'minio:9000', accessKeyId: '' }), others);
    expect(errors).toEqual({
      name: 'Give the connection a name.',
      url: 'The endpoint must start with http:// or https://.',
      'access-key': 'Enter the access key ID.',
    });
    expect(firstInvalidField(errors)).toBe('name');
  });

  it('checks only the fields the choices show', () => {
    expect(validateForm(form({ storage: 'aws', url: 'nonsense' }), others)).toEqual({});
    expect(validateForm(form({ credentials: 'env', accessKeyId: '', secret: '' }), others)).toEqual({});
    expect(validateForm(form({ credentials: 'profile', profile: '' }), others)).toEqual({
      profile: 'Choose an AWS profile.',
    });
  });

  it('keeps the stored secret on edit', () => {
    expect(validateForm(form({ id: 'c9', secret: '' }), others)).toEqual({});
    expect(validateForm(form({ id: null, secret: '' }), others)).toEqual({ secret: 'Enter the secret access key.' });
  });

  it('only checks the name of the sandbox', () => {
    const sandbox = form({ id: 's1', storage: 'sandbox', url: '', region: 'NOT A REGION', name: 'Garage' });
    expect(validateForm(sandbox, others)).toEqual({ name: 'There\'s already a connection called "Garage".' });
  });
});

describe('buildDraft', () => {
  it('builds an S3-compatible draft with trimmed fields and the secret', () => {
    const draft = buildDraft(
      form({ name: '  MinIO ', url: ' http://127.0.0.1:9000 ', region: ' ', accessKeyId: ' AKIA ', secret: ' s3 ' }),
    );
    expect(draft).toEqual({
      id: null,
      name: 'MinIO',
      endpoint: { kind: 'custom', url: 'http://127.0.0.1:9000' },
      region: null,
      addressing: 'path_style',
      credentials: { kind: 'keychain', access_key_id: 'AKIA' },
      secret_access_key: 's3',
      accelerate: false,
    });
  });

  it('builds an Amazon draft with a profile and no secret', () => {
    const draft = buildDraft(
      form({ storage: 'aws', pathStyle: false, region: 'eu-west-1', credentials: 'profile', profile: ' prod ' }),
    );
    expect(draft).toEqual({
      id: null,
      name: 'MinIO',
      endpoint: { kind: 'aws' },
      region: 'eu-west-1',
      addressing: 'virtual_hosted',
      credentials: { kind: 'profile', profile: 'prod' },
      secret_access_key: null,
      accelerate: false,
    });
  });

  it('sends no secret for the environment chain even if one was typed', () => {
    expect(buildDraft(form({ credentials: 'env', secret: 'typed-then-switched' }))).toMatchObject({
      credentials: { kind: 'environment' },
      secret_access_key: null,
      accelerate: false,
    });
  });

  it('sends a null secret on edit when the field is empty', () => {
    const saved = connection({ id: 'c7', name: 'Wasabi', endpoint: { kind: 'custom', url: 'https://s3.wasabisys.com' } });
    const v = formFromConnection(saved);
    expect(v.secret).toBe('');
    expect(buildDraft(v)).toEqual({
      id: 'c7',
      name: 'Wasabi',
      endpoint: { kind: 'custom', url: 'https://s3.wasabisys.com' },
      region: 'eu-west-1',
      addressing: 'virtual_hosted',
      credentials: { kind: 'keychain', access_key_id: 'AKIAEXAMPLE' },
      secret_access_key: null,
      accelerate: false,
    });
  });

  it('keeps the sandbox endpoint and credentials when it is renamed', () => {
    const sandbox = connection({
      id: 's1',
      name: 'Local sandbox',
      endpoint: { kind: 'sandbox' },
      region: 'garage',
      addressing: 'path_style',
      credentials: { kind: 'keychain', access_key_id: 'GKsandbox' },
    });
    const v = { ...formFromConnection(sandbox), name: 'Scratch' };
    expect(buildDraft(v)).toEqual({
      id: 's1',
      name: 'Scratch',
      endpoint: { kind: 'sandbox' },
      region: 'garage',
      addressing: 'path_style',
      credentials: { kind: 'keychain', access_key_id: 'GKsandbox' },
      secret_access_key: null,
      accelerate: false,
    });
  });
});

describe('formFromConnection', () => {
  it('reads each credential kind back', () => {
    expect(formFromConnection(connection({ id: 'a', name: 'A', credentials: { kind: 'environment' } })).credentials).toBe(
      'env',
    );
    const p = formFromConnection(connection({ id: 'b', name: 'B', credentials: { kind: 'profile', profile: 'dev' } }));
    expect([p.credentials, p.profile]).toEqual(['profile', 'dev']);
  });
});

describe('descriptions', () => {
  it('describes a test report', () => {
    expect(describeTestReport({ bucket_count: 3, region: 'eu-west-1', corrected_region: null, elapsed_ms: 120 })).toBe(
      'Connected — 3 buckets, region eu-west-1, 120 ms',
    );
    expect(describeTestReport({ bucket_count: 1, region: 'garage', corrected_region: 'garage', elapsed_ms: 8 })).toBe(
      'Connected — 1 bucket, region garage, 8 ms',
    );
  });

  it('describes where a connection points', () => {
    expect(describeLocation(connection({ id: 'a', name: 'A' }))).toBe('Amazon S3 (eu-west-1)');
    expect(describeLocation(connection({ id: 'a', name: 'A', region: null }))).toBe('Amazon S3');
    expect(
      describeLocation(connection({ id: 'a', name: 'A', endpoint: { kind: 'custom', url: 'http://127.0.0.1:3900' } })),
    ).toBe('http://127.0.0.1:3900');
    const sandbox = connection({ id: 's', name: 'S', endpoint: { kind: 'sandbox' } });
    expect(describeLocation(sandbox, '/home/ana/.local/share/satchel/sandbox')).toBe(
      'Local sandbox (/home/ana/.local/share/satchel/sandbox)',
    );
    expect(describeLocation(sandbox, null)).toBe('Local sandbox');
  });
});

describe('describeIdentity', () => {
  it('names users, roles and the root user the way an administrator does', () => {
    const base = { arn: 'arn', account: '111122223333', warning: null };
    expect(describeIdentity({ ...base, kind: 'iam_user', name: 'alice' })).toBe('Signed as IAM user alice · account 111122223333');
    expect(describeIdentity({ ...base, kind: 'assumed_role', name: 'Analysts/alice' })).toBe('Signed as role Analysts/alice · account 111122223333');
    expect(describeIdentity({ ...base, kind: 'root', name: 'root user' })).toBe('Signed as the root user · account 111122223333');
    expect(describeIdentity({ ...base, account: '', kind: 'other', name: 'x' })).toBe('Signed as principal x');
  });
});

describe('Transfer Acceleration in the draft', () => {
  it('is asked only of Amazon S3 connections', () => {
    const aws = { ...emptyForm(), name: 'AWS', accessKeyId: 'AKIA', secret: 's', accelerate: true };
    expect(buildDraft(aws).accelerate).toBe(true);
    expect(buildDraft({ ...aws, storage: 'custom', url: 'http://127.0.0.1:9000' }).accelerate).toBe(false);
  });
});
