// User text is shown as text, and so are the invisible controls that would change how the rest
// of a line reads: a right-to-left override (U+202E) in a note would show "evil.exe" as
// "exe.live". Each embedding, override or isolate control is written out as its code point.
const DIRECTION_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function visibleText(text: string): string {
  return text.replace(DIRECTION_CONTROLS, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}
