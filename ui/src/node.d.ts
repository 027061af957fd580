// The UI has no @types/node (its code runs in a webview): the few node APIs that vite.config.ts and
// the layout test (lib/layout.test.ts) use, typed as they use them.

declare module 'node:url' {
  export function fileURLToPath(url: string | URL): string;
}

declare module 'node:fs' {
  /** With `recursive`, the paths of everything below `dir`, relative to it. */
  export function readdirSync(dir: string, options: { recursive: true }): string[];
  export function readFileSync(file: string, encoding: 'utf8'): string;
}
