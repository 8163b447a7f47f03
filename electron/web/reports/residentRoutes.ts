/**
 * The residents' form on the web host (no sign-in):
 *
 *   GET  /report                 the form (zh-CN; ?lang=en for English)
 *   GET  /report/<receipt code>  the report's progress, and the resident's rating once handled
 *   GET  /report/app.js|app.css|font.css   the page's script, style and the bundled font's faces
 *   GET  /report/api/form        a fresh form: one-time token, categories, the district's sketch map
 *   POST /report/api/submit      { token, category, description, lon, lat, lang, photo? } → { receipt }
 *   GET  /report/api/receipt/<code>
 *   POST /report/api/rate        { receipt, rating, comment, lang }
 *
 * The routes call the `reports` contract section through `dispatch` (its public methods, limited per
 * address inside the service) and answer every refusal with a code and a sentence in the page's
 * language: 413 too large, 400 a field, 403/409 the form's token, 429 + Retry-After too many.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppApi } from '../../common/contract.ts';
import { residentReportInput, type ResidentLang } from '../../common/reports/contract.ts';
import { RESIDENT_LIMITS } from '../../../data/model/reports/index.ts';
import { dispatch } from '../../services/index.ts';
import { ResidentError } from '../../services/reports/limits.ts';
import { residentText, RESIDENT_STRINGS } from './residentStrings.ts';
import { RESIDENT_CLIENT_JS, RESIDENT_CSS } from './residentPage.ts';

const langOf = (v: unknown): ResidentLang => (v === 'en' ? 'en' : 'zh-CN');
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function answer(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(JSON.stringify(body));
}

function refuse(reply: FastifyReply, lang: ResidentLang, status: number, code: string, vars: Record<string, string | number> = {}): FastifyReply {
  return answer(reply, status, { error: residentText(lang, `err.${code}`, vars), code });
}

/** The field a failed check is about, as the form's error code. */
function codeOfIssue(path: readonly PropertyKey[], issueCode: string): string {
  const field = String(path[0] ?? '');
  if (field === 'category') return 'bad_category';
  if (field === 'description') return 'bad_description';
  if (field === 'lon' || field === 'lat') return 'bad_place';
  if (field === 'photo') return issueCode === 'too_big' ? 'photo_too_large' : 'bad_photo';
  if (field === 'token') return 'bad_token';
  return 'bad_request';
}

export function registerResidentRoutes(app: FastifyInstance, options: { services: AppApi; staticDir: string }): void {
  const call = (req: FastifyRequest, method: string, args: unknown[]): Promise<unknown> =>
    dispatch(options.services, 'reports', method, args, { caller: null, via: 'http', from: req.ip });
  const fail = (reply: FastifyReply, lang: ResidentLang, err: unknown): FastifyReply => {
    if (err instanceof ResidentError) {
      if (err.retryAfterS !== undefined) reply.header('retry-after', String(err.retryAfterS));
      return refuse(reply, lang, err.status, err.code, { s: err.retryAfterS ?? 0 });
    }
    if (err instanceof TypeError) return refuse(reply, lang, 400, 'bad_request');
    throw err;
  };
  const vars = { min: RESIDENT_LIMITS.descriptionMin, max: RESIDENT_LIMITS.descriptionMax };
  // Bodies beyond the limit, or not JSON: answered in the page's language, not the API's.
  const errorHandler = (err: Error & { code?: string; statusCode?: number }, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const lang = langOf((req.query as { lang?: string } | undefined)?.lang);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return refuse(reply, lang, 413, 'too_large');
    if ((err.statusCode ?? 500) < 500) return refuse(reply, lang, err.statusCode ?? 400, 'bad_request');
    throw err;
  };
  const parseBody = (req: FastifyRequest): Record<string, unknown> | null => {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return null;
    try {
      const v: unknown = JSON.parse(typeof req.body === 'string' ? req.body : '');
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };

  let fontCss: Promise<string> | null = null;
  const shell = (lang: ResidentLang): string => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(RESIDENT_STRINGS[lang].title!)}</title>
<link rel="stylesheet" href="/report/font.css"><link rel="stylesheet" href="/report/app.css">
<script type="application/json" id="strings">${JSON.stringify({ lang, strings: RESIDENT_STRINGS[lang], vars }).replace(/</g, '\\u003c')}</script>
<script src="/report/app.js" defer></script></head>
<body><main id="app" aria-live="polite"><h1>${escapeHtml(RESIDENT_STRINGS[lang].title!)}</h1></main></body></html>`;
  const page = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const lang = langOf((req.query as { lang?: string }).lang);
    return reply
      .code(200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'")
      .send(shell(lang));
  };
  app.get('/report', page);
  app.get('/report/app.js', async (_req, reply) => reply.code(200).header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(RESIDENT_CLIENT_JS));
  app.get('/report/app.css', async (_req, reply) => reply.code(200).header('content-type', 'text/css; charset=utf-8').header('cache-control', 'no-cache').send(RESIDENT_CSS));
  app.get('/report/font.css', async (_req, reply) => {
    fontCss ??= bundledFontFaces(options.staticDir);
    return reply.code(200).header('content-type', 'text/css; charset=utf-8').header('cache-control', 'no-cache').send(await fontCss);
  });
  app.get('/report/api/form', async (req, reply) => {
    const lang = langOf((req.query as { lang?: string }).lang);
    try {
      return answer(reply, 200, await call(req, 'getReportForm', [lang]));
    } catch (err) {
      return fail(reply, lang, err);
    }
  });
  app.post('/report/api/submit', { bodyLimit: RESIDENT_LIMITS.bodyBytes, errorHandler }, async (req, reply) => {
    const body = parseBody(req);
    const lang = langOf(body?.lang ?? (req.query as { lang?: string }).lang);
    if (!body) return refuse(reply, lang, 400, 'bad_request');
    const checked = residentReportInput.safeParse(body);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      return refuse(reply, lang, 400, codeOfIssue(issue.path, issue.code), vars);
    }
    try {
      return answer(reply, 200, await call(req, 'submitReport', [checked.data]));
    } catch (err) {
      return fail(reply, lang, err);
    }
  });
  app.get<{ Params: { code: string } }>('/report/api/receipt/:code', async (req, reply) => {
    const lang = langOf((req.query as { lang?: string }).lang);
    try {
      const receipt = await call(req, 'getReceipt', [req.params.code.slice(0, 32)]);
      return receipt === null ? refuse(reply, lang, 404, 'no_receipt') : answer(reply, 200, receipt);
    } catch (err) {
      return fail(reply, lang, err);
    }
  });
  app.post('/report/api/rate', { errorHandler }, async (req, reply) => {
    const body = parseBody(req);
    const lang = langOf(body?.lang);
    if (!body || typeof body.receipt !== 'string') return refuse(reply, lang, 400, 'bad_request');
    const rating = body.rating;
    if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) return refuse(reply, lang, 400, 'bad_rating');
    const comment = typeof body.comment === 'string' ? body.comment.slice(0, RESIDENT_LIMITS.commentMax) : '';
    try {
      return answer(reply, 200, await call(req, 'rateReport', [body.receipt.slice(0, 32), rating, comment]));
    } catch (err) {
      return fail(reply, lang, err);
    }
  });
  // Last: a receipt code's page (the API's own paths above are matched first).
  app.get<{ Params: { code: string } }>('/report/:code', page);
}

/**
 * The renderer's own Noto Sans SC faces (Vite's build of @fontsource, unicode-range subsets), with
 * their URLs made absolute so this page loads the same files from /assets/. Nothing is fetched
 * from elsewhere; without a built renderer the page falls back to the system's sans-serif.
 */
async function bundledFontFaces(staticDir: string): Promise<string> {
  const dir = join(staticDir, 'assets');
  const files = await readdir(dir).catch(() => [] as string[]);
  const faces: string[] = [];
  for (const f of files.filter((x) => x.endsWith('.css'))) {
    const css = await readFile(join(dir, f), 'utf8');
    for (const m of css.matchAll(/@font-face\s*\{[^}]*\}/g)) {
      const face = m[0];
      if (!/Noto Sans SC/.test(face) || !/font-weight:\s*(400|700)\b/.test(face)) continue;
      faces.push(face.replace(/url\(\s*["']?\.\/([^)"']+)["']?\s*\)/g, 'url(/assets/$1)'));
    }
    if (faces.length > 0) break;
  }
  return faces.join('\n');
}
