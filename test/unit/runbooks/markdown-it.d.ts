// The part of markdown-it the agreement tests use (the package ships no types).
declare module 'markdown-it' {
  interface Token {
    type: string;
    info: string;
    map: [number, number] | null;
  }
  export default class MarkdownIt {
    constructor(options?: Record<string, unknown>);
    parse(src: string, env: Record<string, unknown>): Token[];
  }
}
