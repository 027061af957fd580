// Website hosting and CORS rules in words.

import type { CorsRule_Serialize, Route_Deserialize, Route_Serialize, Website_Serialize } from '$lib/bindings';

export function describeSite(site: Website_Serialize): string {
  switch (site.kind) {
    case 'off':
      return 'Off: the bucket is not served as a website.';
    case 'documents':
      return `Serves ${site.index} for each folder${site.error ? `, and ${site.error} when something is missing` : ''}.`;
    case 'redirect_all':
      return `Redirects every request to ${site.host}.`;
  }
}

/** "https://app.example.com can PUT, GET, HEAD"; "Any web page can GET, HEAD". */
export function describeCors(rule: CorsRule_Serialize): string {
  const who = rule.AllowedOrigins.includes('*') ? 'Any web page' : rule.AllowedOrigins.join(', ');
  const headers = rule.AllowedHeaders.length ? `, sending ${rule.AllowedHeaders.includes('*') ? 'any header' : rule.AllowedHeaders.join(', ')}` : '';
  const exposed = rule.ExposeHeaders.length ? `, and read ${rule.ExposeHeaders.join(', ')}` : '';
  return `${who} can ${rule.AllowedMethods.join(', ')}${headers}${exposed}`;
}

/** A CORS rule as the editor holds it: lists as text, one item per line or comma. */
export interface CorsDraft {
  origins: string;
  methods: string[];
  headers: string;
  expose: string;
  maxAge: string;
}

export const CORS_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'] as const;

const items = (text: string) =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

export function toDraft(rule: CorsRule_Serialize): CorsDraft {
  return {
    origins: rule.AllowedOrigins.join('\n'),
    methods: [...rule.AllowedMethods],
    headers: rule.AllowedHeaders.join(', '),
    expose: rule.ExposeHeaders.join(', '),
    maxAge: rule.MaxAgeSeconds == null ? '' : String(rule.MaxAgeSeconds),
  };
}

/** The rule to send; the engine checks it and names the rule and field that is wrong. */
export function fromDraft(d: CorsDraft): CorsRule_Serialize {
  const age = d.maxAge.trim();
  return {
    AllowedOrigins: items(d.origins),
    AllowedMethods: CORS_METHODS.filter((m) => d.methods.includes(m)),
    AllowedHeaders: items(d.headers),
    ExposeHeaders: items(d.expose),
    MaxAgeSeconds: age === '' ? null : Number(age),
  };
}

export const NEW_CORS_RULE: CorsDraft = { origins: '', methods: ['GET', 'HEAD'], headers: '', expose: 'ETag', maxAge: '3000' };

/** A routing rule as the website form holds it. */
export interface RouteDraft {
  when: 'prefix' | 'error';
  /** The prefix, or the HTTP error code. */
  from: string;
  to: 'prefix' | 'host';
  /** The new prefix, or the host. */
  target: string;
}

export function routeOf(d: RouteDraft): Route_Deserialize {
  const code = Number(d.from.trim());
  return {
    prefix: d.when === 'prefix' ? d.from.trim() : '',
    on_error: d.when === 'error' && Number.isInteger(code) ? code : null,
    new_prefix: d.to === 'prefix' ? d.target.trim() : null,
    host: d.to === 'host' ? d.target.trim() : null,
    code: null,
  };
}

export function draftOf(r: Route_Serialize): RouteDraft {
  return {
    when: r.on_error != null && !r.prefix ? 'error' : 'prefix',
    from: r.on_error != null && !r.prefix ? String(r.on_error) : r.prefix,
    to: r.host ? 'host' : 'prefix',
    target: r.host ?? r.new_prefix ?? '',
  };
}
