// compose: from a valid repository and its git history, write imagelist.json and one HEPiX list per
// VO into an output folder. The HEPiX lists are written first and imagelist.json last, each atomically.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateRepository } from "../validate/index.js";
import type { Repository } from "../repo/load.js";
import { readHistory } from "../git/history.js";
import { ENDORSEMENTS_DIR } from "../repo/layout.js";
import { InvalidInputError } from "../util/diagnostic.js";
import { validateData } from "../schema/validator.js";
import { toJsonText, writeFileAtomic } from "../util/fs.js";
import type { ImageList } from "../model/types.js";
import { composeImageList, type ComposeResult } from "./imagelist.js";
import { hepixFileName, toHepix } from "./hepix.js";

export const LIST_FILE = "imagelist.json";
export const HEPIX_DIR = "hepix";

export interface ComposeOptions {
  root: string;
  outDir: string;
  now: number;
  /** A previously issued list whose serial the new one must exceed (default: <outDir>/imagelist.json). */
  previousList?: string;
  /** The repository, when the caller has just validated it (saves a second load). */
  validated?: Repository;
}

export interface ComposeOutput extends ComposeResult {
  files: string[];
}

export function readPreviousSerial(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const prev = JSON.parse(readFileSync(path, "utf8")) as Partial<ImageList>;
    return typeof prev.serial === "number" && Number.isSafeInteger(prev.serial) ? prev.serial : undefined;
  } catch {
    return undefined;
  }
}

export function composeRepository(opts: ComposeOptions): ComposeOutput {
  let repo = opts.validated;
  if (!repo) {
    const v = validateRepository(opts.root, opts.now);
    if (v.diagnostics.length > 0) throw new InvalidInputError(v.diagnostics);
    repo = v.repo;
  }
  const history = readHistory(opts.root, ENDORSEMENTS_DIR);
  const previousSerial = readPreviousSerial(opts.previousList ?? join(opts.outDir, LIST_FILE));
  const result = composeImageList({ repo, history, now: opts.now, ...(previousSerial !== undefined ? { previousSerial } : {}) });

  // Never publish something our own schema rejects.
  const problems = validateData("imagelist.schema.json", result.list, LIST_FILE);
  if (problems.length > 0) throw new InvalidInputError(problems, "composed list does not match schemas/imagelist.schema.json");

  const config = repo.config!.data;
  const listBase = (config.repository.list ?? config.repository.url).replace(/\/[^/]*$/, "");
  const files: string[] = [];
  for (const [name, vo] of repo.vos) {
    const file = join(opts.outDir, HEPIX_DIR, hepixFileName(name));
    writeFileAtomic(file, toJsonText(toHepix(result.list, { config, vo: vo.data, uri: `${listBase}/${hepixFileName(name)}` })));
    files.push(file);
  }
  const listFile = join(opts.outDir, LIST_FILE);
  writeFileAtomic(listFile, toJsonText(result.list));
  files.push(listFile);
  return { ...result, files };
}
