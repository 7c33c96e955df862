// The alert this window was opened for: the last alert link handled (its name, labels and link,
// and the runbook that answered it). Its labels are offered as values for the runbook's inputs,
// each one shown for confirmation; declaring from it records the alert as the incident's first
// event. In memory only: an alert link is a moment, not a setting.
import type { AlertLink } from '../../runbooks/alertLink';

export interface ReceivedAlert extends AlertLink {
  /** The runbook that answers it (absolute path), when one did. */
  runbookPath?: string;
  /** Its severity (front matter), the default when declaring from this alert. */
  runbookSeverity?: string;
  receivedAt: number;
}

/** Labels are offered for this long after the link was opened. */
const FRESH_MS = 12 * 60 * 60_000;

export class AlertInbox {
  private latest: ReceivedAlert | undefined;

  constructor(private readonly clock: () => number = Date.now) {}

  receive(alert: Omit<ReceivedAlert, 'receivedAt'>): ReceivedAlert {
    this.latest = { ...alert, receivedAt: this.clock() };
    return this.latest;
  }

  /** The last alert received, while it is fresh. */
  current(): ReceivedAlert | undefined {
    if (!this.latest || this.clock() - this.latest.receivedAt > FRESH_MS) return undefined;
    return this.latest;
  }

  clear(): void {
    this.latest = undefined;
  }
}
