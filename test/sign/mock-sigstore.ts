// Sigstore's own service mocks (@sigstore/mock: a Fulcio CA with a CT log, a Rekor log) served over real
// HTTP on 127.0.0.1, so the keyless code path runs end to end: OIDC token -> Fulcio -> Rekor -> bundle.
// The public Sigstore instance and a CI's OIDC provider cannot be reached here; the token is a JWT made
// by the test (the mock reads its claims, as Fulcio would after checking the issuer's signature).
import { createServer, type Server } from "node:http";
import { createHash, generateKeyPairSync } from "node:crypto";
import type { AddressInfo } from "node:net";
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler } from "@sigstore/mock";

export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

export interface MockSigstore {
  url: string;
  trustedRoot: object;
  /** An identity token whose certificate will carry `identity` (URI SAN) and `issuer`. */
  token(identity: string, issuer?: string): string;
  close(): Promise<void>;
}

const b64 = (b: ArrayBufferView | Buffer) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
const b64url = (s: string) => Buffer.from(s).toString("base64url");

export async function startMockSigstore(): Promise<MockSigstore> {
  const keyPair = () => generateKeyPairSync("ec", { namedCurve: "P-256" });
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ctLog = await initializeCTLog(keyPair());
  const ca = await initializeCA(keyPair(), ctLog);
  const tlog = await initializeTLog(url, keyPair());
  const routes = new Map([fulcioHandler(ca, { subjectClaim: "job_workflow_ref" }), rekorHandler(tlog)].map((h) => [h.path, h.fn]));
  server.on("request", (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const fn = req.method === "POST" ? routes.get(req.url ?? "") : undefined;
      if (!fn) {
        res.writeHead(404).end();
        return;
      }
      fn(Buffer.concat(chunks).toString("utf8")).then(({ statusCode, response, contentType }) => {
        res.writeHead(statusCode, { "content-type": contentType ?? "text/plain" });
        res.end(typeof response === "string" ? response : Buffer.from(response.buffer, response.byteOffset, response.byteLength));
      });
    });
  });
  const start = "2020-01-01T00:00:00Z";
  const tlogKey = tlog.publicKey;
  const trustedRoot = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [{ baseUrl: url, hashAlgorithm: "SHA2_256", publicKey: { rawBytes: tlogKey.toString("base64"), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor: { start } }, logId: { keyId: createHash("sha256").update(tlogKey).digest("base64") } }],
    certificateAuthorities: [{ subject: { organization: "mock", commonName: "mock" }, uri: url, certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] }, validFor: { start } }],
    ctlogs: [{ baseUrl: url, hashAlgorithm: "SHA2_256", publicKey: { rawBytes: ctLog.publicKey.toString("base64"), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor: { start } }, logId: { keyId: b64(ctLog.logID) } }],
    timestampAuthorities: [],
  };
  return {
    url,
    trustedRoot,
    token: (identity, issuer = GITHUB_ISSUER) =>
      [b64url(JSON.stringify({ alg: "RS256", typ: "JWT" })), b64url(JSON.stringify({ iss: issuer, sub: "repo:egi-federation/vmendorse:ref:refs/heads/main", aud: "sigstore", job_workflow_ref: identity, exp: Math.floor(Date.now() / 1000) + 600 })), b64url("not-checked-by-the-mock")].join("."),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
