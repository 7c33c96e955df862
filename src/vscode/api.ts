// The extension API returned by activate(): plain data only, so other extensions and tests can
// rely on it without holding live objects.
import type { Runbook } from '../runbooks/model';
import { detailCounts } from '../runbooks/store';
import type { IncidentFeatures } from './incidents/register';
import type { RunFeatures, RunTesting } from './run/register';
import type { RunbookService, RunbookTesting } from './services';
import type { EvidenceTesting } from './evidence/register';

export interface RunbookSummary {
  path: string;
  area: string;
  title: string;
  alerts: string[];
  owner?: string;
  severity?: string;
  codeBlocks: number;
  problems: number;
}

export interface OnCallApi {
  runbooks: {
    all(): RunbookSummary[];
    byAlert(name: string): RunbookSummary[];
  };
  incidents: IncidentFeatures['api'];
  /**
   * Resolves once the first complete runbook index and the incident store are loaded: before
   * that, `runbooks.all()` and `incidents.all()` may answer with partial lists. Never rejects.
   */
  ready: Promise<void>;
  /** Present only when the extension runs its own tests (ExtensionMode.Test). */
  testing?: { run?: RunTesting; runbooks?: RunbookTesting; evidence?: EvidenceTesting };
}

export function summarize(runbook: Runbook): RunbookSummary {
  return {
    path: runbook.path,
    area: runbook.area,
    title: runbook.title,
    alerts: [...new Set(runbook.alerts.map((a) => a.name))],
    owner: runbook.metadata.owner,
    severity: runbook.metadata.severity,
    // Counted without inflating the packed details (src/runbooks/store.ts).
    codeBlocks: detailCounts(runbook).codeBlocks,
    problems: runbook.problems.length,
  };
}

export function createApi(runbooks: RunbookService, incidents: IncidentFeatures, run?: RunFeatures, ready: Promise<void> = Promise.resolve(), evidence?: EvidenceTesting): OnCallApi {
  const real = () => runbooks.all().filter((r) => !r.isReadme);
  return {
    runbooks: {
      all: () => real().map(summarize),
      // The same tiered lookup as Open Runbook for Alert: exact names hide loose look-alikes.
      byAlert: (name: string) => runbooks.byAlert(name.trim()).filter((r) => !r.isReadme).map(summarize),
    },
    incidents: incidents.api,
    ready,
    ...(run?.testing || runbooks.testing
      ? { testing: { ...(run?.testing ? { run: run.testing } : {}), ...(runbooks.testing ? { runbooks: runbooks.testing } : {}), ...(evidence ? { evidence } : {}) } }
      : {}),
  };
}
