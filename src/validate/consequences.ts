// Cross-file rules only see the files that loaded. A reference to a file that exists but failed to
// load is not "unknown": that file's own errors are reported, and a second message blaming the
// reference would point at the wrong file.
import { posix } from "node:path";
import type { Diagnostic } from "../util/diagnostic.js";
import type { Repository } from "../repo/load.js";
import { ENDORSEMENTS_DIR, IMAGES_DIR } from "../repo/layout.js";

const imageFile = (appliance: string) => posix.join(IMAGES_DIR, appliance, "image.yaml");
const releaseFile = (appliance: string, version: string) => posix.join(IMAGES_DIR, appliance, "releases", `${version}.yaml`);
const voFile = (vo: string) => posix.join(ENDORSEMENTS_DIR, vo, "vo.yaml");

/** The files whose absence a cross-file diagnostic reports, if it is such a diagnostic. */
export function missingFilesBehind(d: Diagnostic, repo: Repository): string[] {
  const parts = d.file.split("/");
  const endorsement = () => repo.endorsements.get(parts[1] ?? "")?.get((parts[2] ?? "").replace(/\.yaml$/, ""))?.data;
  const revocation = () => repo.revocations.find((r) => r.file === d.file)?.data;
  switch (d.rule) {
    case "release.image-unknown":
      return [imageFile(parts[1] ?? "")];
    case "image.vo-unknown": {
      const vo = repo.images.get(parts[1] ?? "")?.data.vo;
      return vo ? [voFile(vo)] : [];
    }
    case "endorsement.appliance-unknown": {
      const e = endorsement();
      return e ? [imageFile(e.appliance)] : [];
    }
    case "endorsement.version-unknown": {
      const e = endorsement();
      return e ? [releaseFile(e.appliance, e.version)] : [];
    }
    case "revocation.appliance-unknown": {
      const r = revocation();
      return r ? [imageFile(r.appliance)] : [];
    }
    case "revocation.version-unknown": {
      const r = revocation();
      return r ? [releaseFile(r.appliance, r.version)] : [];
    }
    case "revocation.vo-unknown": {
      const vo = revocation()?.vos?.[Number(d.field.split("/")[2])];
      return vo ? [voFile(vo)] : [];
    }
    default:
      return [];
  }
}

/** Drops the diagnostics that only repeat, as a missing reference, that a file failed to load. */
export function withoutConsequences(cross: Diagnostic[], loadProblems: Diagnostic[], repo: Repository): Diagnostic[] {
  const failed = new Set(loadProblems.map((d) => d.file));
  if (failed.size === 0) return cross;
  return cross.filter((d) => !missingFilesBehind(d, repo).some((f) => failed.has(f)));
}
