// Waivers (image.yaml scan.waivers): a failing finding becomes "waived" when a waiver names its
// check id, its optional `match` text occurs in the finding's subject, and it has not expired.
import type { Waiver } from "../model/types.js";
import { parseTime, DAY_MS } from "../util/time.js";
import type { Finding, Outcome } from "./types.js";

export interface WaiverResult {
  findings: Map<string, Finding[]>;
  unused: Waiver[];
  expired: Waiver[];
}

/** A waiver is valid through the whole of its expiry date (UTC). */
export const isExpired = (w: Waiver, now: number) => w.expires !== undefined && now >= parseTime(w.expires) + DAY_MS;

const applies = (w: Waiver, checkId: string, subject: string) => w.check === checkId && (w.match === undefined || subject.includes(w.match));

export function applyWaivers(outcomes: Outcome[], waivers: Waiver[], now: number): WaiverResult {
  const used = new Set<Waiver>();
  const findings = new Map<string, Finding[]>();
  for (const o of outcomes) {
    findings.set(
      o.id,
      o.problems.map((p) => {
        const candidates = waivers.filter((w) => applies(w, o.id, p.subject));
        const valid = candidates.find((w) => !isExpired(w, now));
        if (valid) {
          used.add(valid);
          const waiver = { justification: valid.justification, ...(valid.match !== undefined ? { match: valid.match } : {}), ...(valid.expires !== undefined ? { expires: valid.expires } : {}) };
          return { ...p, status: "waived" as const, waiver };
        }
        const stale = candidates.find((w) => isExpired(w, now));
        if (stale) used.add(stale);
        return { ...p, status: "fail" as const, ...(stale ? { expired_waiver: `a waiver for this finding expired on ${stale.expires}` } : {}) };
      }),
    );
  }
  return {
    findings,
    unused: waivers.filter((w) => !used.has(w) && !isExpired(w, now)),
    expired: waivers.filter((w) => isExpired(w, now)),
  };
}
