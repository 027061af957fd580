// What can be done with the selected rows, for the toolbar and the context menu alike: one list,
// so the two never disagree about what is possible or why not.

import type { Row } from './rows';

export type ActionId =
  | 'open'
  | 'preview'
  | 'download'
  | 'share'
  | 'upload-link'
  | 'rename'
  | 'copy'
  | 'move'
  | 'tag'
  | 'restore-archive'
  | 'delete'
  | 'properties'
  | 'versions'
  | 'new-folder';

export interface ActionState {
  id: ActionId;
  label: string;
  /** As the menu shows it: `F2`, `Ctrl+L`. */
  shortcut: string;
  enabled: boolean;
  /** Why it is off, for the tooltip. */
  reason: string | null;
  /** A separator goes before it in the menu. */
  group: number;
}


const MENU: readonly { id: ActionId; label: string; shortcut: string; group: number }[] = [
  { id: 'open', label: 'Open', shortcut: 'Enter', group: 0 },
  { id: 'preview', label: 'Preview', shortcut: 'Space', group: 0 },
  { id: 'download', label: 'Download', shortcut: '', group: 0 },
  { id: 'share', label: 'Share link…', shortcut: 'Ctrl+L', group: 1 },
  { id: 'upload-link', label: 'Upload link…', shortcut: '', group: 1 },
  { id: 'rename', label: 'Rename', shortcut: 'F2', group: 2 },
  { id: 'copy', label: 'Copy to…', shortcut: '', group: 2 },
  { id: 'move', label: 'Move to…', shortcut: '', group: 2 },
  { id: 'tag', label: 'Tag…', shortcut: '', group: 2 },
  { id: 'restore-archive', label: 'Restore from archive…', shortcut: '', group: 2 },
  { id: 'delete', label: 'Delete', shortcut: 'Delete', group: 2 },
  { id: 'properties', label: 'Properties', shortcut: '', group: 3 },
  { id: 'versions', label: 'Versions…', shortcut: '', group: 3 },
  { id: 'new-folder', label: 'New folder', shortcut: '', group: 3 },
];

function why(id: ActionId, count: number, files: number): string | null {
  const one = count === 1;
  switch (id) {
    case 'open':
      return one ? null : 'Select one item to open';
    case 'preview':
      return one && files === 1 ? null : 'Select one file to preview';
    case 'download':
      return count > 0 ? null : 'Select files or folders to download';
    case 'share':
      return files > 0 ? null : 'Select one or more files to share';
    case 'rename':
      return one ? null : 'Select one item to rename';
    case 'versions':
      return one && files === 1 ? null : 'Select one file to see its versions';
    case 'copy':
    case 'move':
    case 'tag':
    case 'delete':
      return count > 0 ? null : `Select what to ${id}`;
    case 'restore-archive':
      return count > 0 ? null : 'Select archived files, or folders that hold some';
    default:
      return null;
  }
}

/** Every action in menu order, with whether it applies to `selected`. */
export function actionStates(selected: readonly Row[]): ActionState[] {
  let files = 0;
  for (const r of selected) if (r.kind === 'object') files += 1;
  return MENU.map((a) => {
    const reason = why(a.id, selected.length, files);
    return { ...a, enabled: reason === null, reason };
  });
}

/** One action's state, for a toolbar button. */
export function actionState(selected: readonly Row[], id: ActionId): ActionState {
  return actionStates(selected).find((a) => a.id === id)!;
}
