/**
 * What keeps the public form from being abused: a per-address sliding-window rate limit, and the
 * form's one-time token (HMAC-signed with a key that lives only in this process, good for two
 * hours and once). A refusal is a `ResidentError` with a code the form translates.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { RESIDENT_LIMITS } from '../../../data/model/reports/index.ts';

export type ResidentErrorCode =
  | 'too_many'
  | 'bad_token'
  | 'token_used'
  | 'outside'
  | 'bad_photo'
  | 'photo_too_large'
  | 'no_receipt'
  | 'not_ratable'
  | 'wall'
  | 'not_stored';

export class ResidentError extends RangeError {
  public constructor(
    public readonly code: ResidentErrorCode,
    message: string,
    public readonly status: 400 | 403 | 404 | 409 | 413 | 429 | 503 = 400,
    public readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'ResidentError';
  }
}

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  public constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one hit for `key`; throws `too_many` with the seconds to wait when over the limit. */
  public hit(key: string, now: number): void {
    const since = now - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (list.length >= this.max) {
      this.hits.set(key, list);
      const waitS = Math.max(1, Math.ceil((list[0]! + this.windowMs - now) / 1000));
      throw new ResidentError('too_many', `Too many requests from this address: try again in ${waitS} s.`, 429, waitS);
    }
    list.push(now);
    this.hits.set(key, list);
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.every((t) => t <= since)) this.hits.delete(k);
  }
}

export class FormTokens {
  private readonly key = randomBytes(32);
  private readonly used = new Map<string, number>();

  public issue(now: number): string {
    const body = `${now.toString(36)}.${randomBytes(12).toString('base64url')}`;
    return `${body}.${this.sign(body)}`;
  }

  /** Spends a token: refuses a forged, expired or already used one. */
  public spend(token: string, now: number): void {
    const [body, issued] = this.verify(token, now);
    this.used.set(body, issued);
    if (this.used.size > 50_000) for (const [k, t] of this.used) if (now - t > RESIDENT_LIMITS.formTokenMs) this.used.delete(k);
  }

  /** Checks a token without spending it (a form refused for a field can be corrected and sent again). */
  public verify(token: string, now: number): [string, number] {
    const parts = token.split('.');
    if (parts.length !== 3) throw new ResidentError('bad_token', 'The form has expired: reload the page.', 403);
    const body = `${parts[0]}.${parts[1]}`;
    const want = Buffer.from(this.sign(body));
    const got = Buffer.from(parts[2]!);
    const issued = parseInt(parts[0]!, 36);
    if (got.length !== want.length || !timingSafeEqual(got, want) || !(now - issued < RESIDENT_LIMITS.formTokenMs) || issued > now + 60_000) {
      throw new ResidentError('bad_token', 'The form has expired: reload the page.', 403);
    }
    if (this.used.has(body)) throw new ResidentError('token_used', 'This form was already sent: reload the page for a new report.', 409);
    return [body, issued];
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 32);
  }
}
