/**
 * The page-side half of tests/e2e/layout.test.ts: measures every visible text of the page (runs
 * in the browser through page.evaluate, so it is self-contained: no imports, no closures).
 */
export interface TextBox {
  text: string;
  where: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Effective font size, CSS px of the window (computed size × zoom). */
  px: number;
}
export interface Geometry {
  layout: string;
  scale: number;
  texts: TextBox[];
  cut: { text: string; where: string; by: string }[];
  overlaps: { a: string; b: string }[];
  leftColumnScrolls: boolean;
}

/**
 * Runs in the page (page.evaluate(MEASURE)): every visible text (an element's own text nodes,
 * measured with a Range so the box is the text's, not its element's), what clips it, and which
 * texts overlap. Plain JavaScript in a string: a compiled function could carry the compiler's
 * helpers (`__name`), which the page does not have.
 */
export const MEASURE = `(() => {
  const describeEl = (el) => {
    const parts = [];
    for (let e = el; e && parts.length < 3; e = e.parentElement) {
      const id = e.getAttribute('data-testid');
      parts.push(id ? \`[\${id}]\` : \`\${e.tagName.toLowerCase()}\${e.classList.length ? \`.\${Array.from(e.classList).join('.')}\` : ''}\`);
    }
    return parts.reverse().join(' > ');
  };
  const ignored = (el) => Boolean(el.closest('.toasts, .map-tooltip, .sr-only, .maplibregl-map, [aria-hidden="true"]'));
  const scrollsItsContent = (el) => {
    const s = getComputedStyle(el);
    const scrollable = /(auto|scroll)/.test(s.overflowY + s.overflowX);
    return scrollable && (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) && !el.classList.contains('control-column');
  };
  const texts = [];
  const cut = [];
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const byElement = new Map();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n;
    if (!t.data.trim() || !t.parentElement) continue;
    const list = byElement.get(t.parentElement) ?? [];
    list.push(t);
    byElement.set(t.parentElement, list);
  }
  for (const [el, nodes] of byElement) {
    if (ignored(el) || el.closest('option, select, script, style, noscript, title')) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible' || Number(style.opacity) === 0) continue;
    // Not rendered: inside a closed disclosure, display:none, content-visibility hidden.
    if (!el.checkVisibility({ contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true })) continue;
    const range = document.createRange();
    range.setStartBefore(nodes[0]);
    range.setEndAfter(nodes[nodes.length - 1]);
    const r = range.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    // An ancestor at opacity 0 or hidden by a transparent parent does not show the text.
    let shown = true;
    for (let e = el; e; e = e.parentElement) if (Number(getComputedStyle(e).opacity) === 0) shown = false;
    if (!shown) continue;
    const text = nodes.map((t) => t.data).join('').trim().slice(0, 40);
    const where = describeEl(el);
    const zoom = el.currentCSSZoom ?? 1;
    const box = { text, where, x: r.left, y: r.top, w: r.width, h: r.height, px: parseFloat(style.fontSize) * zoom, el };
    // What clips it: the window, and every ancestor that does not let its content overflow.
    let exempt = false;
    const clippers = [{ rect: new DOMRect(0, 0, vw, vh), by: 'window' }];
    for (let e = el; e; e = e.parentElement) {
      if (e !== el && scrollsItsContent(e)) exempt = true;
      const s = getComputedStyle(e);
      if (e !== el && (s.overflowX !== 'visible' || s.overflowY !== 'visible') && e !== document.body && e !== document.documentElement && e.id !== 'root') {
        const b = e.getBoundingClientRect();
        clippers.push({ rect: b, by: describeEl(e) });
      }
    }
    // Text cut short by its own box (ellipsis, overflow hidden) is cut too.
    if (!exempt && style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) cut.push({ text, where, by: 'its own box (ellipsis)' });
    if (!exempt) {
      for (const c of clippers) {
        const inside = r.left >= c.rect.left - 1 && r.right <= c.rect.right + 1 && r.top >= c.rect.top - 1 && r.bottom <= c.rect.bottom + 1;
        if (!inside) {
          cut.push({ text, where, by: c.by });
          break;
        }
      }
    }
    // Texts scrolled out of a list are not on screen: left out of the overlap check.
    const visible = clippers.every((c) => r.left < c.rect.right && r.right > c.rect.left && r.top < c.rect.bottom && r.bottom > c.rect.top);
    if (visible) texts.push(box);
  }
  // A choice or a placeholder wider than its field shows cut (the browser draws it, no text node).
  const canvas = document.createElement('canvas').getContext('2d');
  for (const field of document.querySelectorAll('select, input[placeholder]')) {
    if (ignored(field) || !field.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const shown = field.tagName === 'SELECT' ? (field.options[field.selectedIndex] ? field.options[field.selectedIndex].text : '') : field.value ? '' : field.placeholder;
    if (!shown) continue;
    const s = getComputedStyle(field);
    canvas.font = s.fontWeight + ' ' + s.fontSize + ' ' + s.fontFamily;
    const room = field.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    if (canvas.measureText(shown).width > room + 1) cut.push({ text: shown.slice(0, 40), where: describeEl(field), by: 'its field' });
  }
  const overlaps = [];
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i];
      const b = texts[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      // Line boxes of neighbouring lines touch; a real overlap covers part of a glyph.
      if (ox > 2 && oy > Math.min(a.h, b.h) * 0.25) overlaps.push({ a: \`\${a.text} (\${a.where})\`, b: \`\${b.text} (\${b.where})\` });
    }
  }
  const column = document.querySelector('.control-column');
  return {
    layout: document.documentElement.dataset.layout ?? '',
    scale: Number(getComputedStyle(document.documentElement).getPropertyValue('--ui-scale')),
    texts: texts.map(({ el, ...t }) => t),
    cut,
    overlaps,
    leftColumnScrolls: column ? column.scrollHeight > column.clientHeight + 1 : false,
  };
})()`;
