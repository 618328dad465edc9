// Writes a new or changed repository file and re-validates the whole repository; when the change
// would make it invalid, the previous content is restored and the problems are reported.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { validateRepository } from "../validate/index.js";
import { InvalidInputError } from "../util/diagnostic.js";
import { writeFileAtomic } from "../util/fs.js";

export function writeValidated(root: string, relPath: string, text: string, now: number): void {
  const abs = join(root, relPath);
  const before = existsSync(abs) ? readFileSync(abs) : undefined;
  writeFileAtomic(abs, text);
  const { diagnostics } = validateRepository(root, now);
  if (diagnostics.length > 0) {
    if (before) writeFileAtomic(abs, before);
    else rmSync(abs, { force: true });
    throw new InvalidInputError(diagnostics, `the new ${relPath} would make the repository invalid; nothing was changed`);
  }
}
