/**
 * Boots the renderer: i18n, layout variables, test hooks, data loading, then React. No
 * StrictMode: its double mount would create and force-lose a second WebGL context for the R3F
 * canvas and the map (ARCHITECTURE-ANCHORS §4.3).
 */
import { createRoot } from 'react-dom/client';
import { i18n } from '../i18n/index.ts';
import { FEATURES } from '../features/registry.ts';
import '../gfx/fonts.ts';
import '../styles/app.css';
import '../styles/live.css';
import '../styles/layout.css';
import { App } from './App.tsx';
import { applyLayoutVariables } from './layout.ts';
import { installTestHooks } from '../testing/testHooks.ts';
import { followSelection } from '../actions/selection.ts';
import { startSession } from '../actions/session.ts';
import { ensureFont } from '../gfx/fonts.ts';
import { startPageWatchdog } from '../gfx/pageWatchdog.ts';
import { installKeyboard } from './keyboard.ts';

/** Every character of the Chinese UI strings, so the font subsets are there before they show. */
function uiCharacters(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') for (const ch of value) out.add(ch);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) uiCharacters(v, out);
  return out;
}

/** Each feature module's UI strings, under its own key, in both languages. */
function addFeatureStrings(): void {
  for (const f of FEATURES) {
    if (!f.i18n) continue;
    i18n.addResourceBundle('zh-CN', 'translation', { [f.id]: f.i18n['zh-CN'] }, true, true);
    i18n.addResourceBundle('en', 'translation', { [f.id]: f.i18n.en }, true, true);
  }
}

export function startApp(): void {
  addFeatureStrings();
  applyLayoutVariables();
  // Offline machines may have no system CJK font to fall back on while a subset loads.
  void ensureFont(Array.from(uiCharacters(i18n.getResourceBundle('zh-CN', 'translation'))).join(''));
  installTestHooks();
  followSelection();
  startPageWatchdog(); // a wall reloads itself when its map freezes or loses WebGL for good
  installKeyboard();
  // Signs in (a one-time or wall link, the host's session, or the form), then loads the twin.
  void startSession();
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(<App />);
}
