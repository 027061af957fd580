// The icon a row shows: a folder, or a file icon by the name's extension.

import type { LucideIcon } from '@lucide/svelte';
import File from '@lucide/svelte/icons/file';
import FileArchive from '@lucide/svelte/icons/file-archive';
import FileBraces from '@lucide/svelte/icons/file-braces';
import FileCode from '@lucide/svelte/icons/file-code';
import FileImage from '@lucide/svelte/icons/file-image';
import FileMusic from '@lucide/svelte/icons/file-music';
import FilePlay from '@lucide/svelte/icons/file-play';
import FileSpreadsheet from '@lucide/svelte/icons/file-spreadsheet';
import FileText from '@lucide/svelte/icons/file-text';
import Folder from '@lucide/svelte/icons/folder';
import type { Row } from './rows';

type Icon = LucideIcon;

const BY_EXTENSION: Record<string, Icon> = {};
const groups: [Icon, string[]][] = [
  [FileText, ['txt', 'md', 'log', 'rtf', 'pdf', 'doc', 'docx']],
  [FileSpreadsheet, ['csv', 'tsv', 'xls', 'xlsx', 'ods', 'parquet', 'orc', 'avro']],
  [FileBraces, ['json', 'jsonl', 'ndjson', 'geojson']],
  [FileImage, ['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'tif', 'tiff', 'bmp', 'heic']],
  [FileArchive, ['zip', 'gz', 'tgz', 'tar', 'bz2', 'xz', 'zst', '7z', 'rar']],
  [FileCode, ['js', 'ts', 'py', 'sh', 'sql', 'html', 'css', 'xml', 'yaml', 'yml', 'toml', 'ipynb', 'r']],
  [FileMusic, ['mp3', 'wav', 'flac', 'ogg', 'm4a']],
  [FilePlay, ['mp4', 'mov', 'mkv', 'webm', 'avi']],
];
for (const [icon, exts] of groups) for (const e of exts) BY_EXTENSION[e] = icon;

export function iconFor(row: Row): Icon {
  if (row.kind === 'folder') return Folder;
  const dot = row.name.lastIndexOf('.');
  return (dot > 0 && BY_EXTENSION[row.name.slice(dot + 1).toLowerCase()]) || File;
}
