/**
 * The Content-Security-Policy both hosts send with the app's HTML. No 'unsafe-eval'; no host but
 * the app's own. maplibre starts its worker from a blob: URL, hence `worker-src blob:`; styles
 * allow inline because maplibre and React set element styles.
 */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
