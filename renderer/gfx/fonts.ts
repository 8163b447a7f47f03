/**
 * The bundled CJK font. @fontsource splits Noto Sans SC into unicode-range subsets; `load(font,
 * text)` fetches only the subsets the given text touches, from our own host. Canvas-drawn text
 * (deck.gl's font atlas, the facility icon atlas) must wait for it, or the browser's fallback
 * font is baked into the atlas for good.
 */
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';

export const FONT_FAMILY = 'Noto Sans SC';

/** Resolves once both weights cover `text`, or after `timeoutMs` (a missing subset must not block the map). */
export async function ensureFont(text: string, timeoutMs = 5000): Promise<void> {
  if (typeof document === 'undefined' || !('fonts' in document)) return;
  const sample = text.length > 0 ? text : '中文ABC123';
  const load = Promise.all([
    document.fonts.load(`400 32px "${FONT_FAMILY}"`, sample),
    document.fonts.load(`700 32px "${FONT_FAMILY}"`, sample),
  ]).then(() => undefined);
  await Promise.race([load.catch(() => undefined), new Promise<void>((r) => setTimeout(r, timeoutMs))]);
}
