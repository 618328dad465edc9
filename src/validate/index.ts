// Validation of a whole repository: syntax and schema per file, then the cross-file rules.
import { loadRepository, type Repository } from "../repo/load.js";
import { sortDiagnostics, type Diagnostic } from "../util/diagnostic.js";
import { crossFileRules } from "./rules.js";
import { withoutConsequences } from "./consequences.js";

export interface ValidationResult {
  diagnostics: Diagnostic[];
  counts: { files: number; images: number; releases: number; vos: number; endorsements: number; revocations: number };
  repo: Repository;
}

export function validateRepository(root: string, now: number = Date.now()): ValidationResult {
  const { repo, diagnostics, filesRead } = loadRepository(root);
  diagnostics.push(...withoutConsequences(crossFileRules(repo, now), diagnostics, repo));
  let releases = 0;
  for (const m of repo.releases.values()) releases += m.size;
  let endorsements = 0;
  for (const m of repo.endorsements.values()) endorsements += m.size;
  return {
    diagnostics: sortDiagnostics(diagnostics),
    counts: { files: filesRead, images: repo.images.size, releases, vos: repo.vos.size, endorsements, revocations: repo.revocations.length },
    repo,
  };
}
