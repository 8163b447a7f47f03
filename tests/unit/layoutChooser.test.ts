/**
 * The layout chooser (renderer/layout/): which layout a window gets, how large its type is for
 * the viewing distance, where a wall's cells go, and that a wall's district is not aimed at a seam.
 */
import { describe, expect, it } from 'vitest';
import { resolveLayout, focusOffSeams } from '../../renderer/layout/choose.ts';
import { parseLayoutSettings } from '../../renderer/layout/settings.ts';
import { DISTANCE_RANGE_M, LAYOUTS, LAYOUT_IDS, SMALLEST_TEXT_PX, scaleForDistance } from '../../renderer/layout/model.ts';
import * as cliLayouts from '../../electron/common/layouts.ts';

const win = (width: number, height: number, devicePixelRatio = 1): { width: number; height: number; devicePixelRatio: number } => ({ width, height, devicePixelRatio });

describe('the window picks the layout', () => {
  it('consoles from 1366×768 to 2560×1440 keep the base design (scale 1, at most a twentieth more)', () => {
    for (const [w, h] of [[1366, 768], [1600, 900], [1920, 1080], [2560, 1440]] as const) {
      const l = resolveLayout(win(w, h));
      expect(l.def.id).toBe('console');
      expect(l.scale).toBeLessThanOrEqual(1.05);
      expect(l.chosenBy).toBe('window');
    }
    expect(resolveLayout(win(1920, 1080)).scale).toBe(1);
  });

  it('a 3840×2160 window is a screen read from 3–5 m: its smallest text at least 24 px', () => {
    const l = resolveLayout(win(3840, 2160));
    expect(l.def.id).toBe('screen-4k');
    expect(SMALLEST_TEXT_PX * l.scale).toBeGreaterThanOrEqual(24);
    expect(15 * l.scale).toBeGreaterThanOrEqual(24);
  });

  it('the same 4K screen on an OS scaled 200 % is not scaled twice', () => {
    const l = resolveLayout(win(1920, 1080, 2));
    expect(l.def.id).toBe('screen-4k');
    expect(l.scale).toBe(1);
  });

  it('walls by their size, with the bezels hidden pixels when the controller compensates', () => {
    expect(resolveLayout(win(7680, 2160)).def.id).toBe('wall-2x1-4k');
    expect(resolveLayout(win(3840, 1080)).def.id).toBe('wall-2x1-1080');
    expect(resolveLayout(win(5760, 3240)).def.id).toBe('wall-3x3-1080');
    expect(resolveLayout(win(15360, 4320)).def.id).toBe('wall-4x2-4k');
    // Two 1080p panels with 12 px hidden under the seam.
    const l = resolveLayout(win(3852, 1080));
    expect(l.def.id).toBe('wall-2x1-1080');
    expect(l.hiddenPx).toBe(12);
    expect(l.panels[1]!.x).toBe(1932);
  });

  it('a setting wins over the window; a bad one is ignored', () => {
    const settings = parseLayoutSettings('?layout=wall-4x2-1080&distance=6', '#wall=abc');
    expect(settings).toEqual({ layout: 'wall-4x2-1080', distanceM: 6 });
    const l = resolveLayout(win(7680, 2160), settings);
    expect(l.def.id).toBe('wall-4x2-1080');
    expect(l.chosenBy).toBe('setting');
    expect(l.distanceM).toBe(6);
    expect(parseLayoutSettings('', '#layout=nope&distance=-3&bezel=x')).toEqual({});
  });

  it('type grows with the distance, never below the base', () => {
    expect(scaleForDistance(0.5, 0.27)).toBe(1);
    const near = scaleForDistance(3, 0.75);
    const far = scaleForDistance(5, 0.75);
    expect(far).toBeGreaterThan(near);
    // A console asked to be read from 4 m holds its panels (1280×720 CSS px at least).
    const l = resolveLayout(win(1920, 1080), { distanceM: 4 });
    expect(1920 / l.scale).toBeGreaterThanOrEqual(1280);
  });
});

describe('the CLI and the renderer', () => {
  it('know the same layouts and distances (serve --layout/--distance)', () => {
    expect([...cliLayouts.LAYOUT_IDS].sort()).toEqual([...LAYOUT_IDS].sort());
    expect(cliLayouts.DISTANCE_RANGE_M).toEqual(DISTANCE_RANGE_M);
  });
});

describe('wall cells', () => {
  it('no cell but the overview crosses a seam, and none reaches under a hidden bezel strip', () => {
    for (const def of LAYOUTS.filter((d) => d.arrangement === 'cells')) {
      const { cols, rows, panelW, panelH } = def.display;
      const hidden = 10;
      const l = resolveLayout(win(cols * panelW + (cols - 1) * hidden, rows * panelH + (rows - 1) * hidden), { layout: def.id, bezelMm: hidden * def.display.pitchMm });
      expect(l.hiddenPx).toBe(hidden);
      for (const cell of l.cells) {
        if (cell.role === 'overview') continue;
        const inOne = l.panels.some((p) => cell.rect.x >= p.x - 0.5 && cell.rect.y >= p.y - 0.5 && cell.rect.x + cell.rect.w <= p.x + p.w + 0.5 && cell.rect.y + cell.rect.h <= p.y + p.h + 0.5);
        expect(inOne, `${def.id} ${cell.role}`).toBe(true);
      }
    }
  });

  it('the district is aimed off the seams', () => {
    for (const def of LAYOUTS.filter((d) => d.arrangement === 'cells')) {
      const { cols, rows, panelW, panelH } = def.display;
      const l = resolveLayout(win(cols * panelW, rows * panelH), { layout: def.id });
      const overview = l.cells.find((c) => c.role === 'overview')!.rect;
      const fx = overview.x + l.mapFocus!.x;
      const fy = overview.y + l.mapFocus!.y;
      for (let c = 1; c < cols; c++) expect(Math.abs(fx - c * panelW), def.id).toBeGreaterThan(panelW * 0.2);
      for (let r = 1; r < rows; r++) expect(Math.abs(fy - r * panelH), def.id).toBeGreaterThan(panelH * 0.2);
    }
    // A 2×2 block of panels: its middle is where four bezels meet.
    const panels = [0, 1].flatMap((r) => [0, 1].map((c) => ({ x: c * 100, y: r * 100, w: 100, h: 100 })));
    expect(focusOffSeams({ x: 0, y: 0, w: 200, h: 200 }, panels)).toEqual({ x: 125, y: 125 });
  });
});
