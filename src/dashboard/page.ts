/**
 * What the page may load and do. The script and stylesheet are the page's own files; it talks to
 * its own origin only (the admin API); nothing runs inline, and with Trusted Types no string can
 * become markup (`innerHTML` throws), so names, operations and audit inputs from the API can only
 * be shown as text. uPlot sets styles through the CSSOM, which `style-src 'self'` allows.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // `data:` for the empty favicon, so the browser asks for no /favicon.ico.
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Headers on every dashboard response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** The `<meta>` the page reads a pre-filled admin token from (the demo's). */
export const TOKEN_META_NAME = 'gatehouse-admin-token';

export interface DashboardPageOptions {
  scriptPath: string;
  stylePath: string;
  /** Written into the page: only the demo passes one. */
  adminToken?: string;
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The page holds no data: the script asks the admin API for everything, with the token the user gives it. */
export function renderDashboardPage({ scriptPath, stylePath, adminToken }: DashboardPageOptions): string {
  const token = adminToken ? `\n    <meta name="${TOKEN_META_NAME}" content="${escapeAttribute(adminToken)}" />` : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Gatehouse dashboard</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${escapeAttribute(stylePath)}" />
    <script src="${escapeAttribute(scriptPath)}" defer></script>${token}
  </head>
  <body>
    <noscript>The Gatehouse dashboard needs JavaScript.</noscript>
    <div id="app"></div>
  </body>
</html>
`;
}
