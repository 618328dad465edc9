// Where a file's Sigstore bundle lives and how it is read back.
import { readFileSync, statSync } from "node:fs";
import { bundleFromJSON, type Bundle } from "@sigstore/bundle";
import { fileError, InvalidInputError } from "../util/diagnostic.js";

export const BUNDLE_SUFFIX = ".sigstore.json";
const MAX_BUNDLE_BYTES = 1024 * 1024;

export function bundlePathFor(file: string): string {
  return file + BUNDLE_SUFFIX;
}

export function readBundle(file: string): Bundle {
  let text: string;
  try {
    if (statSync(file).size > MAX_BUNDLE_BYTES) throw fileError(file, `bundle larger than ${MAX_BUNDLE_BYTES} bytes`);
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    throw fileError(file, `cannot read the bundle (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw fileError(file, `not JSON (${(e as Error).message})`);
  }
  try {
    return bundleFromJSON(json);
  } catch (e) {
    throw fileError(file, `not a Sigstore bundle (${(e as Error).message})`);
  }
}
