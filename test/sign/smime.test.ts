// S/MIME signatures of composed HEPiX lists, checked with `openssl smime -verify`, the tool a
// vmcatcher/cloudkeeper site relies on; the PKI is a throw-away one made with openssl.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { composeRepository } from "../../src/compose/index.js";
import { signSmime, verifySmime } from "../../src/sign/smime.js";
import { InvalidInputError, RefusedError } from "../../src/util/diagnostic.js";
import { commitAll, copyRepo } from "../compose/repo-copy.js";
import { vmendorse } from "../cli/run-cli.js";
import { signFile } from "../../src/sign/index.js";
import { readListSet } from "../../src/publish/list-files.js";
import { issue, makeRootCa, makeSubCa, type Ca, type Cert } from "./smime-pki.js";

const ADMIN = { name: "Repo Admin", email: "admin@egi.example" };
const NOW = Date.parse("2026-11-23T12:00:00Z");
const X509 = "/hv:imagelist/hv:endorser/hv:x509";

/** `openssl smime -verify` exactly as a consumer runs it; returns the exit code, content and errors. */
function consumerVerify(smime: string, caFile: string) {
  const r = spawnSync("openssl", ["smime", "-verify", "-in", smime, "-CAfile", caFile], { encoding: "utf8" });
  return { code: r.status, content: r.stdout, stderr: r.stderr };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a refusal");
}

describe("S/MIME signatures of HEPiX lists", () => {
  let tmp: string;
  let root: Ca;
  let endorser: Cert & { issuer: string };
  let sub: Ca;
  let robot: Cert & { issuer: string };
  let hepix: string;
  let biomed: string;

  beforeAll(() => {
    const repo = copyRepo();
    tmp = mkdtempSync(join(repo, "pki-"));
    root = makeRootCa(tmp, "root", "/DC=org/DC=example/CN=Example Test Root CA");
    endorser = issue(root, "jane", "/DC=org/DC=example/O=Biomed/CN=Jane Doe", -1, 60);
    sub = makeSubCa(root, "robot", "/DC=org/DC=example/CN=Example Robot CA");
    robot = issue(sub, "enol", "/DC=org/DC=example/CN=Robot: Enol Fernandez", -1, 30);
    // The VOs' appointed endorsers carry the throw-away certificates' names.
    const setX509 = (vo: string, dn: string, ca: string) => {
      const f = join(repo, "endorsements", vo, "vo.yaml");
      const text = readFileSync(f, "utf8").replace(/dn: ".*"/, `dn: "${dn}"`).replace(/ca: ".*"/, `ca: "${ca}"`);
      writeFileSync(f, text);
    };
    setX509("biomed", endorser.subject, endorser.issuer);
    setX509("fedcloud.egi.eu", robot.subject, robot.issuer);
    commitAll(repo, "endorsers with X.509 certificates", ADMIN, "2026-11-21T12:00:00Z");
    composeRepository({ root: repo, outDir: join(repo, "out"), now: NOW });
    hepix = join(repo, "out", "hepix");
    biomed = join(hepix, "biomed.imagelist.json");
  });

  it("signs a composed list so that `openssl smime -verify -CAfile ca.pem` accepts it and yields the list", async () => {
    const t0 = performance.now();
    const r = await signSmime(biomed, { certFile: endorser.cert, keyFile: endorser.key });
    const signMs = performance.now() - t0;
    expect(r.smimeFile).toBe(`${biomed}.smime`);
    expect(r).toMatchObject({ subject: "/DC=org/DC=example/O=Biomed/CN=Jane Doe", issuer: "/DC=org/DC=example/CN=Example Test Root CA", warnings: [] });
    const smime = readFileSync(r.smimeFile, "utf8");
    expect(smime).toMatch(/^MIME-Version: 1\.0\r?\nContent-Type: multipart\/signed; protocol="application\/x-pkcs7-signature"/);

    const consumer = consumerVerify(r.smimeFile, root.cert);
    expect(consumer.stderr).toContain("Verification successful");
    expect(consumer.code).toBe(0);
    const json = readFileSync(biomed, "utf8");
    // S/MIME signs the canonical text form (CRLF line ends); the JSON is the same.
    expect(consumer.content.replace(/\r\n/g, "\n")).toBe(json);
    expect(JSON.parse(consumer.content)).toEqual(JSON.parse(json));

    const v = await verifySmime(r.smimeFile, { caFile: root.cert });
    expect(v.subject).toBe(endorser.subject);
    expect(v.issuer).toBe(endorser.issuer);
    expect(v.text).toBe(json);
    console.log(`S/MIME: signed ${json.length} bytes in ${signMs.toFixed(0)} ms -> ${smime.length} bytes`);
  });

  it("includes an intermediate CA from --smime-chain, so a site trusting only the root verifies", async () => {
    const list = join(hepix, "fedcloud.egi.eu.imagelist.json");
    await signSmime(list, { certFile: robot.cert, keyFile: robot.key });
    expect(consumerVerify(`${list}.smime`, root.cert).code).not.toBe(0); // the chain is missing
    await signSmime(list, { certFile: robot.cert, keyFile: robot.key, chainFile: sub.cert });
    expect(consumerVerify(`${list}.smime`, root.cert).code).toBe(0);
    expect((await verifySmime(`${list}.smime`, { caFile: root.cert })).issuer).toBe("/DC=org/DC=example/CN=Example Robot CA");
  });

  it("refuses a certificate whose subject is not the list's hv:dn, naming the file and field, and writes nothing", async () => {
    const other = issue(root, "mallory", "/DC=org/DC=example/CN=Mallory", -1, 60);
    const dir = mkdtempSync(join(tmp, "mismatch-"));
    const list = join(dir, "biomed.imagelist.json");
    copyFileSync(biomed, list);
    const e = await rejection(signSmime(list, { certFile: other.cert, keyFile: other.key }));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toContain(`${list}: ${X509}/hv:dn: "/DC=org/DC=example/O=Biomed/CN=Jane Doe" differs from the subject of ${other.cert}, "/DC=org/DC=example/CN=Mallory"`);
    expect(e.message).toContain("[smime.endorser-mismatch]");
    expect(readdirSync(dir)).toEqual(["biomed.imagelist.json"]);
  });

  it("refuses a certificate from another CA than the list's hv:ca", async () => {
    const rogue = makeRootCa(tmp, "rogue", "/DC=org/DC=example/CN=Rogue CA");
    const twin = issue(rogue, "twin", endorser.subject, -1, 60);
    const e = await rejection(signSmime(biomed, { certFile: twin.cert, keyFile: twin.key, out: join(tmp, "twin.smime") }));
    expect(e.message).toContain(`${X509}/hv:ca: "/DC=org/DC=example/CN=Example Test Root CA" differs from the issuer of ${twin.cert}, "/DC=org/DC=example/CN=Rogue CA"`);
    expect(e.message).not.toContain("hv:dn");
    expect(existsSync(join(tmp, "twin.smime"))).toBe(false);
  });

  it("refuses an expired certificate, naming the certificate file and the expiry", async () => {
    const old = issue(root, "jane-old", endorser.subject, -60, -1);
    const e = await rejection(signSmime(biomed, { certFile: old.cert, keyFile: old.key, out: join(tmp, "old.smime") }));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(new RegExp(`^${old.cert.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: certificate expired on \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(now .*\\) \\[smime.cert-validity\\]$`));
    expect(existsSync(join(tmp, "old.smime"))).toBe(false);
  });

  it("refuses a key that does not belong to the certificate", async () => {
    const other = issue(root, "someone", "/DC=org/DC=example/CN=Someone", -1, 60);
    const e = await rejection(signSmime(biomed, { certFile: endorser.cert, keyFile: other.key, out: join(tmp, "k.smime") }));
    expect(e.message).toContain(`${other.key}: this key does not belong to the certificate ${endorser.cert}`);
  });

  it("signs with an encrypted key given its passphrase, and says what is wrong without it", async () => {
    const enc = join(tmp, "jane-enc.key");
    spawnSync("openssl", ["pkey", "-in", endorser.key, "-aes256", "-passout", "pass:grid secret", "-out", enc]);
    const out = join(tmp, "enc.smime");
    const none = await rejection(signSmime(biomed, { certFile: endorser.cert, keyFile: enc, out }));
    expect(none.message).toBe(`${enc}: the private key is encrypted: give its passphrase in the environment variable VMENDORSE_SMIME_PASSPHRASE [smime.key]`);
    const wrong = await rejection(signSmime(biomed, { certFile: endorser.cert, keyFile: enc, out, passphrase: "guess" }));
    expect(wrong.message).toContain("wrong passphrase?");
    expect(existsSync(out)).toBe(false);
    await signSmime(biomed, { certFile: endorser.cert, keyFile: enc, out, passphrase: "grid secret" });
    expect(consumerVerify(out, root.cert).code).toBe(0);
  });

  it("refuses a list that names no X.509 endorser (a VO without x509 in vo.yaml)", async () => {
    const elixir = join(hepix, "vo.elixir-europe.org.imagelist.json");
    const e = await rejection(signSmime(elixir, { certFile: endorser.cert, keyFile: endorser.key }));
    expect(e.message).toContain(`${elixir}: ${X509}/hv:dn: empty: the list names no certificate subject; set x509: {dn, ca}`);
    expect(existsSync(`${elixir}.smime`)).toBe(false);
  });

  it("a tampered .smime fails openssl verification and verifySmime", async () => {
    const r = await signSmime(biomed, { certFile: endorser.cert, keyFile: endorser.key, out: join(tmp, "t.smime") });
    const text = readFileSync(r.smimeFile, "utf8");
    const tampered = join(tmp, "tampered.smime");
    // A site would now see another image URI, with the old signature.
    const changed = text.replace(/"hv:uri": "https:\/\/appliances/, '"hv:uri": "https://evil');
    expect(changed).not.toBe(text);
    writeFileSync(tampered, changed);
    const consumer = consumerVerify(tampered, root.cert);
    expect(consumer.code).not.toBe(0);
    expect(consumer.stderr).toContain("Verification failure");
    const e = await rejection(verifySmime(tampered, { caFile: root.cert }));
    expect(e).toBeInstanceOf(RefusedError);
    expect(e.message).toMatch(/tampered\.smime: S\/MIME verification failed: .*digest failure/);
  });

  it("verification refuses a signer that a site does not trust", async () => {
    const stranger = makeRootCa(tmp, "stranger", "/DC=org/DC=example/CN=Unrelated CA");
    expect(consumerVerify(`${biomed}.smime`, stranger.cert).code).not.toBe(0);
    const e = await rejection(verifySmime(`${biomed}.smime`, { caFile: stranger.cert }));
    expect(e.message).toMatch(/S\/MIME verification failed: .*certificate verify error: Verify error: unable to get local issuer certificate/);
  });

  it("vmendorse sign --smime-cert/--smime-key writes FILE.smime only, and exits 1 with the reason on refusal", () => {
    const dir = mkdtempSync(join(tmp, "cli-"));
    const list = join(dir, "biomed.imagelist.json");
    copyFileSync(biomed, list);
    const ok = vmendorse(["sign", list, "--smime-cert", endorser.cert, "--smime-key", endorser.key], dir);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("signed biomed.imagelist.json -> biomed.imagelist.json.smime (S/MIME as /DC=org/DC=example/O=Biomed/CN=Jane Doe");
    expect(readdirSync(dir).sort()).toEqual(["biomed.imagelist.json", "biomed.imagelist.json.smime"]);
    expect(consumerVerify(`${list}.smime`, root.cert).code).toBe(0);

    const old = issue(root, "jane-old2", endorser.subject, -30, -2);
    const refused = vmendorse(["sign", list, "--smime-cert", old.cert, "--smime-key", old.key], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${old.cert}: certificate expired on`);

    const usage = vmendorse(["sign", list, "--smime-cert", endorser.cert, "--smime-key", endorser.key, "--key", "x.key"], dir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("sign with S/MIME only; drop --key");
    expect(vmendorse(["sign", list, "--smime-cert", endorser.cert], dir).code).toBe(2);
  });

  it("publishing takes the fresh .smime files along and refuses a stale one after a new compose", async () => {
    const out = join(hepix, "..");
    const key = join(tmp, "sigstore", "signing.key");
    await signFile(join(out, "imagelist.json"), { kind: "key", keyFile: key, create: true });
    const names = readListSet(out).files.filter((f) => f.kind === "hepix").map((f) => f.name);
    expect(names).toContain("biomed.imagelist.json.smime");
    expect(names).toContain("fedcloud.egi.eu.imagelist.json.smime");

    composeRepository({ root: join(out, ".."), outDir: out, now: NOW }); // a new serial: the lists change
    await signFile(join(out, "imagelist.json"), { kind: "key", keyFile: key, create: false });
    expect(() => readListSet(out)).toThrow(/biomed\.imagelist\.json\.smime: the S\/MIME signature is stale, it signs other content than .*biomed\.imagelist\.json \(sign again after composing\)/);
    await signSmime(biomed, { certFile: endorser.cert, keyFile: endorser.key });
    await signSmime(join(hepix, "fedcloud.egi.eu.imagelist.json"), { certFile: robot.cert, keyFile: robot.key, chainFile: sub.cert });
    expect(readListSet(out).files.some((f) => f.name === "biomed.imagelist.json.smime")).toBe(true);
  });
});
