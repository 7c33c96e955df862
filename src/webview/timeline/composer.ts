// The note box: the fastest way to write, always in view at the top. Enter adds the note and
// the focus stays; Shift+Enter is a new line. What is typed is kept in the page's state and
// sent to the host as a draft (after 400 ms of quiet), so a reload or a crash loses nothing.
// A note being saved is shown as such; if saving fails, its text comes back into the box.
import type { WebviewMessage } from '../../protocol/timeline';
import { textArea, type TextInput } from '../controls';
import { el } from '../dom';
import { button } from '../toolkit';
import type { Actions } from './actions';
import type { PageState } from './state';

export class NoteComposer {
  readonly element = el('section', 'note-box');
  readonly input: TextInput;
  private readonly pendingList = el('ul', 'pending');
  private draftTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly state: PageState,
    private readonly saveState: () => void,
    private readonly post: (m: WebviewMessage) => void,
    private readonly actions: Actions,
  ) {
    this.element.setAttribute('aria-label', 'Add a note');
    this.input = textArea({
      id: 'note-input',
      label: 'Note',
      labelHidden: true,
      rows: 2,
      placeholder: 'Add a note: what is happening, what was tried, what was decided… (TODO: makes a follow-up)',
      hint: 'Enter adds · Shift+Enter new line · Escape leaves the box · ? lists the keys',
    });
    const add = button('Add note', { appearance: 'primary', onClick: () => this.submit(), id: 'add-note' });
    this.pendingList.setAttribute('aria-label', 'Notes being saved');
    const row = el('div', 'note-row');
    row.append(this.input.element, add);
    this.element.append(row, this.pendingList);
    const control = this.input.control;
    control.setAttribute('aria-keyshortcuts', 'N');
    control.addEventListener('input', () => this.draftChanged());
    control.addEventListener('keydown', (e: Event) => {
      const k = e as KeyboardEvent;
      if (k.key === 'Enter' && !k.shiftKey && !k.isComposing && !k.altKey && !k.ctrlKey && !k.metaKey) {
        k.preventDefault();
        this.submit();
      }
    });
  }

  focus(): void {
    this.input.focus();
  }

  /** Sets the text (from the page's state or the host's draft) without counting an edit. */
  setText(text: string): void {
    this.input.value = text;
  }

  draftChanged(immediately = false): void {
    this.state.draft = this.input.value;
    this.state.draftRevision += 1;
    this.saveState();
    if (this.draftTimer) clearTimeout(this.draftTimer);
    const send = () => this.post({ type: 'draftChanged', text: this.state.draft.slice(0, 100_000), revision: this.state.draftRevision });
    if (immediately) send();
    else this.draftTimer = setTimeout(send, 400);
  }

  renderPending(): void {
    this.pendingList.replaceChildren(...this.state.pendingNotes.map((n) => el('li', 'pending-note', `Saving: ${n}`)));
  }

  /** A note arrived from the host: no longer pending. */
  arrived(text: string): void {
    const i = this.state.pendingNotes.indexOf(text);
    if (i >= 0) this.state.pendingNotes.splice(i, 1);
  }

  submit(): void {
    const text = this.input.value;
    if (!text.trim()) {
      this.input.focus();
      return;
    }
    this.input.value = '';
    this.state.pendingNotes.push(text);
    this.renderPending();
    this.draftChanged(true);
    this.input.focus();
    this.actions
      .act({ type: 'addNote', text })
      .then(() => {
        this.arrived(text);
        this.saveState();
        this.renderPending();
      })
      .catch(() => {
        // Not saved: give the text back rather than lose it.
        this.arrived(text);
        this.input.value = this.input.value ? `${text}\n${this.input.value}` : text;
        this.renderPending();
        this.draftChanged(true);
      });
  }
}
