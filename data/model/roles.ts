/**
 * The roles of the people who use a command centre's console, and what each may do (issue 10).
 * Each role includes what the one before it may do. Pure: the hosts enforce it
 * (electron/common/access.ts, `dispatch`) and the renderer hides what a role cannot do.
 *
 *   viewer      reads the twin (masked personal data)
 *   operator    handles incidents and alerts, reveals personal data with a reason
 *   supervisor  also reads the audit log
 *   admin       also manages accounts and tokens
 */
export const PERSON_ROLES = ['viewer', 'operator', 'supervisor', 'admin'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/**
 * What a contract method needs:
 * - `public`: anyone who reached the host (sign-in, host info);
 * - `view`: a signed-in person of any role, or a wall;
 * - a person's role: that role or a higher one (walls never).
 */
export type Access = 'public' | 'view' | PersonRole;

export function roleRank(role: PersonRole): number {
  return PERSON_ROLES.indexOf(role);
}

/** True when a person with `role` may do what needs `access`. */
export function roleMay(role: PersonRole, access: Access): boolean {
  if (access === 'public' || access === 'view') return true;
  return roleRank(role) >= roleRank(access);
}
