// Writing the YAML an endorser or the CSIRT puts in a pull request: built from the repository's own
// data (digests, report hashes, CSIRT identities) so that hand-copied values cannot be wrong.
import { stringify } from "yaml";
import type { Endorsement, Revocation } from "../model/types.js";
import type { Repository } from "../repo/load.js";
import { RefusedError } from "../util/diagnostic.js";
import { isoSeconds } from "../util/time.js";
import { primaryDigest } from "../validate/queries.js";

export interface EndorseRequest {
  appliance: string;
  version: string;
  vo: string;
  endorser: string;
  lifetimeDays?: number;
  notes?: string;
  now: number;
}

export function buildEndorsement(repo: Repository, r: EndorseRequest): Endorsement {
  const vo = repo.vos.get(r.vo);
  if (!vo) throw new RefusedError(`unknown VO "${r.vo}": no endorsements/${r.vo}/vo.yaml`);
  if (!vo.data.endorsers.some((e) => e.id === r.endorser)) {
    throw new RefusedError(`"${r.endorser}" is not an endorser of ${r.vo} (appointed: ${vo.data.endorsers.map((e) => e.id).join(", ")})`);
  }
  const rel = repo.releases.get(r.appliance)?.get(r.version);
  if (!rel) throw new RefusedError(`no build record images/${r.appliance}/releases/${r.version}.yaml`);
  const scan = rel.data.scan;
  if (!scan?.report_sha512) throw new RefusedError(`${r.appliance} ${r.version} has no checklist report to acknowledge: run \`vmendorse scan\` first`);
  if (scan.result !== "pass") throw new RefusedError(`${r.appliance} ${r.version} failed its checklist (${scan.failed} failed): it cannot be endorsed`);
  return {
    appliance: r.appliance,
    version: r.version,
    digest: primaryDigest(rel.data),
    endorser: r.endorser,
    endorsed_at: isoSeconds(r.now),
    ...(r.lifetimeDays !== undefined ? { lifetime_days: r.lifetimeDays } : {}),
    checklist: { acknowledged: true, report_sha512: scan.report_sha512, ...(r.notes ? { notes: r.notes } : {}) },
  };
}

export interface RevokeRequest {
  appliance: string;
  version: string;
  reason: string;
  by: string;
  cves?: string[];
  incident?: string;
  vos?: string[];
  now: number;
}

export function buildRevocation(repo: Repository, r: RevokeRequest): Revocation {
  const member = repo.config?.data.csirt.members.find((m) => m.email.toLowerCase() === r.by.toLowerCase() || m.github?.toLowerCase() === r.by.toLowerCase());
  if (!member) throw new RefusedError(`"${r.by}" is not a CSIRT member listed in vmendorse.yaml (csirt.members)`);
  if (!repo.releases.get(r.appliance)?.has(r.version)) throw new RefusedError(`no build record images/${r.appliance}/releases/${r.version}.yaml`);
  return {
    appliance: r.appliance,
    version: r.version,
    reason: r.reason,
    ...(r.cves && r.cves.length > 0 ? { cves: r.cves } : {}),
    ...(r.incident ? { incident: r.incident } : {}),
    ...(r.vos && r.vos.length > 0 ? { vos: r.vos } : {}),
    revoked_at: isoSeconds(r.now),
    revoked_by: member,
  };
}

/** YAML text with the editor schema hint on its first line. */
export function toYamlDocument(data: object, schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}\n${stringify(data, { lineWidth: 100 })}`;
}
