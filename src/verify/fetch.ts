// Sites usually point `verify --list` at the release's stable URL: fetch the list and its bundle into a
// private temporary directory (size-capped), then verify those exact bytes.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RefusedError } from "../util/diagnostic.js";
import { describeError } from "../util/describe-error.js";
import { BUNDLE_SUFFIX } from "../sign/bundle-file.js";
import { MAX_LIST_BYTES } from "./index.js";

export function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

async function fetchCapped(url: string, max: number): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    throw new RefusedError(`${url}: cannot fetch (${describeError(e)})`, "fetch");
  }
  if (!res.ok || !res.body) throw new RefusedError(`${url}: cannot fetch (HTTP ${res.status})`, "fetch");
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    n += chunk.length;
    if (n > max) throw new RefusedError(`${url}: larger than ${max} bytes`, "fetch");
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Downloads LIST_URL and its bundle (BUNDLE_URL, default LIST_URL.sigstore.json); returns the local paths. */
export async function fetchListAndBundle(listUrl: string, bundleUrl = listUrl + BUNDLE_SUFFIX): Promise<{ listFile: string; bundleFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), "vmendorse-fetch-"));
  const [list, bundle] = await Promise.all([fetchCapped(listUrl, MAX_LIST_BYTES), fetchCapped(bundleUrl, 1024 * 1024)]);
  const listFile = join(dir, "imagelist.json");
  const bundleFile = listFile + BUNDLE_SUFFIX;
  writeFileSync(listFile, list);
  writeFileSync(bundleFile, bundle);
  return { listFile, bundleFile };
}
