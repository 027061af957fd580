import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import LifecycleSection from './LifecycleSection.svelte';
import { answer, callsOf, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

type Rule = {
  id: string | null;
  enabled: boolean;
  scope: { prefix: string | null; tags: { key: string; value: string }[]; size_greater_than: number | null; size_less_than: number | null };
  transitions: { days: number | null; date: string | null; class: string }[];
  noncurrent_transitions: { days: number; class: string; newer_versions: number | null }[];
  expiration: { days: number | null; date: string | null } | null;
  expired_delete_markers: boolean;
  noncurrent_expiration: { days: number; keep_newest: number | null } | null;
  abort_incomplete_after_days: number | null;
  other: string | null;
};

const WHOLE = { prefix: null, tags: [], size_greater_than: null, size_less_than: null };
const rule = (over: Partial<Rule>): Rule => ({
  id: null,
  enabled: true,
  scope: WHOLE,
  transitions: [],
  noncurrent_transitions: [],
  expiration: null,
  expired_delete_markers: false,
  noncurrent_expiration: null,
  abort_incomplete_after_days: null,
  other: null,
  ...over,
});

const LOGS = rule({ id: 'logs', scope: { ...WHOLE, prefix: 'logs/' }, expiration: { days: 30, date: null } });
const TMP = rule({ id: 'tmp', scope: { ...WHOLE, prefix: 'logs/tmp/' }, expiration: { days: 1, date: null } });
const ODD = rule({ id: 'odd', transitions: [], expiration: { days: 10, date: null }, other: '{"Transitions":[{"StorageClass":"NEW_CLASS","Days":5}]}' });
const ABORT = rule({ id: 'satchel-abort-incomplete-uploads', abort_incomplete_after_days: 7 });

/** A stand-in for the engine's sentence: enough to tell the rules apart. */
function sentence(r: Rule): string {
  const who = r.scope.prefix ? `Objects under ${r.scope.prefix}` : 'All objects';
  const parts = [
    ...r.transitions.map((t) => `move to ${t.class} after ${t.days} days`),
    ...(r.expiration ? [`are deleted after ${r.expiration.days} days`] : []),
  ];
  const s = parts.length ? `${who} ${parts.join(' and ')}.` : '';
  const abort = r.abort_incomplete_after_days ? `Unfinished uploads are aborted ${r.abort_incomplete_after_days} days after they start.` : '';
  return [s, abort].filter(Boolean).join(' ') || `Does nothing to ${who.toLowerCase()}.`;
}

function problemOf(rules: Rule[]): string | null {
  for (const r of rules) {
    if (r.other) return `Rule "${r.id}" has settings Satchel can't send (${r.other}): remove them, or change this rule with the AWS CLI. Nothing was changed.`;
    const early = r.transitions.find((t) => t.class === 'standard_ia' && (t.days ?? 0) < 30);
    if (early) return `Rule "${r.id}" moves objects to Standard-IA after ${early.days} days: Amazon S3 moves objects there at 30 days old at the earliest. Change it to 30 days or more. Nothing was changed.`;
  }
  return null;
}

const SUGGESTION = 'No rule aborts unfinished uploads: their parts stay, and are billed, until someone aborts them. Abort them after 7 days? 2 unfinished uploads hold 1.2 GB now, billed as stored data.';

function viewOf(rules: Rule[]) {
  const overlaps = rules.some((r) => r.id === 'logs') && rules.some((r) => r.id === 'tmp') ? ['Rules "logs" and "tmp" both delete objects under logs/tmp/: the sooner one applies.'] : [];
  return { rules, sentences: rules.map(sentence), overlaps, suggestion: rules.some((r) => r.abort_incomplete_after_days) ? null : SUGGESTION };
}

let stored: Rule[] = [];
const onchanged = vi.fn();

beforeEach(() => {
  stored = [LOGS, TMP];
  onchanged.mockReset();
  answer({
    bucket_lifecycle: () => viewOf(stored),
    check_lifecycle: (a: Record<string, unknown>) => {
      const rules = a.rules as Rule[];
      return { problem: problemOf(rules), sentences: rules.map(sentence), overlaps: viewOf(rules).overlaps };
    },
    set_bucket_lifecycle: (a: Record<string, unknown>) => {
      const rules = a.rules as Rule[];
      const problem = problemOf(rules);
      if (problem) return engineError('invalid_input', problem);
      stored = rules.map((r) => rule(r));
      return viewOf(stored);
    },
    abort_unfinished_uploads_after: (a: Record<string, unknown>) => {
      stored = [...stored, { ...ABORT, abort_incomplete_after_days: a.days as number }];
      return viewOf(stored);
    },
  });
});

describe('LifecycleSection', () => {
  it('says each rule, the overlaps and the suggestion, and adds the clean-up rule in one click', async () => {
    render(LifecycleSection, { props: { connectionId: 'c1', bucket: 'b', onchanged } });
    const rules = await screen.findAllByTestId('lifecycle-rule');
    expect(rules.map((r) => r.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringContaining('logs Objects under logs/ are deleted after 30 days.'),
      expect.stringContaining('tmp Objects under logs/tmp/ are deleted after 1 days.'),
    ]);
    expect(screen.getByTestId('lifecycle-overlap')).toHaveTextContent('both delete objects under logs/tmp/');
    expect(screen.getByTestId('lifecycle-suggestion')).toHaveTextContent('2 unfinished uploads hold 1.2 GB now');

    await fireEvent.click(screen.getByTestId('lifecycle-abort-suggested'));
    await waitFor(() => expect(callsOf('abort_unfinished_uploads_after')).toEqual([{ connectionId: 'c1', bucket: 'b', days: 7 }]));
    expect(await screen.findByTestId('lifecycle-done')).toHaveTextContent('Unfinished uploads are now aborted 7 days after they start.');
    expect(screen.queryByTestId('lifecycle-suggestion')).toBeNull();
    expect(screen.getAllByTestId('lifecycle-rule')).toHaveLength(3);
    expect(onchanged).toHaveBeenCalledTimes(1);
  });

  it('builds a rule, says it as it is typed with the problem before Save, and adds it after the others', async () => {
    stored = [LOGS];
    render(LifecycleSection, { props: { connectionId: 'c1', bucket: 'b', onchanged } });
    await fireEvent.click(await screen.findByTestId('lifecycle-add'));
    const editor = screen.getByTestId('lifecycle-editor');

    await fireEvent.input(within(editor).getByTestId('rule-id'), { target: { value: 'archive' } });
    await fireEvent.click(within(editor).getByTestId('rule-scope-filter'));
    await fireEvent.input(within(editor).getByTestId('rule-prefix'), { target: { value: 'reports/' } });
    await fireEvent.click(within(editor).getByTestId('rule-tag-add'));
    await fireEvent.input(within(editor).getByLabelText('Key of tag 1'), { target: { value: 'team' } });
    await fireEvent.input(within(editor).getByLabelText('Value of tag 1'), { target: { value: 'finance' } });
    await fireEvent.input(within(editor).getByLabelText('Larger than'), { target: { value: '128' } });
    await fireEvent.change(within(editor).getByLabelText('Unit of the smallest size'), { target: { value: 'KB' } });
    await fireEvent.click(within(editor).getByTestId('rule-add-move'));
    await fireEvent.input(within(editor).getByLabelText('Days before move 1'), { target: { value: '10' } });

    // Checked as typed, nothing sent: the engine's sentence and its problem.
    expect(await screen.findByTestId('rule-problem')).toHaveTextContent('Amazon S3 moves objects there at 30 days old at the earliest');
    expect(screen.getByTestId('rule-sentence')).toHaveTextContent('Objects under reports/ move to standard_ia after 10 days.');
    expect(callsOf('set_bucket_lifecycle')).toHaveLength(0);

    await fireEvent.input(within(editor).getByLabelText('Days before move 1'), { target: { value: '30' } });
    await fireEvent.click(within(editor).getByTestId('rule-add-move'));
    await fireEvent.change(within(editor).getAllByTestId('rule-move-class')[1], { target: { value: 'deep_archive' } });
    await fireEvent.input(within(editor).getByLabelText('Days before move 2'), { target: { value: '180' } });
    await fireEvent.click(within(editor).getByTestId('rule-expire'));
    await fireEvent.input(within(editor).getByLabelText('Days before deletion'), { target: { value: '2555' } });
    await fireEvent.click(within(editor).getByTestId('rule-older-expire'));
    await fireEvent.input(within(editor).getByLabelText('Days before older versions are deleted'), { target: { value: '90' } });
    await fireEvent.input(within(editor).getByLabelText('Newest older versions to keep'), { target: { value: '3' } });
    await fireEvent.click(within(editor).getByTestId('rule-abort'));

    await waitFor(() =>
      expect(screen.getByTestId('rule-sentence')).toHaveTextContent('Objects under reports/ move to standard_ia after 30 days and move to deep_archive after 180 days and are deleted after 2555 days.'),
    );
    expect(screen.queryByTestId('rule-problem')).toBeNull();
    // The draft is checked with the other rules, as a save would.
    const lastCheck = callsOf('check_lifecycle').at(-1) as { rules: Rule[] };
    expect(lastCheck.rules.map((r) => r.id)).toEqual(['logs', 'archive']);

    await fireEvent.click(within(editor).getByTestId('rule-save'));
    await waitFor(() => expect(callsOf('set_bucket_lifecycle')).toHaveLength(1));
    expect(callsOf('set_bucket_lifecycle')[0]).toEqual({
      connectionId: 'c1',
      bucket: 'b',
      rules: [
        LOGS,
        {
          id: 'archive',
          enabled: true,
          scope: { prefix: 'reports/', tags: [{ key: 'team', value: 'finance' }], size_greater_than: 128_000, size_less_than: null },
          transitions: [
            { class: 'standard_ia', days: 30, date: null },
            { class: 'deep_archive', days: 180, date: null },
          ],
          noncurrent_transitions: [],
          expiration: { days: 2555, date: null },
          expired_delete_markers: false,
          noncurrent_expiration: { days: 90, keep_newest: 3 },
          abort_incomplete_after_days: 7,
          other: null,
        },
      ],
    });
    expect(await screen.findByTestId('lifecycle-done')).toHaveTextContent('Rule added. Recorded in the audit log.');
    expect(screen.getAllByTestId('lifecycle-rule')).toHaveLength(2);
    expect(onchanged).toHaveBeenCalledTimes(1);
  });

  it('edits a rule in place, and keeps the draft when the engine refuses it', async () => {
    render(LifecycleSection, { props: { connectionId: 'c1', bucket: 'b', onchanged } });
    await fireEvent.click((await screen.findAllByTestId('lifecycle-edit'))[0]);
    const editor = screen.getByTestId('lifecycle-editor');
    expect(within(editor).getByTestId('rule-id')).toHaveValue('logs');
    expect(within(editor).getByTestId('rule-prefix')).toHaveValue('logs/');
    expect(within(editor).getByLabelText('Days before deletion')).toHaveValue(30);

    await fireEvent.click(within(editor).getByTestId('rule-add-move'));
    await fireEvent.input(within(editor).getByLabelText('Days before move 1'), { target: { value: '5' } });
    // Saved at once, before the check had its say: the engine refuses, and what was typed stays.
    await fireEvent.click(within(editor).getByTestId('rule-save'));
    expect(await screen.findByTestId('rule-failed')).toHaveTextContent('Rule "logs" moves objects to Standard-IA after 5 days');
    expect(within(editor).getByLabelText('Days before move 1')).toHaveValue(5);
    expect(onchanged).not.toHaveBeenCalled();

    await fireEvent.input(within(editor).getByLabelText('Days before move 1'), { target: { value: '30' } });
    expect(screen.queryByTestId('rule-failed')).toBeNull();
    await fireEvent.click(within(editor).getByTestId('rule-save'));
    await waitFor(() => expect(callsOf('set_bucket_lifecycle')).toHaveLength(2));
    expect((callsOf('set_bucket_lifecycle')[1] as { rules: Rule[] }).rules).toEqual([
      { ...LOGS, transitions: [{ class: 'standard_ia', days: 30, date: null }] },
      TMP,
    ]);
    expect(await screen.findByTestId('lifecycle-done')).toHaveTextContent('Rule saved.');
  });

  it('refuses what could not even be sent, without asking the engine', async () => {
    render(LifecycleSection, { props: { connectionId: 'c1', bucket: 'b' } });
    await fireEvent.click(await screen.findByTestId('lifecycle-add'));
    expect(screen.getByTestId('rule-id')).toHaveFocus();
    await fireEvent.click(screen.getByTestId('rule-abort'));
    await fireEvent.input(screen.getByLabelText('Days before unfinished uploads are aborted'), { target: { value: '1.5' } });
    expect(await screen.findByTestId('rule-problem')).toHaveTextContent('Give after how many days unfinished uploads are aborted as a whole number, 0 or more.');
    await fireEvent.click(screen.getByTestId('rule-save'));
    expect(await screen.findByTestId('rule-failed')).toHaveTextContent('as a whole number');
    expect(callsOf('set_bucket_lifecycle')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('rule-cancel'));
    expect(screen.queryByTestId('lifecycle-editor')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('lifecycle-add')).toHaveFocus());
    expect(screen.getAllByTestId('lifecycle-rule')).toHaveLength(2);
  });

  it('shows a rule with parts Satchel does not know, refuses to edit it, and can delete it', async () => {
    stored = [LOGS, ODD];
    render(LifecycleSection, { props: { connectionId: 'c1', bucket: 'b', onchanged } });
    const odd = (await screen.findAllByTestId('lifecycle-rule'))[1];
    expect(within(odd).getByTestId('lifecycle-other')).toHaveTextContent('"StorageClass": "NEW_CLASS"');
    const edit = within(odd).getByRole('button', { name: 'Edit Rule “odd”' });
    expect(edit).toHaveAttribute('aria-disabled', 'true');
    expect(edit).toHaveAccessibleDescription(expect.stringContaining("Satchel can't edit this rule"));
    await fireEvent.click(edit);
    expect(screen.queryByTestId('lifecycle-editor')).toBeNull();

    await fireEvent.click(within(odd).getByRole('button', { name: 'Delete Rule “odd”' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog).toHaveTextContent('Delete the rule “odd”?');
    await fireEvent.click(within(dialog).getByTestId('confirm'));
    await waitFor(() => expect(callsOf('set_bucket_lifecycle')).toEqual([{ connectionId: 'c1', bucket: 'b', rules: [LOGS] }]));
    expect(await screen.findByTestId('lifecycle-done')).toHaveTextContent('Rule deleted.');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(onchanged).toHaveBeenCalledTimes(1);
  });

  it('shows the refusal in the delete confirmation when another rule can’t be sent back', async () => {
    stored = [LOGS, ODD];
    render(LifecycleSection, { props: { connectionId: 'c1', bucket: 'b', onchanged } });
    await fireEvent.click((await screen.findAllByTestId('lifecycle-delete'))[0]);
    await fireEvent.click(within(await screen.findByRole('alertdialog')).getByTestId('confirm'));
    expect(await screen.findByTestId('lifecycle-failed')).toHaveTextContent(`Rule "odd" has settings Satchel can't send`);
    expect(screen.getByRole('alertdialog')).toBeInTheDocument();
    expect(onchanged).not.toHaveBeenCalled();
  });

  it('says when there are no rules, and in place when the storage has none at all', async () => {
    stored = [];
    const { unmount } = render(LifecycleSection, { props: { connectionId: 'c1', bucket: 'b' } });
    expect(await screen.findByTestId('lifecycle-none')).toBeInTheDocument();
    unmount();

    answer({ bucket_lifecycle: () => engineError('unsupported', 'This storage does not support lifecycle rules.') });
    render(LifecycleSection, { props: { connectionId: 'c1', bucket: 'b' } });
    expect(await screen.findByTestId('lifecycle-unsupported')).toHaveTextContent('This storage does not support lifecycle rules.');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByTestId('lifecycle-add')).toBeNull();
  });
});
