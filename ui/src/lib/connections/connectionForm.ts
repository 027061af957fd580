// The connection form without its looks: what the fields hold, the rules they must meet (the same
// rules as `validate_draft` in satchel-core, so the user hears about a mistake before any request),
// and the draft the engine receives.

import type {
  Connection_Serialize,
  ConnectionDraft_Deserialize,
  CredentialSource,
  Endpoint,
  TestReport_Serialize,
} from '$lib/bindings';
import { plural } from '$lib/shared/format';

export type StorageKind = 'aws' | 'custom' | 'sandbox';
export type CredentialKind = 'keys' | 'profile' | 'env';

/** Everything the form's fields hold. The secret lives only here, in the open form. */
export interface ConnectionFormValues {
  /** The connection being edited; null when adding. */
  id: string | null;
  name: string;
  storage: StorageKind;
  url: string;
  region: string;
  pathStyle: boolean;
  /** Amazon S3 only: transfers and share links through Transfer Acceleration. */
  accelerate: boolean;
  credentials: CredentialKind;
  accessKeyId: string;
  secret: string;
  profile: string;
}

/** The fields a rule can be broken in; also the `data-field` of their messages. */
export type FieldName = 'name' | 'url' | 'region' | 'access-key' | 'secret' | 'profile';

/** Fields in the order they appear, so "the first error" means the one highest in the form. */
export const FIELD_ORDER: readonly FieldName[] = ['name', 'url', 'region', 'access-key', 'secret', 'profile'];

export type FieldErrors = Partial<Record<FieldName, string>>;

/** The id of each field's input: stable, end-to-end tests find the inputs by them. */
export const INPUT_IDS: Readonly<Record<FieldName, string>> = {
  name: 'conn-name',
  url: 'conn-url',
  region: 'conn-region',
  'access-key': 'conn-access-key',
  secret: 'conn-secret',
  profile: 'conn-profile',
};

/** Each field's label, for messages that point at a field. */
export const FIELD_LABELS: Readonly<Record<FieldName, string>> = {
  name: 'Name',
  url: 'Endpoint URL',
  region: 'Region',
  'access-key': 'Access key ID',
  secret: 'Secret access key',
  profile: 'AWS profile',
};

/** Longest connection name the engine accepts: it is shown in a sidebar row. */
export const MAX_NAME_CHARS = 64;

const REGION = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;
// Unicode category Cc, which is what Rust's `char::is_control` tests.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Path-style addressing is what almost every self-hosted store needs, and what AWS does not want. */
export function defaultPathStyle(storage: StorageKind): boolean {
  return storage !== 'aws';
}

export function emptyForm(): ConnectionFormValues {
  return {
    id: null,
    name: '',
    storage: 'aws',
    url: '',
    region: '',
    pathStyle: defaultPathStyle('aws'),
    accelerate: false,
    credentials: 'keys',
    accessKeyId: '',
    secret: '',
    profile: '',
  };
}

/** The form for editing a saved connection. The secret field starts empty: the keychain keeps it. */
export function formFromConnection(c: Connection_Serialize): ConnectionFormValues {
  const v = emptyForm();
  v.id = c.id;
  v.name = c.name;
  v.storage = c.endpoint.kind;
  v.url = c.endpoint.kind === 'custom' ? c.endpoint.url : '';
  v.region = c.region ?? '';
  v.pathStyle = c.addressing === 'path_style';
  v.accelerate = c.accelerate;
  switch (c.credentials.kind) {
    case 'keychain':
      v.credentials = 'keys';
      v.accessKeyId = c.credentials.access_key_id;
      break;
    case 'profile':
      v.credentials = 'profile';
      v.profile = c.credentials.profile;
      break;
    case 'environment':
      v.credentials = 'env';
      break;
  }
  return v;
}

// ---- Rules, one per field. Each returns the message naming the broken rule, or null. ----

export function checkName(raw: string, others: readonly Connection_Serialize[], selfId: string | null): string | null {
  const name = raw.trim();
  if (name === '') return 'Give the connection a name.';
  if ([...name].length > MAX_NAME_CHARS) return `Connection names can be at most ${MAX_NAME_CHARS} characters.`;
  if (CONTROL.test(name)) return "Connection names can't contain control characters.";
  const lower = name.toLowerCase();
  if (others.some((c) => c.id !== selfId && c.name.trim().toLowerCase() === lower)) {
    return `There's already a connection called "${name}".`;
  }
  return null;
}

/**
 * An endpoint must be an absolute http(s) URL with a host and nothing after the host and port: a
 * bucket or path in it would be signed into every request and break them all.
 */
export function checkEndpointUrl(raw: string): string | null {
  const text = raw.trim();
  if (text === '') return 'Enter the endpoint URL, e.g. https://minio.example.com:9000.';
  if (/\s/.test(text)) return "The endpoint URL can't contain spaces.";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'The endpoint must be a full URL starting with http:// or https://.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The endpoint must start with http:// or https://.';
  if (url.hostname === '') return 'The endpoint URL needs a host name.';
  if (url.username !== '' || url.password !== '') {
    return "Don't put credentials in the endpoint URL; use the key fields.";
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    return 'The endpoint URL should end at the host and port (no bucket or path after it).';
  }
  // `new URL` drops an empty query or fragment ("https://host/?"), the engine's parser does not.
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(text)) return "The endpoint URL can't have a query or fragment.";
  return null;
}

/** Empty is fine: the region is then detected. */
export function checkRegion(raw: string): string | null {
  const region = raw.trim();
  if (region === '' || REGION.test(region)) return null;
  return `"${region}" is not a region name. Regions look like eu-west-1: lowercase letters, digits and hyphens.`;
}

export function checkAccessKeyId(raw: string): string | null {
  const id = raw.trim();
  if (id === '') return 'Enter the access key ID.';
  if (/\s/.test(id) || CONTROL.test(id)) return "Access key IDs can't contain spaces.";
  return null;
}

/** On edit an empty secret keeps the stored one; when adding, a secret is needed. */
export function checkSecret(raw: string, editing: boolean): string | null {
  const secret = raw.trim();
  if (secret === '') return editing ? null : 'Enter the secret access key.';
  if (/\s/.test(secret)) return "Secret access keys can't contain spaces.";
  return null;
}

export function checkProfile(raw: string): string | null {
  return raw.trim() === '' ? 'Choose an AWS profile.' : null;
}

/**
 * Every broken rule, at most one message per field (the first rule that field breaks). Fields the
 * current choices hide are not checked, and the sandbox only has a name to get wrong.
 */
export function validateForm(v: ConnectionFormValues, others: readonly Connection_Serialize[]): FieldErrors {
  const found: FieldErrors = {};
  const add = (field: FieldName, message: string | null) => {
    if (message) found[field] = message;
  };
  add('name', checkName(v.name, others, v.id));
  if (v.storage === 'sandbox') return found;
  if (v.storage === 'custom') add('url', checkEndpointUrl(v.url));
  add('region', checkRegion(v.region));
  if (v.credentials === 'keys') {
    add('access-key', checkAccessKeyId(v.accessKeyId));
    add('secret', checkSecret(v.secret, v.id !== null));
  } else if (v.credentials === 'profile') {
    add('profile', checkProfile(v.profile));
  }
  return found;
}

/** The field of the first broken rule, top to bottom. */
export function firstInvalidField(errors: FieldErrors): FieldName | null {
  return FIELD_ORDER.find((f) => errors[f] !== undefined) ?? null;
}

function endpointOf(v: ConnectionFormValues): Endpoint {
  switch (v.storage) {
    case 'aws':
      return { kind: 'aws' };
    case 'custom':
      return { kind: 'custom', url: v.url.trim() };
    case 'sandbox':
      return { kind: 'sandbox' };
  }
}

function credentialsOf(v: ConnectionFormValues): CredentialSource {
  switch (v.credentials) {
    case 'keys':
      return { kind: 'keychain', access_key_id: v.accessKeyId.trim() };
    case 'profile':
      return { kind: 'profile', profile: v.profile.trim() };
    case 'env':
      return { kind: 'environment' };
  }
}

/**
 * The draft the engine receives. The secret is sent only when the user typed one and keys are the
 * chosen credentials; on edit, null tells the engine to keep the secret it has.
 */
export function buildDraft(v: ConnectionFormValues): ConnectionDraft_Deserialize {
  const region = v.region.trim();
  const secret = v.secret.trim();
  const usesKeys = v.credentials === 'keys' && v.storage !== 'sandbox';
  return {
    id: v.id,
    name: v.name.trim(),
    endpoint: endpointOf(v),
    region: region === '' ? null : region,
    addressing: v.pathStyle ? 'path_style' : 'virtual_hosted',
    credentials: credentialsOf(v),
    secret_access_key: usesKeys && secret !== '' ? secret : null,
    accelerate: v.storage === 'aws' && v.accelerate,
  };
}

/** `Connected — 3 buckets, region eu-west-1, 120 ms`. */
export function describeTestReport(r: TestReport_Serialize): string {
  return `Connected — ${plural(r.bucket_count, 'bucket', 'buckets')}, region ${r.region}, ${r.elapsed_ms} ms`;
}

/** Where a connection points, for headers: `Amazon S3 (eu-west-1)`, the URL, or the sandbox. */
export function describeLocation(c: Connection_Serialize, sandboxFolder?: string | null): string {
  switch (c.endpoint.kind) {
    case 'aws':
      return c.region ? `Amazon S3 (${c.region})` : 'Amazon S3';
    case 'custom':
      return c.endpoint.url;
    case 'sandbox':
      return sandboxFolder ? `Local sandbox (${sandboxFolder})` : 'Local sandbox';
  }
}
