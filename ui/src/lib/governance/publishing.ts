// Website hosting and CORS rules in words.

import type { CorsRule_Serialize, Website_Serialize } from '$lib/bindings';

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
  return `${who} can ${rule.AllowedMethods.join(', ')}`;
}
