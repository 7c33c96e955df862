// The page's own state (vscode.setState): survives a reload of the window or the webview. The
// host keeps a copy of what was typed and not submitted too (the note draft, the update draft).
import type { Audience } from '../../incidents/model';
import type { UpdateDraft } from '../../protocol/timeline';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface Filters {
  note: boolean;
  command: boolean;
  status: boolean;
}

export interface PageState {
  incidentId?: string;
  draft: string;
  /** Counts edits of the note box; the host's copy carries the count it was sent with. */
  draftRevision: number;
  pendingNotes: string[];
  filters: Filters;
  audience: Audience;
  /** The status update being written (empty text: none). */
  update?: UpdateDraft;
}

function updateFrom(v: unknown): UpdateDraft | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const d = v as Partial<UpdateDraft>;
  if (typeof d.text !== 'string' || (d.audience !== 'internal' && d.audience !== 'external')) return undefined;
  return { audience: d.audience, text: d.text, ...(typeof d.nextUpdateAt === 'string' ? { nextUpdateAt: d.nextUpdateAt } : {}) };
}

export function loadState(api: VsCodeApi): PageState {
  const s = api.getState() as Partial<PageState> | undefined;
  return {
    incidentId: typeof s?.incidentId === 'string' ? s.incidentId : undefined,
    draft: typeof s?.draft === 'string' ? s.draft : '',
    draftRevision: Number.isSafeInteger(s?.draftRevision) && (s?.draftRevision ?? -1) >= 0 ? (s!.draftRevision as number) : 0,
    pendingNotes: Array.isArray(s?.pendingNotes) ? s.pendingNotes.filter((n): n is string => typeof n === 'string') : [],
    filters: { note: s?.filters?.note !== false, command: s?.filters?.command !== false, status: s?.filters?.status !== false },
    audience: s?.audience === 'external' ? 'external' : 'internal',
    update: updateFrom(s?.update),
  };
}
