// Where the runbooks of a repository live, and which folder is a runbook's area.
//
// Pointed at a repository root, the top folder is rarely the area: runbooks live in `content/`,
// `docs/`, `alerts/`, `runbooks/`, `playbooks/` … and the area is the folder below. A folder is
// a container (skipped on the way down) when its name says so, or when it holds no runbook of
// its own and leads to one folder only (`docs/sources/mimir/manage/`). The area is the first
// folder below the containers; a runbook directly in a container has no area (''). The
// `oncall.runbookRoots` setting overrides all this: under a configured root the area is simply
// the top folder (see RunbookIndexOptions.detectAreas).
import { isAreaDocumentName } from './alerts';

/** Folder names that hold runbooks rather than being an area themselves. */
const CONTAINER_NAMES = new Set([
  'content', 'docs', 'doc', 'documentation', 'alerts', 'alert', 'runbooks', 'runbook', 'playbooks', 'playbook',
  'sources', 'source', 'src', 'site', 'wiki', 'pages', 'handbook', 'sops', 'sop', 'procedures', 'guides', 'book',
]);

/** What the listing of one root says about its folders (paths relative to the root, `/`-separated). */
export class AreaLayout {
  /** Folders that hold a runbook file themselves (not only area documents). */
  private readonly holdsRunbooks = new Set<string>();
  /** Folder → its child folders that lead to markdown files. */
  private readonly children = new Map<string, Set<string>>();
  /** Folder → the area of the files in it (cleared when a file is added). */
  private readonly areas = new Map<string, string>();

  constructor(relPaths: Iterable<string> = []) {
    for (const p of relPaths) this.add(p);
  }

  /** Records a markdown file (relative path). */
  add(relPath: string): void {
    this.areas.clear();
    const parts = relPath.split('/');
    const name = parts.pop() as string;
    if (!isAreaDocumentName(name)) this.holdsRunbooks.add(parts.join('/'));
    for (let i = 0; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      let set = this.children.get(parent);
      if (!set) this.children.set(parent, (set = new Set()));
      set.add(parts[i] as string);
    }
  }

  /** Is this folder (relative path, its last segment `name`) a container? */
  isContainer(dir: string, name: string): boolean {
    if (CONTAINER_NAMES.has(name.toLowerCase())) return true;
    return !this.holdsRunbooks.has(dir) && (this.children.get(dir)?.size ?? 0) <= 1;
  }

  /** The area of a file: the first folder below the containers, '' when there is none. */
  areaOf(relPath: string): string {
    const folder = relPath.slice(0, Math.max(0, relPath.lastIndexOf('/')));
    let area = this.areas.get(folder);
    if (area === undefined) {
      const dirs = folder === '' ? [] : folder.split('/');
      let i = 0;
      while (i < dirs.length && this.isContainer(dirs.slice(0, i + 1).join('/'), dirs[i] as string)) i++;
      area = dirs[i] ?? '';
      this.areas.set(folder, area);
    }
    return area;
  }
}
