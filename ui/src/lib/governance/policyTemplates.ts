// The policy templates the overview offers, and the engine's template from the short form's fields.

import type { Template_Deserialize } from '$lib/bindings';

export type TemplateKind = Template_Deserialize['kind'];

export const TEMPLATES: readonly { kind: TemplateKind; label: string }[] = [
  { kind: 'public_read', label: 'Make a prefix publicly readable' },
  { kind: 'cross_account', label: 'Grant another AWS account access' },
  { kind: 'require_tls', label: 'Refuse anything not over TLS' },
  { kind: 'require_kms', label: 'Require SSE-KMS on uploads' },
  { kind: 'source_ip', label: 'Allow only from listed addresses' },
  { kind: 'required_tag', label: 'Refuse uploads without a tag' },
];

export interface TemplateForm {
  kind: TemplateKind;
  prefix: string;
  account: string;
  readWrite: boolean;
  key: string;
  /** Comma- or space-separated. */
  cidrs: string;
  tagKey: string;
}

/** The template the form describes; the engine checks the values (12-digit account, ranges). */
export function templateOf(f: TemplateForm): Template_Deserialize {
  switch (f.kind) {
    case 'public_read':
      return { kind: 'public_read', prefix: f.prefix.trim().replace(/^\/+/, '') };
    case 'cross_account':
      return { kind: 'cross_account', account: f.account.trim(), read_write: f.readWrite };
    case 'require_tls':
      return { kind: 'require_tls' };
    case 'require_kms':
      return { kind: 'require_kms', key: f.key.trim() || null };
    case 'source_ip':
      return { kind: 'source_ip', cidrs: f.cidrs.split(/[\s,]+/).filter(Boolean) };
    case 'required_tag':
      return { kind: 'required_tag', key: f.tagKey.trim() };
  }
}
