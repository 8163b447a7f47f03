/**
 * `ReportsApi`: residents report through the host's public form and follow their report with a
 * receipt code; once it is handled they rate it themselves (评价), and a rating of 2 or less
 * reopens the incident. The report becomes events like any producer's (`incident.reported` with
 * reporter `resident`, `resident.report` holding only a hash of the receipt), so the queue, the
 * map and the timeline take it as they take the feed; the photo (≤ 1 MB) is a row of its own.
 *
 * Nobody signs in here: every call counts against its address (the host passes the client's
 * address in the call context), and a report spends the form's one-time token.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type { IngestService } from '../IngestService.ts';
import type { LiveChanges } from '../modules.ts';
import type { ReportsApi, ResidentForm, ResidentLang, ResidentReceipt, ResidentReportInfo, ResidentReportInput, DistrictSketch } from '../../common/reports/contract.ts';
import {
  formatReceipt,
  mayRate,
  normaliseReceipt,
  RECEIPT_ALPHABET,
  REOPEN_AT_OR_BELOW,
  RESIDENT_CATEGORIES,
  RESIDENT_LIMITS,
  RESIDENT_SEVERITY,
  residentStage,
  type ResidentCategory,
} from '../../../data/model/reports/index.ts';
import type { IncidentStatus } from '../../../data/model/incidents.ts';
import { redactFreeText } from '../../../data/model/redact.ts';
import { currentCall } from '../callContext.ts';
import { appendAudit, currentActor } from '../audit.ts';
import { FormTokens, RateLimiter, ResidentError } from './limits.ts';
import { districtSketch } from './sketch.ts';

export interface ReportsServiceOptions {
  ingest: IngestService;
  personalData: 'masked' | 'none';
  live?: Pick<LiveChanges, 'recorded'>;
  now?: () => number;
}

/** Steps recorded in the same millisecond, in the loop's order. */
const STEP_ORDER = `CASE s.step WHEN 'reported' THEN 0 WHEN 'accepted' THEN 1 WHEN 'dispatched' THEN 2 WHEN 'reassigned' THEN 2
  WHEN 'handling' THEN 3 WHEN 'feedback' THEN 4 WHEN 'evaluated' THEN 5 ELSE 6 END`;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** 16 random characters of the receipt alphabet (80 bits), in groups of four. */
function newReceipt(): string {
  const bytes = randomBytes(16);
  let s = '';
  for (const b of bytes) s += RECEIPT_ALPHABET[b & 31];
  return formatReceipt(s);
}

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

export class ReportsService implements ReportsApi {
  private readonly tokens = new FormTokens();
  private readonly reads = new RateLimiter(RESIDENT_LIMITS.readsPerMinute, 60_000);
  private readonly submits = new RateLimiter(RESIDENT_LIMITS.submitsPerWindow, RESIDENT_LIMITS.submitWindowMs);
  private readonly ratings = new RateLimiter(RESIDENT_LIMITS.ratingsPerWindow, RESIDENT_LIMITS.submitWindowMs);
  private sketch: Promise<DistrictSketch> | null = null;

  public constructor(
    private readonly store: DuckDbStore,
    private readonly options: ReportsServiceOptions,
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The caller's address; calls from inside the host (tests, the CLI) share one bucket. */
  private from(): string {
    return currentCall()?.from ?? 'local';
  }

  private refuseOnWall(): void {
    if (this.options.personalData === 'none') throw new ResidentError('wall', 'This host only shows the twin: reports are taken by the command centre’s own host.', 403);
  }

  public async getReportForm(_lang: ResidentLang): Promise<ResidentForm> {
    this.refuseOnWall();
    const now = this.now();
    this.reads.hit(this.from(), now);
    this.sketch ??= districtSketch(this.store);
    const { descriptionMin, descriptionMax, commentMax, photoBytes, bodyBytes } = RESIDENT_LIMITS;
    return {
      token: this.tokens.issue(now),
      categories: [...RESIDENT_CATEGORIES],
      limits: { descriptionMin, descriptionMax, commentMax, photoBytes, bodyBytes },
      map: await this.sketch,
    };
  }

  public async submitReport(input: ResidentReportInput): Promise<{ receipt: string }> {
    this.refuseOnWall();
    const now = this.now();
    this.submits.hit(this.from(), now);
    this.tokens.verify(input.token, now);
    this.sketch ??= districtSketch(this.store);
    const [minLon, minLat, maxLon, maxLat] = (await this.sketch).bbox;
    if (!(input.lon >= minLon && input.lon <= maxLon && input.lat >= minLat && input.lat <= maxLat)) {
      throw new ResidentError('outside', 'The place is outside the district: pick it on the map.', 400);
    }
    let photo: { mime: string; bytes: Buffer } | null = null;
    if (input.photo) {
      const comma = input.photo.indexOf(',');
      const mime = input.photo.slice(5, input.photo.indexOf(';'));
      const bytes = Buffer.from(input.photo.slice(comma + 1), 'base64');
      if (bytes.length > RESIDENT_LIMITS.photoBytes) throw new ResidentError('photo_too_large', `The photo is larger than ${RESIDENT_LIMITS.photoBytes / 1024 / 1024} MB.`, 413);
      if (!MAGIC[mime]?.(bytes)) throw new ResidentError('bad_photo', 'The photo is not a JPEG, PNG or WebP image.', 400);
      photo = { mime, bytes };
    }
    // The nearest building within ~60 m names the place (its address on the console's queue).
    const near = await this.store.one<{ id: number; d: number }>(
      `SELECT id, (centroid_lon - $lon) * (centroid_lon - $lon) * $c2 + (centroid_lat - $lat) * (centroid_lat - $lat) AS d
       FROM buildings ORDER BY d LIMIT 1`,
      { lon: input.lon, lat: input.lat, c2: Math.cos((input.lat * Math.PI) / 180) ** 2 },
    );
    const buildingId = near && Math.sqrt(Number(near.d)) * 111_320 < 60 ? near.id : undefined;
    this.tokens.spend(input.token, now);
    const receipt = newReceipt();
    const reportId = randomUUID();
    const incidentId = `R-${new Date(now).toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
    const category = input.category as ResidentCategory;
    const ts = new Date(now).toISOString();
    const events = [
      {
        id: `resident-${reportId}-i`,
        type: 'incident.reported',
        ts,
        source: 'resident-web',
        data: { incidentId, category, severity: RESIDENT_SEVERITY[category], lon: input.lon, lat: input.lat, reporter: 'resident', description: input.description.trim(), ...(buildingId !== undefined ? { buildingId } : {}) },
      },
      {
        id: `resident-${reportId}-r`,
        type: 'resident.report',
        ts,
        source: 'resident-web',
        data: { reportId, incidentId, receiptHash: sha256(receipt), category, lon: input.lon, lat: input.lat, lang: input.lang, hasPhoto: photo !== null },
      },
    ];
    if (photo) {
      await this.store.run('INSERT INTO resident_report_photos VALUES ($r, $m, from_base64($b), epoch_ms($t::BIGINT))', { r: reportId, m: photo.mime, b: photo.bytes.toString('base64'), t: now });
    }
    const result = await this.options.ingest.ingestValues(events, 'http');
    if (result.accepted !== events.length) {
      throw new ResidentError('not_stored', `The report could not be stored (${result.rejected.map((r) => r.reason).join('; ') || 'duplicate'}).`, 503);
    }
    return { receipt };
  }

  private async reportByReceipt(code: string): Promise<{ report_id: string; incident_id: string; category: string; submitted_at: number } | null> {
    const canonical = normaliseReceipt(code);
    if (!canonical) return null;
    const row = await this.store.one<{ report_id: string; incident_id: string; category: string; submitted_at: number }>(
      'SELECT report_id, incident_id, category, epoch_ms(submitted_at) AS submitted_at FROM resident_reports WHERE receipt_hash = $h',
      { h: sha256(canonical) },
    );
    return row ?? null;
  }

  public async getReceipt(code: string): Promise<ResidentReceipt | null> {
    this.reads.hit(this.from(), this.now());
    const report = await this.reportByReceipt(code);
    if (!report) return null;
    return this.receiptOf(normaliseReceipt(code)!, report);
  }

  private async receiptOf(receipt: string, report: { report_id: string; incident_id: string; category: string; submitted_at: number }): Promise<ResidentReceipt> {
    const id = report.incident_id;
    const steps = await this.store.all<{ step: string; ts: number; kind: string | null; department: string | null }>(
      `SELECT s.step, epoch_ms(s.ts) AS ts, s.assignee_kind AS kind, d.name AS department
       FROM incident_steps s LEFT JOIN departments d ON s.assignee_kind = 'department' AND d.id = s.assignee_id
       WHERE s.incident_id = $id ORDER BY s.ts, ${STEP_ORDER}`,
      { id },
    );
    const incident = await this.store.one<{ description: string | null; address: string | null }>(
      'SELECT i.description, b.address FROM incidents i LEFT JOIN buildings b ON b.id = i.building_id WHERE i.id = $id',
      { id },
    );
    const ratings = await this.store.all<{ rating: number; comment: string | null; reopened: number; ts: number }>(
      'SELECT rating, comment, reopened, epoch_ms(ts) AS ts FROM resident_ratings WHERE report_id = $r ORDER BY ts',
      { r: report.report_id },
    );
    const last = steps.at(-1);
    const status = (last ? (last.step === 'reassigned' ? 'dispatched' : last.step) : 'reported') as IncidentStatus;
    const latest = ratings.at(-1) ?? null;
    const reopened = latest !== null && Number(latest.reopened) === 1;
    const stage = residentStage(status, reopened);
    return {
      receipt,
      category: report.category as ResidentCategory,
      stage,
      reportedAt: Number(report.submitted_at),
      steps: steps.map((s, i) => ({
        // An acceptance after the resident's rating is the incident reopened.
        step: s.step === 'accepted' && steps.slice(0, i).some((p) => p.step === 'evaluated') ? 'reopened' : s.step,
        ts: Number(s.ts),
        by: s.kind === 'grid_worker' || s.kind === 'department' ? s.kind : null,
        department: s.kind === 'department' ? s.department : null,
      })),
      description: redactFreeText(incident?.description ?? null),
      place: incident?.address ?? null,
      rating: latest ? Number(latest.rating) : null,
      comment: latest ? redactFreeText(latest.comment) : null,
      mayRate: mayRate(stage, latest !== null && !reopened),
      reopened: ratings.some((r) => Number(r.reopened) === 1),
    };
  }

  public async rateReport(code: string, rating: number, comment: string): Promise<ResidentReceipt> {
    this.refuseOnWall();
    const now = this.now();
    this.ratings.hit(this.from(), now);
    const report = await this.reportByReceipt(code);
    if (!report) throw new ResidentError('no_receipt', 'No report has this receipt code: check it and try again.', 404);
    const receipt = normaliseReceipt(code)!;
    const before = await this.receiptOf(receipt, report);
    if (!before.mayRate) throw new ResidentError('not_ratable', 'This report cannot be rated now: it is rated once it has been handled.', 409);
    const reopen = rating <= REOPEN_AT_OR_BELOW;
    const note = comment.trim().slice(0, RESIDENT_LIMITS.commentMax);
    const base = `resident-${randomUUID()}`;
    const events: unknown[] = [
      { id: `${base}-r`, type: 'resident.rating', ts: new Date(now).toISOString(), source: 'resident-web', data: { reportId: report.report_id, incidentId: report.incident_id, rating, ...(note ? { comment: note } : {}), reopened: reopen } },
      { id: `${base}-e`, type: 'incident.status', ts: new Date(now).toISOString(), source: 'resident-web', data: { incidentId: report.incident_id, status: 'evaluated', actor: 'resident', rating, ...(note ? { note } : {}) } },
    ];
    // Not satisfied: the incident goes back to the queue as accepted, to be dispatched again.
    if (reopen) events.push({ id: `${base}-o`, type: 'incident.status', ts: new Date(now + 1).toISOString(), source: 'resident-web', data: { incidentId: report.incident_id, status: 'accepted', actor: 'resident', note: `reopened: resident rated ${rating}/5` } });
    const result = await this.options.ingest.ingestValues(events, 'http');
    if (result.accepted !== events.length) throw new ResidentError('not_stored', 'The rating could not be stored: try again.', 503);
    return this.receiptOf(receipt, report);
  }

  public async getResidentReport(incidentId: string): Promise<ResidentReportInfo | null> {
    const r = await this.store.one<{ report_id: string; submitted_at: number; has_photo: number }>(
      'SELECT report_id, epoch_ms(submitted_at) AS submitted_at, has_photo FROM resident_reports WHERE incident_id = $id',
      { id: incidentId },
    );
    if (!r) return null;
    const ratings = await this.store.all<{ rating: number; comment: string | null; reopened: number; ts: number }>(
      'SELECT rating, comment, reopened, epoch_ms(ts) AS ts FROM resident_ratings WHERE report_id = $r ORDER BY ts',
      { r: r.report_id },
    );
    const wall = this.options.personalData === 'none';
    return {
      incidentId,
      submittedAt: Number(r.submitted_at),
      hasPhoto: Number(r.has_photo) === 1,
      ratings: ratings.map((x) => ({ rating: Number(x.rating), comment: wall ? null : redactFreeText(x.comment), ts: Number(x.ts), reopened: Number(x.reopened) === 1 })),
    };
  }

  public async getReportPhoto(incidentId: string): Promise<string | null> {
    const row = await this.store.one<{ report_id: string; mime: string; b64: string }>(
      'SELECT p.report_id, p.mime, to_base64(p.bytes) AS b64 FROM resident_report_photos p JOIN resident_reports r ON r.report_id = p.report_id WHERE r.incident_id = $id',
      { id: incidentId },
    );
    if (!row) return null;
    // A photo may show people: who looked at it is in the audit log.
    await appendAudit(this.store, { actor: currentActor(), action: 'report.photo', subject: `incident:${incidentId}`, reason: null, atMs: this.now() });
    return `data:${row.mime};base64,${row.b64}`;
  }
}
