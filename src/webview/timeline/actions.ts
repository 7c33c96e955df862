// Requests to the host, with their errors shown on the page, and a polite live region that
// says what happened (copied, posted, status set) for people who cannot see the change.
import type { RequestBody, RequestTracker } from '../../protocol/timeline';
import { el } from '../dom';

export interface Actions {
  /** Sends a request; its error is shown (and rethrown). */
  act(body: RequestBody): Promise<unknown>;
  showError(err: unknown): void;
  clearError(): void;
  /** Says something to screen readers (and shows it briefly). */
  announce(message: string): void;
  readonly errorLine: HTMLElement;
  readonly liveRegion: HTMLElement;
}

export function createActions(tracker: RequestTracker): Actions {
  const errorLine = el('p', 'error');
  errorLine.id = 'error-line';
  errorLine.setAttribute('role', 'alert');
  const liveRegion = el('p', 'announce');
  liveRegion.id = 'announce';
  liveRegion.setAttribute('role', 'status');
  liveRegion.setAttribute('aria-live', 'polite');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const actions: Actions = {
    errorLine,
    liveRegion,
    showError(err) {
      errorLine.textContent = err instanceof Error ? err.message : String(err);
    },
    clearError() {
      errorLine.textContent = '';
    },
    announce(message) {
      liveRegion.textContent = message;
      clearTimeout(timer);
      timer = setTimeout(() => (liveRegion.textContent = ''), 4000);
    },
    async act(body) {
      actions.clearError();
      try {
        return await tracker.request(body);
      } catch (err) {
        actions.showError(err);
        throw err;
      }
    },
  };
  return actions;
}
