// The Sigstore trust root for keyless lists: the public-good instance (fetched and cached through TUF,
// as sigstore-js does) or a trusted_root.json given with --trusted-root (a private Sigstore deployment,
// or the locally served Sigstore services of the tests).
import { readFileSync } from "node:fs";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { fileError } from "../util/diagnostic.js";

export const TRUSTED_ROOT_MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

/** A trust root with no authorities: what a list signed with a plain key is checked against. */
export function emptyTrustedRoot(): TrustedRoot {
  return TrustedRoot.fromJSON({ mediaType: TRUSTED_ROOT_MEDIA_TYPE, tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] });
}

export function readTrustedRoot(file: string): TrustedRoot {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw fileError(file, `cannot read the trusted root (${(e as Error).message})`);
  }
  try {
    return TrustedRoot.fromJSON(json);
  } catch (e) {
    throw fileError(file, `not a Sigstore trusted root (${(e as Error).message})`);
  }
}

/** The public-good Sigstore trust root via TUF (needs network on first use; cached afterwards). */
export async function publicGoodTrustedRoot(cachePath?: string): Promise<TrustedRoot> {
  const { getTrustedRoot } = await import("@sigstore/tuf");
  return getTrustedRoot(cachePath ? { cachePath } : {});
}
