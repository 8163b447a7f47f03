/**
 * What a feature module brings to the screen. Each module (incidents, meter alerts, the building
 * record, typhoon planning, …) describes its parts here and is listed once in
 * renderer/features/registry.ts; the shell lays out what the registry holds and has no list of
 * its own (no `panel === …` chains, no hard-coded toggle lists).
 */
import type { ComponentType } from 'react';
import type { Layer } from '@deck.gl/core';
import type { BuildingColumns } from '../../electron/common/dto.ts';
import type { BuildingColouring, Rgb } from '../views/map/layers/buildingColours.ts';
import type { BuildingGeometry } from '../views/map/layers/buildingGeometry.ts';
import type { Incident, IncidentDetail } from '../../electron/common/dto.ts';

/** A tab of the right-hand column. */
export interface RightPanelDef {
  /** Stable id: the tab's test id is `tab-<id>`, its title `right.<id>` in i18n. */
  id: string;
  /** The number on the tab (open items), or null for none. A hook: it may read stores. */
  useCount?: () => number | null;
  /** True while the tab cannot be opened (nothing selected). A hook. */
  useDisabled?: () => boolean;
  component: ComponentType;
}

/** The player's moment, for layers that draw time (a storm's position, water at that hour). */
export interface LayerContext {
  /** The player's time (epoch ms): now when live, the scrubbed moment in replay or forecast. */
  timeMs: number;
  /** Twin-local coordinates (LNGLAT_OFFSETS) are relative to this. */
  originLon: number;
  originLat: number;
}

/**
 * Layers a module adds to the 3D city map, drawn with the buildings (below the live canvas). The
 * map is not React: it subscribes to what the layers depend on and asks for them again.
 */
export interface MapLayersDef {
  /** Stable id; its layers' ids start with it. */
  id: string;
  /** Calls `onChange` whenever the layers must be rebuilt (data, toggle, the player's time); returns the unsubscribe. */
  subscribe(onChange: () => void): () => void;
  /** The layers for now; none when hidden. */
  build(context: LayerContext): Layer[];
}

/**
 * A whole-window page that a link opens by its fragment (`#<key>=<value>`) in place of the console,
 * e.g. the typhoon briefing `#brief=CMA:1909`, which the hosts print to PDF.
 */
export interface FeaturePageDef {
  /** The fragment's key; unique over all modules. */
  key: string;
  component: ComponentType<{ value: string }>;
  /**
   * Listed in the whole-window pages' navigation (renderer/features/PageNav.tsx), which each such
   * page shows in its header: the label's i18n key and the value the link opens with.
   */
  nav?: { labelKey: string; value: string; order?: number };
}

/** What a part of an incident's action panel is given: the incident, and where to hand the detail an action returns. */
export interface IncidentActionProps {
  incident: Incident;
  onChanged: (detail: IncidentDetail | null) => void;
}

/** What a colour-by channel colours from: the buildings and the player's moment. */
export interface ColourContext {
  columns: BuildingColumns;
  /** Row of each building id, roof centres (absolute lon/lat). */
  geometry: BuildingGeometry;
  /** The player's time (epoch ms): now when live, the scrubbed moment in replay or forecast. */
  timeMs: number;
}

/**
 * A choice of the left column's "colour buildings by": a module colours every building row and
 * says how to read it (the legend). A channel that follows live data or the player's time says so
 * through `subscribe`; the map and the legend subscribe only while it is the one chosen.
 */
export interface ColourByDef {
  /** Stable id: the select's value (`colourBy` in the UI store). */
  id: string;
  /** i18n key of its name in the select. */
  labelKey: string;
  /** Place in the select, lower first (ties keep the registry's order); the building attributes lead. Default 100. */
  order?: number;
  /** Calls `onChange` whenever the colouring must be asked for again; returns the unsubscribe. Static channels have none. */
  subscribe?(onChange: () => void): () => void;
  /** The colouring now; memoised by the module (the same object while nothing changed: deck.gl then uploads nothing). */
  colour(context: ColourContext): BuildingColouring;
}

/** The time bar's span: the scrubber's ends and now. */
export interface TimelineSpan {
  fromMs: number;
  toMs: number;
  nowMs: number;
}

/** What a timeline row draws: bars of a count per bin (a histogram), or coloured bands. */
export type TimelineMarks =
  | { kind: 'bars'; colour: Rgb; bins: { fromMs: number; toMs: number; value: number }[] }
  | { kind: 'bands'; bands: { fromMs: number; toMs: number; colour: Rgb; labelKey: string }[] };

/** A thin row under the time bar's scrubber: something a module has per hour (incidents, warnings). */
export interface TimelineTrackDef {
  id: string;
  /** i18n key of the row's name (its tooltip and accessible name). */
  labelKey: string;
  /** Calls `onChange` whenever the marks must be built again; returns the unsubscribe. */
  subscribe(onChange: () => void): () => void;
  /** The marks over the span; null when there is nothing to show (the row is left out). */
  build(span: TimelineSpan): TimelineMarks | null;
}

/**
 * Something a person can do from anywhere, by key or from the help overlay (`?`): close, search,
 * move in a list. One dispatcher (renderer/app/keyboard.ts) runs the first enabled command bound
 * to a key; keys typed into a field reach no command but Esc.
 */
export interface CommandDef {
  /** Stable id, e.g. `shell.close`. */
  id: string;
  /** i18n key of what it does, as the help overlay lists it. */
  labelKey: string;
  /** `KeyboardEvent.key` values that run it (`Escape`, `/`, `ArrowDown`); none: help only. */
  keys?: readonly string[];
  /** False while it does not apply (no list shown, nothing open); the next command for the key is tried. */
  enabled?(): boolean;
  run(): void;
}

export interface FeatureModule {
  id: string;
  panels?: readonly RightPanelDef[];
  pages?: readonly FeaturePageDef[];
  mapLayers?: readonly MapLayersDef[];
  /** Parts drawn over the map for the whole session (the demo's presenter bar); each draws nothing when idle. */
  overlays?: readonly ComponentType[];
  /** Director mode: a scene pushed to a wall panel says which map layers show (data/model/wallScene.ts SCENE_LAYERS). */
  applyScene?(scene: { layers: readonly string[] }): void;
  /** Commands with their keys (renderer/app/keyboard.ts runs them; `?` lists them). */
  commands?: readonly CommandDef[];
  /** Choices of "colour buildings by" (the left column's select), in the select's order. */
  colourBy?: readonly ColourByDef[];
  /**
   * Sections of a wall's KPI cell, under the district's counts (aggregates only: a wall token reads
   * them). Each fills the height it is given and drops what does not fit rather than clip.
   */
  wallKpiSections?: readonly ComponentType[];
  /** Rows under the time bar's scrubber. */
  timelineTracks?: readonly TimelineTrackDef[];
  /** Parts of an incident's action panel for an operator (dispatch by kind's proposal per kind). */
  incidentActions?: readonly ComponentType<IncidentActionProps>[];
  /** Sections of the household record (一户一档) under its own fields, given the household's id (consoles only: a wall gets no record). */
  householdSections?: readonly ComponentType<{ householdId: number }>[];
  /** UI strings under the module's own key, merged into both languages at start. */
  i18n?: { 'zh-CN': Record<string, unknown>; en: Record<string, unknown> };
  /** Called once after sign-in (load data, subscribe to the module's pushes). */
  start?(): void;
}
