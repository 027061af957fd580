// DOM helpers shared by the component tests.

import { screen, waitFor } from '@testing-library/svelte';
import { expect } from 'vitest';

/**
 * The outcome element (`data-outcome`) once it is no longer `pending`, as the end-to-end tests
 * read it too.
 */
export async function settledOutcome(testId: string): Promise<HTMLElement> {
  await waitFor(() => {
    expect(screen.getByTestId(testId)).toHaveAttribute('data-outcome');
    expect(screen.getByTestId(testId)).not.toHaveAttribute('data-outcome', 'pending');
  });
  return screen.getByTestId(testId);
}
