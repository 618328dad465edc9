// Small questions about repository data, shared by validate and compose.
import type { Endorsement, Endorser, ReleaseRecord, Revocation, VoSpec } from "../model/types.js";

export function endorserOf(vo: VoSpec, id: string): Endorser | undefined {
  return vo.endorsers.find((e) => e.id === id);
}

/** The digest an endorsement names: the sha512 of the version's first artifact. */
export function primaryDigest(rel: ReleaseRecord): string {
  return `sha512:${rel.artifacts[0]!.sha512}`;
}

export function effectiveLifetimeDays(e: Endorsement, vo: VoSpec): number {
  return Math.min(e.lifetime_days ?? vo.lifetime.default_days, vo.lifetime.max_days);
}

/** Whether a revocation bans this appliance version for this VO. */
export function isRevoked(revocations: readonly Revocation[], appliance: string, version: string, vo: string): Revocation | undefined {
  return revocations.find((r) => r.appliance === appliance && r.version === version && (r.vos === undefined || r.vos.includes(vo)));
}
