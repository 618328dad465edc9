// Composition of the native image list: per VO, the appliance versions that are endorsed now
// (endorsed, unexpired, by an appointed endorser, scan passed, not revoked). Pure: all inputs given.
import type { ImageList, ImageListEntry, RevokedEntry } from "../model/types.js";
import type { Repository } from "../repo/load.js";
import type { History } from "../git/history.js";
import { addDays, isoSeconds, parseTime, SKEW_MS } from "../util/time.js";
import { effectiveLifetimeDays, endorserOf, isRevoked } from "../validate/queries.js";

export const LIST_FORMAT = "vmendorse-imagelist/1";

export interface ComposeInput {
  repo: Repository;
  history: History;
  now: number;
  /** Serial of the last list issued, if known: the new one is strictly greater. */
  previousSerial?: number;
}

/** An endorsement left out of the list, and why: printed, and used for expiry warnings. */
export interface Skipped {
  vo: string;
  appliance: string;
  version: string;
  file: string;
  reason: string;
}

export interface ComposeResult {
  list: ImageList;
  skipped: Skipped[];
  /** Facts worth a person's attention that do not exclude anything. */
  warnings: string[];
}

export function nextSerial(issuedMs: number, previous?: number): number {
  const bySeconds = Math.floor(issuedMs / 1000);
  return previous !== undefined && previous >= bySeconds ? previous + 1 : bySeconds;
}

export function composeImageList({ repo, history, now, previousSerial }: ComposeInput): ComposeResult {
  const config = repo.config?.data;
  if (!config) throw new Error("compose needs a valid vmendorse.yaml");
  const revocations = repo.revocations.map((r) => r.data);
  const skipped: Skipped[] = [];
  const warnings: string[] = [];
  const vos: ImageList["vos"] = {};

  for (const voName of [...repo.vos.keys()].sort()) {
    const vo = repo.vos.get(voName)!.data;
    const images: ImageListEntry[] = [];
    const byAppliance = repo.endorsements.get(voName) ?? new Map();
    for (const appliance of [...byAppliance.keys()].sort()) {
      const loaded = byAppliance.get(appliance)!;
      const e = loaded.data;
      const skip = (reason: string) => skipped.push({ vo: voName, appliance, version: e.version, file: loaded.file, reason });
      const img = repo.images.get(e.appliance);
      const rel = repo.releases.get(e.appliance)?.get(e.version);
      const endorser = endorserOf(vo, e.endorser);
      if (!img || !rel || !endorser) {
        skip("refers to an unknown appliance, version or endorser");
        continue;
      }
      const revoked = isRevoked(revocations, e.appliance, e.version, voName);
      if (revoked) {
        skip(`revoked on ${revoked.revoked_at}: ${revoked.reason.split("\n")[0]}`);
        continue;
      }
      if (rel.data.scan?.result !== "pass") {
        skip("the version has no passed checklist report");
        continue;
      }

      // Time and identity: from git when the file is committed unchanged; else the YAML's claim.
      const claimed = parseTime(e.endorsed_at);
      const change = history.dirty.has(loaded.file) ? undefined : history.changes.get(loaded.file);
      let endorsedAt = claimed;
      let provenance: ImageListEntry["provenance"] = { source: "yaml" };
      if (change) {
        if (claimed > change.time + SKEW_MS) {
          skip(`claims endorsed_at ${e.endorsed_at}, after the commit that brought it (${isoSeconds(change.time)})`);
          continue;
        }
        endorsedAt = change.time;
        provenance = { source: "git", commit: change.commit, author: change.author };
        const authorIsOther = vo.endorsers.find((x) => x.id !== endorser.id && matchesIdentity(change.authorEmail, x.email, x.github));
        if (authorIsOther) warnings.push(`${loaded.file}: claims endorser ${endorser.id} but was authored by ${authorIsOther.id} (${change.author})`);
      } else if (history.head) {
        warnings.push(`${loaded.file}: not committed; endorsement time taken from the YAML`);
      }
      if (endorser.until !== undefined && now > parseTime(endorser.until) + 86_400_000) {
        skip(`endorser ${endorser.id}'s appointment ended on ${endorser.until}`);
        continue;
      }
      const expiresAt = addDays(endorsedAt, effectiveLifetimeDays(e, vo));
      if (expiresAt <= now) {
        skip(`endorsement expired on ${isoSeconds(expiresAt)}`);
        continue;
      }
      const r = rel.data;
      const o = img.data.os;
      images.push({
        appliance: e.appliance,
        version: e.version,
        title: img.data.title,
        description: img.data.description,
        type: img.data.type,
        os: { distribution: o.distribution, version: o.version, arch: o.arch, admin_user: o.admin_user },
        resources: {
          cores_minimum: img.data.resources.cores.minimum,
          cores_recommended: img.data.resources.cores.recommended,
          ram_minimum_mb: img.data.resources.ram_mb.minimum,
          ram_recommended_mb: img.data.resources.ram_mb.recommended,
        },
        artifacts: r.artifacts.map((a) => ({ format: a.format, uri: a.uri, sha512: a.sha512, size: a.size })),
        built_at: r.built_at,
        endorser: { id: endorser.id, name: endorser.name, email: endorser.email, github: endorser.github },
        endorsed_at: isoSeconds(endorsedAt),
        expires_at: isoSeconds(expiresAt),
        provenance,
        sbom: { ...(r.sbom.uri ? { uri: r.sbom.uri } : {}), sha512: r.sbom.sha512 },
        ...(r.scan ? { scan: r.scan } : {}),
      });
    }
    vos[voName] = { images };
  }

  const revoked: RevokedEntry[] = repo.revocations
    .map((l) => l.data)
    .sort((a, b) => a.appliance.localeCompare(b.appliance) || a.version.localeCompare(b.version))
    .map((r) => ({
      appliance: r.appliance,
      version: r.version,
      sha512: (repo.releases.get(r.appliance)?.get(r.version)?.data.artifacts ?? []).map((a) => a.sha512),
      reason: r.reason.trim(),
      ...(r.cves ? { cves: r.cves } : {}),
      ...(r.incident ? { incident: r.incident } : {}),
      revoked_at: r.revoked_at,
      revoked_by: `${r.revoked_by.name} <${r.revoked_by.email}>`,
      vos: r.vos ?? ["*"],
    }));

  const list: ImageList = {
    format: LIST_FORMAT,
    identifier: config.list.identifier,
    serial: nextSerial(now, previousSerial),
    issued: isoSeconds(now),
    expires: isoSeconds(addDays(now, config.list.freshness_days)),
    source: { repository: config.repository.url, ...(history.head ? { commit: history.head } : {}) },
    vos,
    revoked,
  };
  return { list, skipped, warnings };
}

/** Whether a git author email belongs to a person known by email and GitHub login. */
export function matchesIdentity(authorEmail: string, email: string, github: string): boolean {
  const a = authorEmail.toLowerCase();
  return a === email.toLowerCase() || new RegExp(`^(\\d+\\+)?${github.toLowerCase()}@users\\.noreply\\.github\\.com$`).test(a);
}
