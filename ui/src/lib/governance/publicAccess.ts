// Block Public Access in words: the four switches with what each stops, the exposure badge's
// label, and whether a change turns protection off (what needs the bucket's name typed).

import type { Exposure, PublicAccessBlock } from '$lib/bindings';

export type SwitchName = keyof PublicAccessBlock;

export const SWITCHES: readonly { name: SwitchName; label: string; stops: string }[] = [
  { name: 'block_public_acls', label: 'Block public ACLs', stops: 'Refuses new ACLs that would make the bucket or an object public.' },
  { name: 'ignore_public_acls', label: 'Ignore public ACLs', stops: 'Ignores public ACLs already on the bucket and its objects.' },
  { name: 'block_public_policy', label: 'Block public policies', stops: 'Refuses a bucket policy that would grant public access.' },
  {
    name: 'restrict_public_buckets',
    label: 'Restrict public buckets',
    stops: 'Limits a bucket with a public policy to its own account and AWS services.',
  },
];

export const ALL_ON: PublicAccessBlock = { block_public_acls: true, ignore_public_acls: true, block_public_policy: true, restrict_public_buckets: true };
export const ALL_OFF: PublicAccessBlock = { block_public_acls: false, ignore_public_acls: false, block_public_policy: false, restrict_public_buckets: false };

export const EXPOSURE_LABEL: Readonly<Record<Exposure, string>> = {
  private: 'Private',
  public: 'Public',
  public_through_acl: 'Public through ACL',
  public_through_policy: 'Public through policy',
  unknown: 'Unknown',
};

/** Whether going from `before` to `after` turns any switch off. */
export function loosens(before: PublicAccessBlock, after: PublicAccessBlock): boolean {
  return SWITCHES.some((s) => before[s.name] && !after[s.name]);
}

export function sameSwitches(a: PublicAccessBlock, b: PublicAccessBlock): boolean {
  return SWITCHES.every((s) => a[s.name] === b[s.name]);
}

/** `all 4 on`, `none on`, `2 of 4 on`. */
export function summary(b: PublicAccessBlock): string {
  const on = SWITCHES.filter((s) => b[s.name]).length;
  return on === 4 ? 'all 4 on' : on === 0 ? 'none on' : `${on} of 4 on`;
}

/** An audit entry's value (the engine's JSON of the switches) in words; anything else as it is. */
export function describeValue(value: string): string {
  try {
    const parsed = JSON.parse(value) as Partial<PublicAccessBlock>;
    if (SWITCHES.every((s) => typeof parsed[s.name] === 'boolean')) return summary(parsed as PublicAccessBlock);
  } catch {
    // not JSON: shown as it is
  }
  return value;
}
