/**
 * `SearchApi`: one query over the twin, answered in groups by kind. Every whitespace-separated word
 * must match (`幸福里 301` finds flat 301 in 幸福里). Households are found by their building's
 * address and name and their unit, never by a person's name or number (that would make the search
 * a way round the audited reveal), and leave only masked. Incidents without a building are placed
 * on the nearest named road (data/model/roadAddress.ts), and found by that road's name too.
 */
import { listValue } from '@duckdb/node-api';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { fieldAad } from '../../../data/store/crypto.ts';
import { maskName, maskPhone, type ContactPii } from '../../../data/model/masking.ts';
import { RoadIndex, type RoadFeatureLike } from '../../../data/model/roadAddress.ts';
import type { FacilityKind } from '../../../data/model/domain.ts';
import type { IncidentCategory, IncidentStatus, Severity } from '../../../data/model/incidents.ts';
import {
  SEARCH_LIMITS,
  type AddressHit,
  type FacilityHit,
  type HouseholdHit,
  type IncidentHit,
  type SearchApi,
  type SearchGroup,
  type SearchResults,
} from '../../common/search/contract.ts';

/**
 * Each incident's status now: its latest step (a step's rank breaks ties in one millisecond, as the
 * incidents module orders them).
 */
const STATUS_NOW = /* sql */ `
  SELECT incident_id AS id,
    max_by(step, epoch_ms(ts) * 10 + CASE step WHEN 'reported' THEN 0 WHEN 'accepted' THEN 1 WHEN 'dispatched' THEN 2 WHEN 'reassigned' THEN 2
      WHEN 'handling' THEN 3 WHEN 'feedback' THEN 4 WHEN 'evaluated' THEN 5 ELSE 6 END) AS step
  FROM incident_steps WHERE list_contains($ids::VARCHAR[], incident_id) AND ts <= epoch_ms($t::BIGINT) GROUP BY incident_id`;

export interface SearchServiceOptions {
  /** `none` for demo views: no household is found at all, not even masked. */
  personalData: 'masked' | 'none';
  now?: () => number;
}

/** Words of a query that count (at most this many). */
const MAX_WORDS = 6;
/** Matches counted per kind beyond those returned. */
const COUNT_CAP = 1000;
/** Incidents looked through: those reported in the last 30 days, newest first, at most this many. */
const INCIDENT_WINDOW_MS = 30 * 86_400_000;
const INCIDENT_CANDIDATES = 20_000;
const HIDDEN = '—';

export class SearchService implements SearchApi {
  private roads: Promise<RoadIndex> | null = null;

  public constructor(
    private readonly store: DuckDbStore,
    private readonly options: SearchServiceOptions,
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The base map's named roads, read once. */
  public roadIndex(): Promise<RoadIndex> {
    this.roads ??= this.store
      .all<{ name: string | null; geometry: string }>(`SELECT name, geometry::VARCHAR AS geometry FROM basemap_features WHERE layer = 'road' AND name IS NOT NULL`)
      .then((rows) =>
        RoadIndex.fromFeatures(
          rows.map((r): RoadFeatureLike => ({ geometry: JSON.parse(r.geometry) as RoadFeatureLike['geometry'], properties: { layer: 'road', name: r.name } })),
        ),
      );
    return this.roads;
  }

  public async search(query: string, perKind: number): Promise<SearchResults> {
    const text = String(query ?? '')
      .trim()
      .slice(0, SEARCH_LIMITS.queryMax);
    const limit = Math.max(1, Math.min(SEARCH_LIMITS.perKindMax, Math.trunc(Number(perKind)) || 20));
    const words = [...new Set(text.split(/\s+/).filter((w) => w.length > 0))].slice(0, MAX_WORDS);
    if (words.length === 0) return { query: text, groups: [] };
    const [addresses, incidents, facilities, households] = await Promise.all([
      this.addresses(words, limit),
      this.incidents(words, limit),
      this.facilities(words, limit),
      this.options.personalData === 'masked' ? this.households(words, limit) : Promise.resolve(null),
    ]);
    const groups = ([addresses, incidents, facilities, households] as (SearchGroup | null)[]).filter((g): g is SearchGroup => g !== null && g.total > 0);
    return { query: text, groups };
  }

  /** `contains(hay, $w0) AND contains(hay, $w1) …` with the words as parameters. */
  private static allWords(hay: string, words: string[]): { where: string; params: Record<string, string> } {
    const params: Record<string, string> = {};
    const where = words
      .map((w, i) => {
        params[`w${i}`] = w.toLowerCase();
        return `contains(lower(${hay}), $w${i})`;
      })
      .join(' AND ');
    return { where, params };
  }

  private async counted<R>(from: string, where: string, params: Record<string, string>, select: string, order: string, limit: number): Promise<{ rows: R[]; total: number }> {
    const rows = await this.store.all<R>(`SELECT ${select} FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT ${limit}`, params);
    const total =
      rows.length < limit
        ? rows.length
        : Number((await this.store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (SELECT 1 FROM ${from} WHERE ${where} LIMIT ${COUNT_CAP})`, params))?.n ?? rows.length);
    return { rows, total };
  }

  private async addresses(words: string[], limit: number): Promise<SearchGroup<AddressHit>> {
    const { where, params } = SearchService.allWords(`b.address || ' ' || coalesce(b.name, '') || ' ' || CAST(b.id AS VARCHAR)`, words);
    const { rows, total } = await this.counted<{ id: number; address: string; name: string | null; centroid_lon: number; centroid_lat: number }>(
      'buildings b',
      where,
      params,
      'b.id, b.address, b.name, b.centroid_lon, b.centroid_lat',
      'length(b.address), b.id',
      limit,
    );
    return {
      kind: 'address',
      total,
      hits: rows.map((r) => ({ kind: 'address', buildingId: r.id, address: r.address, name: r.name, lon: r.centroid_lon, lat: r.centroid_lat })),
    };
  }

  private async facilities(words: string[], limit: number): Promise<SearchGroup<FacilityHit>> {
    const { where, params } = SearchService.allWords(`f.name || ' ' || f.kind`, words);
    const { rows, total } = await this.counted<{ id: number; kind: string; name: string; lon: number; lat: number; building_id: number | null }>(
      'facilities f',
      where,
      params,
      'f.id, f.kind, f.name, f.lon, f.lat, f.building_id',
      'length(f.name), f.id',
      limit,
    );
    return {
      kind: 'facility',
      total,
      hits: rows.map((r) => ({ kind: 'facility', facilityId: r.id, facilityKind: r.kind as FacilityKind, name: r.name, buildingId: r.building_id, lon: r.lon, lat: r.lat })),
    };
  }

  private async households(words: string[], limit: number): Promise<SearchGroup<HouseholdHit>> {
    // The unit is matched as written (`301`, `2-301`), the building by its address and name.
    const { where, params } = SearchService.allWords(`b.address || ' ' || coalesce(b.name, '') || ' ' || h.unit`, words);
    const { rows, total } = await this.counted<{
      id: number; building_id: number; address: string; unit: string; care_flags: number; contact_enc: Uint8Array | null; centroid_lon: number; centroid_lat: number;
    }>(
      'households h JOIN buildings b ON b.id = h.building_id',
      where,
      params,
      'h.id, h.building_id, b.address, h.unit, h.care_flags, h.contact_enc, b.centroid_lon, b.centroid_lat',
      'length(b.address), b.id, h.floor, h.slot',
      limit,
    );
    return {
      kind: 'household',
      total,
      hits: rows.map((r) => {
        const contact = r.contact_enc ? (JSON.parse(this.store.cipher.decrypt(r.contact_enc, fieldAad('households', 'contact_enc', r.id))) as ContactPii) : null;
        return {
          kind: 'household',
          householdId: r.id,
          buildingId: r.building_id,
          address: r.address,
          unit: r.unit,
          contactName: contact ? maskName(contact.name) : HIDDEN,
          contactPhone: contact ? maskPhone(contact.phone) : HIDDEN,
          careFlags: r.care_flags,
          lon: r.centroid_lon,
          lat: r.centroid_lat,
        };
      }),
    };
  }

  /**
   * Incidents of the last 30 days: the words are matched against the id, category, description,
   * source, the building's address or the road address, which is worked out here for incidents
   * without a building; the matches' status as of now comes from their steps.
   */
  private async incidents(words: string[], limit: number): Promise<SearchGroup<IncidentHit>> {
    const now = this.now();
    const roads = await this.roadIndex();
    const candidates = await this.store.all<{ id: string; category: string; severity: number; lon: number; lat: number; building_id: number | null; address: string | null; description: string | null; source: string; reported_at: number }>(
      `SELECT i.id, i.category, i.severity, i.lon, i.lat, i.building_id, b.address, i.description, i.source, epoch_ms(i.reported_at) AS reported_at
       FROM incidents i LEFT JOIN buildings b ON b.id = i.building_id
       WHERE i.reported_at >= epoch_ms($from::BIGINT) AND i.reported_at <= epoch_ms($to::BIGINT)
       ORDER BY i.reported_at DESC LIMIT ${INCIDENT_CANDIDATES}`,
      { from: now - INCIDENT_WINDOW_MS, to: now + 60_000 },
    );
    const lowered = words.map((w) => w.toLowerCase());
    const matched: { c: (typeof candidates)[number]; roadAddress: IncidentHit['roadAddress'] }[] = [];
    let total = 0;
    for (const c of candidates) {
      const roadAddress = c.building_id === null ? roads.locate(c.lon, c.lat) : null;
      const hay = [c.id, c.category, c.description ?? '', c.address ?? '', c.source, roadAddress?.road ?? '', roadAddress?.cross ?? ''].join(' ').toLowerCase();
      if (!lowered.every((w) => hay.includes(w))) continue;
      total++;
      if (matched.length < limit) matched.push({ c, roadAddress });
      if (total >= COUNT_CAP) break;
    }
    if (matched.length === 0) return { kind: 'incident', total: 0, hits: [] };
    const steps = await this.store.all<{ id: string; step: string }>(STATUS_NOW, { ids: listValue(matched.map((m) => m.c.id)), t: now + 1000 });
    const statusOf = new Map(steps.map((r) => [r.id, (r.step === 'reassigned' ? 'dispatched' : r.step) as IncidentStatus]));
    const hits: IncidentHit[] = matched.map(({ c, roadAddress }) => ({
      kind: 'incident',
      incidentId: c.id,
      category: c.category as IncidentCategory,
      severity: c.severity as Severity,
      status: statusOf.get(c.id) ?? 'reported',
      address: c.address,
      roadAddress,
      description: c.description,
      reportedAt: Number(c.reported_at),
      lon: c.lon,
      lat: c.lat,
    }));
    return { kind: 'incident', total, hits };
  }
}
