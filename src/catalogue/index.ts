// `vmendorse catalogue`: reads the signed list (and optionally its bundle, the repository settings and
// a verification result), renders the page and writes <outDir>/index.html atomically. The list and
// bundle are copied next to the page when they live elsewhere, so the folder can be published as is.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { ImageList, RepoConfig } from "../model/types.js";
import { InvalidInputError, type Diagnostic } from "../util/diagnostic.js";
import { validateData, validateYaml } from "../schema/validator.js";
import { readYamlFile } from "../repo/yaml-file.js";
import { CONFIG_FILE, SCHEMA_OF } from "../repo/layout.js";
import { writeFileAtomic } from "../util/fs.js";
import { renderCatalogue } from "./render.js";
import { inspectBundle } from "./bundle.js";
import { parseVerification } from "./verification.js";
import type { BundleSummary, CatalogueOptions, VerificationResult } from "./view.js";

export const PAGE_FILE = "index.html";
/** Far above any real list (a few hundred KiB), low enough that a wrong file is refused quickly. */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

export interface CatalogueRequest {
  list: string;
  outDir: string;
  now: number;
  bundle?: string;
  /** Folder with vmendorse.yaml (title, list.signer). */
  root?: string;
  /** Fail when <root>/vmendorse.yaml is missing (the user named --root). */
  requireConfig?: boolean;
  verifyResult?: string;
  /** A verification result from the caller itself (e.g. the main job that has just verified the list). */
  verification?: VerificationResult;
}

export interface CatalogueOutput {
  page: string;
  bytes: number;
  copied: string[];
  images: number;
  revoked: number;
}

const problem = (file: string, message: string, rule: string, field = ""): Diagnostic => ({ file, line: 0, column: 0, field, message, rule });

function readInput(path: string, display: string): Buffer {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new InvalidInputError([problem(display, `cannot read file: ${(e as Error).message}`, "io")]);
  }
  if (size > MAX_INPUT_BYTES) throw new InvalidInputError([problem(display, `file is ${size} bytes, more than the ${MAX_INPUT_BYTES}-byte limit`, "io.size")]);
  return readFileSync(path);
}

function readJson(path: string, display: string): { bytes: Buffer; value: unknown } {
  const bytes = readInput(path, display);
  try {
    return { bytes, value: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) };
  } catch (e) {
    throw new InvalidInputError([problem(display, `not valid UTF-8 JSON: ${(e as Error).message}`, "json")]);
  }
}

export function readConfig(root: string, required: boolean): RepoConfig | undefined {
  const path = join(root, CONFIG_FILE);
  if (!existsSync(path) && !required) return undefined;
  const r = readYamlFile(path, path);
  if (!r.ok) throw new InvalidInputError(r.diagnostics);
  const errs = validateYaml(SCHEMA_OF.config, r.value);
  if (errs.length > 0) throw new InvalidInputError(errs);
  return r.value.data as RepoConfig;
}

export function writeCatalogueFiles(req: CatalogueRequest): CatalogueOutput {
  const { bytes: listBytes, value } = readJson(req.list, req.list);
  const problems = validateData(SCHEMA_OF.imagelist, value, req.list);
  if (problems.length > 0) throw new InvalidInputError(problems, `${req.list} does not match schemas/imagelist.schema.json`);
  const list = value as ImageList;

  let bundle: BundleSummary | undefined;
  let bundleBytes: Buffer | undefined;
  if (req.bundle !== undefined) {
    const b = readJson(req.bundle, req.bundle);
    bundleBytes = b.bytes;
    const check = inspectBundle(b.value, basename(req.bundle), listBytes);
    if (!check.ok) throw new InvalidInputError([problem(req.bundle, check.message, "bundle")]);
    bundle = check.summary;
  }
  let verification: VerificationResult | undefined = req.verification;
  if (req.verifyResult !== undefined) {
    const v = parseVerification(readJson(req.verifyResult, req.verifyResult).value, req.verifyResult, list);
    if (!v.ok) throw new InvalidInputError(v.diagnostics);
    verification = v.result;
  }
  const config = req.root !== undefined ? readConfig(req.root, req.requireConfig ?? false) : undefined;

  const opts: CatalogueOptions = {
    now: req.now,
    listFile: basename(req.list),
    ...(config ? { title: config.title } : {}),
    ...(config?.list.signer ? { signer: config.list.signer } : {}),
    ...(bundle ? { bundle } : {}),
    ...(verification ? { verification } : {}),
  };
  const html = renderCatalogue(list, opts);
  const page = join(req.outDir, PAGE_FILE);

  // The files the page links to, next to it (the bytes checked above); the page last.
  const copied: string[] = [];
  const links: [string, Buffer][] = [[req.list, listBytes]];
  if (req.bundle !== undefined && bundleBytes) links.push([req.bundle, bundleBytes]);
  for (const [src, bytes] of links) {
    if (resolve(dirname(src)) === resolve(req.outDir)) continue;
    const dest = join(req.outDir, basename(src));
    writeFileAtomic(dest, bytes);
    copied.push(dest);
  }
  writeFileAtomic(page, html);
  const images = Object.values(list.vos).reduce((n, v) => n + v.images.length, 0);
  return { page, bytes: Buffer.byteLength(html), copied, images, revoked: list.revoked.length };
}
