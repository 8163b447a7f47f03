/**
 * The demo's contract section (feature module): the story a presenter walks through. Listed once
 * in contract.ts SECTIONS; served by electron/services/demo/. A wall sees the step's title, never
 * the presenter's notes.
 */
import { z } from 'zod';
import type { Bilingual, StoryStepId, StoryView } from '../../../data/model/demo/story.ts';
import { m, NO_ARGS, type MemberSpec } from '../sections.ts';

export interface DemoStoryView {
  steps: { id: StoryStepId; title: Bilingual }[];
  /** The step on screen; -1 before the first. */
  current: number;
  /** The presenter's notes for the current step; null for a wall or before the first step. */
  notes: Bilingual | null;
  view: StoryView | null;
  /** Steps advance on their own (an unattended run). */
  autoplay: boolean;
  /** What the last step could not do (e.g. no storm could be written), for the presenter. */
  problem: string | null;
}

export interface DemoApi {
  /** The story, or null when this host is not running the demo. */
  getStory(): Promise<DemoStoryView | null>;
  /** Go to a step (PageDown / PageUp). Steps between run in order; going back shows, never undoes. */
  goToStep(index: number): Promise<DemoStoryView | null>;
  setAutoplay(on: boolean): Promise<DemoStoryView | null>;
  /** Pushed when the step changes (each view gets it as getStory would give it). */
  onStoryStep(listener: (story: DemoStoryView) => void): () => void;
}

export const DEMO_SECTION = {
  getStory: NO_ARGS('view'),
  goToStep: m('operator', z.number().int().min(-1).max(99)),
  setAutoplay: m('operator', z.boolean()),
  onStoryStep: 'event',
} as const satisfies Record<keyof DemoApi, MemberSpec>;
