// Sigstore signers: the local key (no transparency log: nothing leaves the machine) and keyless
// (OIDC token -> Fulcio certificate -> Rekor entry), as used in CI.
import { sign as cryptoSign } from "node:crypto";
import { FulcioSigner, RekorWitness, CIContextProvider, DEFAULT_FULCIO_URL, DEFAULT_REKOR_URL, type IdentityProvider, type Signer, type Witness } from "@sigstore/sign";
import type { LocalKey } from "./local-key.js";

// Requests to Fulcio and Rekor: a few quick retries on transient errors, then a clear failure.
const TIMEOUT_MS = 15_000;
const RETRY = { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 4_000 };

export function localKeySigner(key: LocalKey): Signer {
  return {
    sign: async (data: Buffer) => ({
      signature: cryptoSign("sha256", data, key.privateKey),
      key: { $case: "publicKey", publicKey: key.publicKeyPem, hint: key.hint },
    }),
  };
}

export interface KeylessOptions {
  fulcioURL?: string;
  rekorURL?: string;
  /** An OIDC identity token; without it the CI's token is requested (GitHub Actions, audience "sigstore"). */
  identityToken?: string;
  timeoutMs?: number;
}

export function keylessSigner(opts: KeylessOptions): { signer: Signer; witnesses: Witness[] } {
  const token = opts.identityToken;
  const identityProvider: IdentityProvider = token ? { getToken: async () => token } : new CIContextProvider("sigstore");
  const timeout = opts.timeoutMs ?? TIMEOUT_MS;
  return {
    signer: new FulcioSigner({ identityProvider, fulcioBaseURL: opts.fulcioURL ?? DEFAULT_FULCIO_URL, timeout, retry: RETRY }),
    witnesses: [rekorWitness(opts.rekorURL ?? DEFAULT_REKOR_URL, timeout)],
  };
}

export function rekorWitness(rekorBaseURL: string, timeout = TIMEOUT_MS): Witness {
  return new RekorWitness({ rekorBaseURL, fetchOnConflict: true, timeout, retry: RETRY });
}

/** True where the CI offers an OIDC token for keyless signing (GitHub Actions with id-token: write, or a
 * GitLab id_token exported as SIGSTORE_ID_TOKEN). */
export function keylessAvailable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.SIGSTORE_ID_TOKEN || (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN));
}
