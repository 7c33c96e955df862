// The one DOM helper every webview module uses: text always goes in as text.
import { visibleText } from '../protocol/visibleText';

/** Creates an element with a class and optional text (as text, never parsed as HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = visibleText(text);
  return node;
}
