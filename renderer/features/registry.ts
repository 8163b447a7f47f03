/**
 * The feature modules of the screen: one line per module, in the order their tabs and layers
 * appear. The right-hand column, the map and i18n read their parts from here.
 */
import type { ComponentType } from 'react';
import type { IncidentActionProps } from './feature.ts';
import type { ColourByDef, CommandDef, FeatureModule, FeaturePageDef, MapLayersDef, RightPanelDef, TimelineTrackDef } from './feature.ts';
import { incidentsFeature } from './incidents/index.ts';
import { alertsFeature } from './alerts/index.ts';
import { buildingsFeature } from './buildings/index.ts';
import { typhoonFeature } from './typhoon/index.ts';
import { demoFeature } from './demo/index.ts';
import { directorFeature } from './director/index.ts';
import { kpiFeature } from './kpi/index.ts';
import { dispatchFeature } from './dispatch/index.ts';
import { commandsFeature } from './commands/index.ts';
import { searchFeature } from './search/index.ts';
import { whistleFeature } from './whistle/index.ts';
import { trustPropertyFeature } from './trustProperty/index.ts';
import { pointsFeature } from './points/index.ts';
import { microProjectsFeature } from './microProjects/index.ts';

export const FEATURES: readonly FeatureModule[] = [incidentsFeature, dispatchFeature, alertsFeature, typhoonFeature, buildingsFeature, demoFeature, kpiFeature, commandsFeature, searchFeature, directorFeature, whistleFeature, trustPropertyFeature, pointsFeature, microProjectsFeature];

export const RIGHT_PANEL_DEFS: readonly RightPanelDef[] = FEATURES.flatMap((f) => f.panels ?? []);
export const MAP_LAYER_DEFS: readonly MapLayersDef[] = FEATURES.flatMap((f) => f.mapLayers ?? []);
export const PAGE_DEFS: readonly FeaturePageDef[] = FEATURES.flatMap((f) => f.pages ?? []);
export const OVERLAY_DEFS: readonly ComponentType[] = FEATURES.flatMap((f) => f.overlays ?? []);
export const COMMAND_DEFS: readonly CommandDef[] = FEATURES.flatMap((f) => f.commands ?? []);
export const INCIDENT_ACTION_DEFS: readonly ComponentType<IncidentActionProps>[] = FEATURES.flatMap((f) => f.incidentActions ?? []);
export const COLOUR_BY_DEFS: readonly ColourByDef[] = FEATURES.flatMap((f) => f.colourBy ?? []).sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
export const WALL_KPI_SECTION_DEFS: readonly ComponentType[] = FEATURES.flatMap((f) => f.wallKpiSections ?? []);
export const HOUSEHOLD_SECTION_DEFS: readonly ComponentType<{ householdId: number }>[] = FEATURES.flatMap((f) => f.householdSections ?? []);
export const TIMELINE_TRACK_DEFS: readonly TimelineTrackDef[] = FEATURES.flatMap((f) => f.timelineTracks ?? []);
