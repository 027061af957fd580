import type { Identity_Serialize } from '$lib/bindings';

const KIND: Record<Identity_Serialize['kind'], string> = {
  root: 'root user',
  iam_user: 'IAM user',
  assumed_role: 'role',
  federated_user: 'federated user',
  other: 'principal',
};

/** The header's line: who signs the requests, in the words an administrator uses. */
export function describeIdentity(who: Identity_Serialize): string {
  const account = who.account ? ` · account ${who.account}` : '';
  if (who.kind === 'root') return `Signed as the root user${account}`;
  return `Signed as ${KIND[who.kind]} ${who.name}${account}`;
}
