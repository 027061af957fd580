// Copying to the clipboard. The webview may refuse (no permission, no secure context): then the
// caller selects the text in its read-only field so Ctrl/Cmd+C copies it.

/** Copies `text`; false when the clipboard can't be written. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Selects a field's whole text, for the user to copy by hand. */
export function selectField(field: HTMLInputElement | HTMLTextAreaElement | null | undefined): void {
  if (!field) return;
  field.focus();
  field.select();
}

/** An SVG document as a data: URL (the window's CSP allows data: images and nothing remote). */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
