// S3's storage classes by the names people know, one list for the upload sheet, the lifecycle rule
// builder and the metadata editor.

/** The classes an object can be written in, warmest first (as S3 names them). */
export const STORAGE_CLASSES = [
  { value: 'STANDARD', label: 'Standard' },
  { value: 'INTELLIGENT_TIERING', label: 'Intelligent-Tiering' },
  { value: 'STANDARD_IA', label: 'Standard-IA' },
  { value: 'ONEZONE_IA', label: 'One Zone-IA' },
  { value: 'GLACIER_IR', label: 'Glacier Instant Retrieval' },
  { value: 'GLACIER', label: 'Glacier Flexible Retrieval' },
  { value: 'DEEP_ARCHIVE', label: 'Glacier Deep Archive' },
] as const;

export type StorageClass = (typeof STORAGE_CLASSES)[number]['value'];

/** The label of an S3 class name (any case); the name itself when unknown. */
export function storageClassLabel(name: string): string {
  return STORAGE_CLASSES.find((c) => c.value === name.toUpperCase())?.label ?? name;
}

/** Classes whose objects must be restored before they can be read (previewed, downloaded, copied). */
export function isArchiveClass(cls: string | null | undefined): boolean {
  return cls === 'GLACIER' || cls === 'DEEP_ARCHIVE';
}
