/**
 * The demo's story on this screen: the step the presenter is on, and what the screen turns to
 * when a step begins (tab, selection, camera). The host runs the story; every screen follows.
 */
import { createStore } from '../../state/createStore.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostCall } from '../../actions/hostCall.ts';
import { selectBuilding, setRightPanel } from '../../state/uiStore.ts';
import { selectIncident } from '../../actions/incidents.ts';
import { selectAlert } from '../../actions/alerts.ts';
import { flyToBounds, flyToPreset } from '../../actions/camera.ts';
import { canDo, useSessionStore } from '../../state/sessionStore.ts';
import type { DemoStoryView } from '../../../electron/common/demo/contract.ts';

export interface DemoState {
  story: DemoStoryView | null;
  /** A call to the host is running (the buttons wait for it). */
  busy: boolean;
}

export const useDemoStore = createStore<DemoState>()(() => ({ story: null, busy: false }));

let shownStep = -2;

/** The screen turns to what the step is about, once per step. */
function follow(story: DemoStoryView | null): void {
  useDemoStore.setState({ story });
  if (!story || story.current === shownStep) return;
  shownStep = story.current;
  const view = story.view;
  if (!view) return;
  // A new step starts from a clear screen: what the last one opened (a household card) closes.
  selectIncident(null);
  selectAlert(null, { fly: false });
  selectBuilding(null);
  if (view.panel) setRightPanel(view.panel);
  const focus = view.focus;
  if (focus?.kind === 'incident') selectIncident(focus.id);
  else if (focus?.kind === 'alert') selectAlert(focus.id, { fly: true });
  else if (focus?.kind === 'overview') flyToPreset('overview');
  else if (focus?.kind === 'bounds') flyToBounds(focus.bbox);
}

export async function goToStep(index: number): Promise<void> {
  const api = getAppApi().demo;
  if (!api || useDemoStore.getState().busy) return;
  useDemoStore.setState({ busy: true });
  try {
    follow(await hostCall(() => api.goToStep(index), useDemoStore.getState().story));
  } finally {
    useDemoStore.setState({ busy: false });
  }
}

export async function setAutoplay(on: boolean): Promise<void> {
  const api = getAppApi().demo;
  if (api) follow(await hostCall(() => api.setAutoplay(on), useDemoStore.getState().story));
}

/** PageDown / PageUp (what a presenter's clicker sends) move through the story, at a console that may. */
function onKey(e: KeyboardEvent): void {
  const story = useDemoStore.getState().story;
  if (!story || (e.key !== 'PageDown' && e.key !== 'PageUp')) return;
  if (!canDo(useSessionStore.getState().session, 'operator')) return;
  const target = e.target as HTMLElement | null;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
  e.preventDefault();
  void goToStep(story.current + (e.key === 'PageDown' ? 1 : -1));
}

/** Loads the story (null when the host is not running the demo) and follows its steps. */
export function startDemo(): void {
  const api = getAppApi().demo;
  if (!api) return;
  void hostCall(() => api.getStory(), null).then((story) => {
    if (!story) return;
    follow(story);
    window.addEventListener('keydown', onKey);
  });
  api.onStoryStep((story) => {
    if (!useDemoStore.getState().story) window.addEventListener('keydown', onKey);
    follow(story);
  });
}
