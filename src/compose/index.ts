// compose: from a valid repository and its git history, write imagelist.json and one HEPiX list per
// VO into an output folder. The HEPiX lists are written first and imagelist.json last, each atomically.
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
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

/** The head of a list as compose writes it: format, identifier, then serial. */
const SERIAL_AT_HEAD = /^\{\s*"format":\s*"[^"\\]*",\s*"identifier":\s*"[^"\\]*",\s*"serial":\s*(\d{1,15})\s*,/;

export function readPreviousSerial(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  try {
    // A list of 10,000 entries is ~25 MB: read its serial from the head when it is where compose
    // writes it, and parse the whole file only otherwise.
    const fd = openSync(path, "r");
    const head = Buffer.alloc(4096);
    const n = (() => {
      try {
        return readSync(fd, head, 0, head.length, 0);
      } finally {
        closeSync(fd);
      }
    })();
    const m = SERIAL_AT_HEAD.exec(head.subarray(0, n).toString("utf8"));
    if (m) return Number(m[1]);
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
