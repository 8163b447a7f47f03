/**
 * Search's contract section (feature module): one query over addresses (buildings), households,
 * incidents and facilities, answered by the host in groups by kind. The renderer holds no
 * households: a household hit is its address, unit and masked contact (data/model/masking.ts), for
 * a caller who may see a household record at all (viewer and up).
 */
import { z } from 'zod';
import type { RoadAddress } from '../../../data/model/roadAddress.ts';
import type { FacilityKind } from '../../../data/model/domain.ts';
import type { IncidentCategory, IncidentStatus, Severity } from '../../../data/model/incidents.ts';
import { m, type MemberSpec } from '../sections.ts';

export const SEARCH_KINDS = ['address', 'incident', 'facility', 'household'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** Limits of a query: its length and the hits per kind it may ask for. */
export const SEARCH_LIMITS = { queryMax: 100, perKindMax: 50 } as const;

export interface AddressHit {
  kind: 'address';
  buildingId: number;
  address: string;
  name: string | null;
  lon: number;
  lat: number;
}
export interface HouseholdHit {
  kind: 'household';
  householdId: number;
  buildingId: number;
  address: string;
  unit: string;
  /** Masked (`张*`), never the full name; '—' when the record has none. */
  contactName: string;
  /** Masked (`138****5678`), never the full number. */
  contactPhone: string;
  careFlags: number;
  lon: number;
  lat: number;
}
export interface IncidentHit {
  kind: 'incident';
  incidentId: string;
  category: IncidentCategory;
  severity: Severity;
  status: IncidentStatus;
  /** The building's address when the incident names one. */
  address: string | null;
  /** Where on a road an incident without a building is (nearest named road and crossing). */
  roadAddress: RoadAddress | null;
  description: string | null;
  reportedAt: number;
  lon: number;
  lat: number;
}
export interface FacilityHit {
  kind: 'facility';
  facilityId: number;
  facilityKind: FacilityKind;
  name: string;
  buildingId: number | null;
  lon: number;
  lat: number;
}
export type SearchHit = AddressHit | HouseholdHit | IncidentHit | FacilityHit;

export interface SearchGroup<H extends SearchHit = SearchHit> {
  kind: H['kind'];
  hits: H[];
  /** Matches of this kind in all (may exceed `hits`, at most 1000 are counted). */
  total: number;
}
export interface SearchResults {
  query: string;
  /** One group per kind with at least one match, in SEARCH_KINDS order. */
  groups: SearchGroup[];
}

export interface SearchApi {
  /**
   * Everything matching `query` (every whitespace-separated word must match): building addresses
   * and names, households by their building's address and unit (masked), incidents by id,
   * category, description, address or road, facilities by name. At most `perKind` hits per kind.
   */
  search(query: string, perKind: number): Promise<SearchResults>;
}

export const SEARCH_SECTION = {
  search: m('viewer', z.string().min(1).max(SEARCH_LIMITS.queryMax), z.number().int().min(1).max(SEARCH_LIMITS.perKindMax)),
} as const satisfies Record<keyof SearchApi, MemberSpec>;
