// Endorsements that have expired or expire within their VO's warning period (vo.yaml lifetime.warn_days),
// so the endorsers can renew in time. Times are worked out as compose does: the endorsement time is
// the commit that brought the file (git), or the YAML's claim for an uncommitted file. Pure.
import type { Repository } from "../repo/load.js";
import type { History } from "../git/history.js";
import { addDays, DAY_MS, isoSeconds, parseTime } from "../util/time.js";
import { effectiveLifetimeDays, endorserOf, isRevoked } from "../validate/queries.js";

/** Warning period where a VO sets none. */
export const DEFAULT_WARN_DAYS = 14;

export interface ExpiryEntry {
  vo: string;
  appliance: string;
  version: string;
  file: string;
  endorser: { id: string; name: string; email: string; github: string };
  endorsed_at: string;
  expires_at: string;
  /** Whole days from now to expiry; negative once expired. */
  days_left: number;
  status: "expired" | "expiring";
  warn_days: number;
  /** Logins of the VO's endorsers whose appointment is current: who can renew. */
  can_renew: string[];
}

export function expiryReport(repo: Repository, history: History, now: number): ExpiryEntry[] {
  const revocations = repo.revocations.map((r) => r.data);
  const out: ExpiryEntry[] = [];
  for (const voName of [...repo.vos.keys()].sort()) {
    const vo = repo.vos.get(voName)!.data;
    const warnDays = vo.lifetime.warn_days ?? DEFAULT_WARN_DAYS;
    const current = vo.endorsers.filter((e) => parseTime(e.appointed) <= now && (e.until === undefined || now <= parseTime(e.until) + DAY_MS));
    const byAppliance = repo.endorsements.get(voName) ?? new Map();
    for (const appliance of [...byAppliance.keys()].sort()) {
      const loaded = byAppliance.get(appliance)!;
      const e = loaded.data;
      const endorser = endorserOf(vo, e.endorser);
      // A revoked version or an unknown endorser is not renewed by the same endorser: nothing to warn about.
      if (!endorser || isRevoked(revocations, e.appliance, e.version, voName)) continue;
      const change = history.dirty.has(loaded.file) ? undefined : history.changes.get(loaded.file);
      const endorsedAt = change ? change.time : parseTime(e.endorsed_at);
      const expiresAt = addDays(endorsedAt, effectiveLifetimeDays(e, vo));
      const left = expiresAt - now;
      if (left > warnDays * DAY_MS) continue;
      out.push({
        vo: voName,
        appliance: e.appliance,
        version: e.version,
        file: loaded.file,
        endorser: { id: endorser.id, name: endorser.name, email: endorser.email, github: endorser.github },
        endorsed_at: isoSeconds(endorsedAt),
        expires_at: isoSeconds(expiresAt),
        days_left: Math.floor(left / DAY_MS),
        status: left <= 0 ? "expired" : "expiring",
        warn_days: warnDays,
        can_renew: current.map((x) => x.github),
      });
    }
  }
  return out;
}
