/**
 * Who may do what (issue 10). Shared by the hosts, which enforce it in one place (`dispatch`), and
 * the renderer, which hides what the signed-in role cannot do. Pure types and tables, no I/O.
 *
 * People sign in at a console and hold one role; a wall is a display, not a person: it may only
 * look, and what it is shown holds no one (aggregates only, see the services' wall views).
 */

import { roleMay, type Access, type PersonRole } from '../../data/model/roles.ts';

export { PERSON_ROLES, roleRank, type Access, type PersonRole } from '../../data/model/roles.ts';

/** The caller of a contract method, as the host established it (cookie, token, Electron session). */
export type Principal =
  | { kind: 'person'; userId: number; username: string; displayName: string; role: PersonRole }
  | { kind: 'wall'; tokenId: number; name: string }
  /**
   * A source system holding an ingest token (a meter head-end, the feed simulator): it may send
   * events and read the twin's layout at viewer level (masked), to address what it sends.
   */
  | { kind: 'source'; tokenId: number; name: string }
  /** The host's own work (the feed simulator, CLI commands on a twin no host holds). */
  | { kind: 'system'; name: string };

/** True when `caller` may call a method that needs `access`. */
export function mayCall(caller: Principal | null, access: Access): boolean {
  if (access === 'public') return true;
  if (!caller) return false;
  if (caller.kind === 'system') return true;
  if (access === 'view') return true;
  if (caller.kind === 'source') return access === 'viewer';
  if (caller.kind !== 'person') return false;
  return roleMay(caller.role, access);
}

/** The name the audit log records for a caller. */
export function auditName(caller: Principal): string {
  if (caller.kind === 'person') return caller.username;
  if (caller.kind === 'wall') return `wall:${caller.name}`;
  if (caller.kind === 'source') return `source:${caller.name}`;
  return `system:${caller.name}`;
}

/** True when what this caller is shown must hold no one (walls). */
export function seesNoOne(caller: Principal | null): boolean {
  return caller?.kind === 'wall';
}
