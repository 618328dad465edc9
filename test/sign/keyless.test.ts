// The keyless path end to end against Sigstore services served on 127.0.0.1, and compatibility of every
// kind of bundle `vmendorse sign` writes with sigstore-js's own verification.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as sigstore from "sigstore";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { bundleFromJSON } from "@sigstore/bundle";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { vmendorseAsync as vmendorse } from "../cli/run-cli.js";
import { GITHUB_ISSUER, startMockSigstore, type MockSigstore } from "./mock-sigstore.js";
import { serveTrustedRoot, type LocalTuf } from "./local-tuf.js";
import { composedList, NOW, writeSigned } from "../verify/signed-list.js";
import { toJsonText } from "../../src/util/fs.js";
import { isoSeconds } from "../../src/util/time.js";

const RELEASE = "https://github.com/egi-federation/vmendorse/.github/workflows/release.yml@refs/heads/main";
let mock: MockSigstore;
let tuf: LocalTuf;
let dir: string;
let listFile: string;
let trustedRootFile: string;

beforeAll(async () => {
  mock = await startMockSigstore();
  tuf = await serveTrustedRoot(mock.trustedRoot);
  dir = mkdtempSync(join(tmpdir(), "vmendorse-keyless-"));
  listFile = join(dir, "imagelist.json");
  writeFileSync(listFile, toJsonText(composedList()));
  trustedRootFile = join(dir, "trusted_root.json");
  writeFileSync(trustedRootFile, JSON.stringify(mock.trustedRoot));
  const r = await vmendorse(["sign", listFile, "--keyless", "--fulcio-url", mock.url, "--rekor-url", mock.url], dir, { SIGSTORE_ID_TOKEN: mock.token(RELEASE) });
  expect(r.stderr).toBe("signing keyless: OIDC token -> Fulcio certificate -> Rekor entry\n");
  expect(r.code).toBe(0);
});
afterAll(async () => {
  await mock.close();
  await tuf.close();
});

const verifyKeyless = (identity: string, issuer: string, extra: string[] = []) =>
  vmendorse(["verify", "--list", listFile, "--identity", identity, "--issuer", issuer, "--trusted-root", trustedRootFile, "--now", isoSeconds(NOW), ...extra]);

describe("keyless signing", () => {
  it("writes a bundle with the release workflow's certificate and a Rekor entry", async () => {
    const bundle = JSON.parse(readFileSync(`${listFile}.sigstore.json`, "utf8"));
    expect(bundle.mediaType).toMatch(/^application\/vnd\.dev\.sigstore\.bundle/);
    expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
    const der = Buffer.from((bundle.verificationMaterial.certificate ?? bundle.verificationMaterial.x509CertificateChain.certificates[0]).rawBytes, "base64");
    const { X509Certificate } = await import("node:crypto");
    expect(new X509Certificate(der).subjectAltName).toBe(`URI:${RELEASE}`);
  });

  it("verifies for the pinned identity and issuer", async () => {
    const r = await verifyKeyless(RELEASE, GITHUB_ISSUER, ["--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).signer).toEqual({ kind: "keyless", identity: RELEASE, issuer: GITHUB_ISSUER });
  });

  it("is refused for another workflow of the same repository (wrong identity)", async () => {
    const r = await verifyKeyless(RELEASE.replace("release.yml", "pr.yml"), GITHUB_ISSUER);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/signature not valid for this list and signer: .*(identity|subject|SAN)/i);
  });

  it("is refused for another OIDC issuer", async () => {
    const r = await verifyKeyless(RELEASE, "https://gitlab.com");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/signature not valid for this list and signer: .*issuer/i);
  });

  it("is refused when signed by someone else's identity", async () => {
    const forged = join(dir, "forged.json");
    writeFileSync(forged, readFileSync(listFile));
    const r = await vmendorse(["sign", forged, "--keyless", "--fulcio-url", mock.url, "--rekor-url", mock.url], dir, { SIGSTORE_ID_TOKEN: mock.token("https://github.com/someone/fork/.github/workflows/release.yml@refs/heads/main") });
    expect(r.code).toBe(0);
    const v = await vmendorse(["verify", "--list", forged, "--identity", RELEASE, "--issuer", GITHUB_ISSUER, "--trusted-root", trustedRootFile, "--now", isoSeconds(NOW)]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/signature not valid/);
  });

  it("is refused with a plain key, naming the mismatch", async () => {
    const keyed = await writeSigned(composedList());
    const r = await vmendorse(["verify", "--list", listFile, "--key", keyed.pubFile, "--now", isoSeconds(NOW)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/signed keyless \(certificate\), but a public key was given/);
  });
});

describe("sigstore-js verifies vmendorse's bundles", () => {
  const tufOptions = () => ({ tufMirrorURL: tuf.mirrorURL, tufRootPath: tuf.rootPath, tufCachePath: tuf.cachePath });

  it("keyless: sigstore.verify() with identity and issuer, through TUF", async () => {
    const bundle = JSON.parse(readFileSync(`${listFile}.sigstore.json`, "utf8"));
    const signer = await sigstore.verify(bundle, readFileSync(listFile), { ...tufOptions(), certificateIdentityURI: RELEASE, certificateIssuer: GITHUB_ISSUER });
    expect(signer.identity?.subjectAlternativeName).toBe(RELEASE);
    await expect(sigstore.verify(bundle, Buffer.concat([readFileSync(listFile), Buffer.from(" ")]), { ...tufOptions(), certificateIdentityURI: RELEASE, certificateIssuer: GITHUB_ISSUER })).rejects.toThrow();
  });

  it("key logged in Rekor: sigstore.verify() with a key selector", async () => {
    const s = await writeSigned(composedList());
    const r = await vmendorse(["sign", s.listFile, "--key", s.keyFile, "--rekor-url", mock.url]);
    expect(r.code).toBe(0);
    const bundle = JSON.parse(readFileSync(s.bundleFile, "utf8"));
    expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
    const pem = readFileSync(s.pubFile, "utf8");
    await sigstore.verify(bundle, readFileSync(s.listFile), { ...tufOptions(), keySelector: () => pem });
    const otherPem = readFileSync((await writeSigned(composedList())).pubFile, "utf8");
    await expect(sigstore.verify(bundle, readFileSync(s.listFile), { ...tufOptions(), keySelector: () => otherPem })).rejects.toThrow();
  });

  it("local key, offline (npm start): @sigstore/verify, and the raw signature with openssl", async () => {
    const s = await writeSigned(composedList());
    const json = JSON.parse(readFileSync(s.bundleFile, "utf8"));
    const entity = toSignedEntity(bundleFromJSON(json), readFileSync(s.listFile));
    const { createPublicKey } = await import("node:crypto");
    const key = createPublicKey(readFileSync(s.pubFile));
    const empty = TrustedRoot.fromJSON({ mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1", tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] });
    new Verifier(toTrustMaterial(empty, () => ({ publicKey: key, validFor: () => true })), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(entity);
    // An independent implementation: OpenSSL checks the bundle's ECDSA signature over the list's bytes.
    const sig = join(s.dir, "sig.der");
    writeFileSync(sig, Buffer.from(json.messageSignature.signature, "base64"));
    expect(execFileSync("openssl", ["dgst", "-sha256", "-verify", s.pubFile, "-signature", sig, s.listFile], { encoding: "utf8" })).toMatch(/Verified OK/);
  });
});
