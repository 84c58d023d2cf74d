/**
 * Who performs an action. Customer-side users act through their roles. `asStaff: true` is the explicit
 * staff path (admin, CLI): it is honoured only for an active staff/superuser account, or with
 * `actorUserId: null`, which means the system itself (commands, demo data) and must never come from a request.
 * `staffAuthority` (app nadooit_auth, which owns the accounts) verifies the claim.
 */
export interface Actor {
  actorUserId: string | null;
  asStaff?: boolean;
}
