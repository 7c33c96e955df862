// Masking what must never reach a journal, an output file or a post-mortem: the values typed
// for secret placeholders, and text shaped like a well-known credential (cloud keys, forge
// tokens, JWTs, authorization headers, private key blocks, passwords in URLs). Masking is
// deliberately eager: hiding a harmless string costs a little evidence, leaking a key costs
// far more.

export const MASK = '********';

interface TokenRule {
  id: string;
  pattern: RegExp;
  /** The replacement; by default the whole match becomes the mask. */
  replace?: (match: string, ...groups: string[]) => string;
}

// Order matters: private key blocks first (they contain base64 the other rules would nibble at),
// then headers (so "Bearer <jwt>" keeps its scheme), then bare token shapes.
const RULES: readonly TokenRule[] = [
  {
    id: 'private-key',
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|$)/g,
    replace: (_m, kind: string, block: string | undefined) => `-----BEGIN ${kind}PRIVATE KEY${block ?? ''}----- ${MASK} -----END ${kind}PRIVATE KEY${block ?? ''}-----`,
  },
  {
    id: 'authorization-header',
    pattern: /\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:bearer|basic|token|digest|negotiate)\s+)[^\s"',;]+/gi,
    replace: (_m, head: string) => `${head}${MASK}`,
  },
  { id: 'bearer', pattern: /\b(bearer\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi, replace: (_m, head: string) => `${head}${MASK}` },
  { id: 'url-password', pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)[^\s@/]+@/gi, replace: (_m, head: string) => `${head}${MASK}@` },
  { id: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b/g },
  {
    id: 'aws-secret',
    pattern: /\b(aws_?secret_?access_?key|secret_?access_?key|aws_?session_?token)(["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{16,}/gi,
    replace: (_m, key: string, sep: string) => `${key}${sep}${MASK}`,
  },
  { id: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { id: 'gitlab-token', pattern: /\bgl(?:pat|dt|rt|cbt|ptt|ft|imt|agent)-[A-Za-z0-9_-]{20,}\b/g },
  { id: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { id: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g },
  { id: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { id: 'stripe-key', pattern: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { id: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  {
    id: 'named-secret',
    // `password=…`, `DB_PASSWORD: …`, `api_key="…"`: a name that ends like a secret, then a value.
    pattern: /\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key))(["']?\s*[:=]\s*)(["']?)([^\s"',;]{4,})\3/gi,
    replace: (m, key: string, sep: string, quote: string, value: string) => (value === MASK ? m : `${key}${sep}${quote}${MASK}${quote}`),
  },
];

export interface MaskResult {
  text: string;
  /** How many values were masked (secret values and token shapes). */
  count: number;
}

/** Replaces every occurrence of each secret value (longest first) with the mask. */
export function maskSecretValues(text: string, secrets: readonly string[]): MaskResult {
  let count = 0;
  let out = text;
  for (const secret of [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    const parts = out.split(secret);
    count += parts.length - 1;
    out = parts.join(MASK);
  }
  return { text: out, count };
}

/**
 * Masks well-known credential shapes. Text may be a fragment cut from a longer output: a private
 * key block whose end was cut off is masked to the end of the text, and one whose beginning was
 * cut off is masked from the start.
 */
export function maskTokens(text: string): MaskResult {
  let count = 0;
  let out = text;
  const cutEnd = /-----END ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/.exec(out);
  if (cutEnd && !/-----BEGIN [A-Z0-9 ]*PRIVATE KEY/.test(out.slice(0, cutEnd.index))) {
    out = `${MASK} ${out.slice(cutEnd.index)}`.replace(cutEnd[0], `-----END ${cutEnd[1] ?? ''}PRIVATE KEY${cutEnd[2] ?? ''}-----`);
    count += 1;
  }
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      const groups = args.slice(1, -2).map((g) => (typeof g === 'string' ? g : '')) as string[];
      const replaced = rule.replace ? rule.replace(match, ...groups) : MASK;
      if (replaced !== match) count += 1;
      return replaced;
    });
  }
  return { text: out, count };
}

/** Secret values first, then token shapes: what every piece of recorded output goes through. */
export function maskOutput(text: string, secrets: readonly string[] = []): MaskResult {
  const values = maskSecretValues(text, secrets);
  const tokens = maskTokens(values.text);
  return { text: tokens.text, count: values.count + tokens.count };
}
