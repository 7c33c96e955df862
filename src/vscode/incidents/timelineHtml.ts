// The timeline page's HTML (no `vscode` import, so unit tests can check the policy). Scripts
// and styles load only with the per-page nonce; nothing else is allowed by default.

export interface TimelineHtmlInput {
  /** `webview.cspSource`, for images and fonts from our own folders. */
  cspSource: string;
  /** Fresh, unguessable per page (crypto randomness, base64). */
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function timelineHtml(input: TimelineHtmlInput): string {
  const nonce = escapeAttr(input.nonce);
  // `csp-nonce` meta: the toolkit looks it up (as `property`) for the styles it injects; the
  // `name` form is the common convention. Both carry the same nonce.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(input.cspSource, input.nonce))}">
<meta name="csp-nonce" property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttr(input.styleUri)}">
<title>Incident timeline</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${escapeAttr(input.scriptUri)}"></script>
</body>
</html>`;
}
