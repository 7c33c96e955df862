// The page's keys, outside text fields: n note, s status, v severity, r roles, m milestone,
// u status update, ? the list of keys, j/k (or the arrow keys) into the events. In a text field
// the keys type, as they should; Escape leaves the note box and closes a panel.

export interface KeyTargets {
  note(): void;
  panel(name: string): void;
  events(): void;
  closeDrawer(): void;
  drawerOpen(): boolean;
}

const PANEL_KEYS: Record<string, string> = { s: 'status', v: 'severity', r: 'roles', m: 'milestone', u: 'update', '?': 'keys' };

/** True while the focus is somewhere keys type text (inputs, text areas, drop-downs). */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || tag === 'vscode-dropdown';
}

export function installKeys(targets: KeyTargets): void {
  document.addEventListener('keydown', (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (e.key === 'Escape' && targets.drawerOpen()) {
      e.preventDefault();
      targets.closeDrawer();
      return;
    }
    if (typing(e.target)) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (key === 'n') targets.note();
    else if (PANEL_KEYS[e.key] ?? PANEL_KEYS[key]) targets.panel(PANEL_KEYS[e.key] ?? PANEL_KEYS[key]);
    else if ((key === 'j' || key === 'k' || key === 'ArrowDown') && !(e.target instanceof HTMLElement && e.target.closest('#events, .radio-group'))) targets.events();
    else return;
    e.preventDefault();
  });
}
