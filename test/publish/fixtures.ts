// A built release for the publishing tests: a real qcow2 (qemu-img) of random content, an OVA, the
// SBOM, package list and scan report, and the build record that names their sizes and digests, written
// into a copy of the example repository.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";

export interface BuiltRelease {
  appliance: string;
  version: string;
  /** Repository-relative path of the build record. */
  releaseFile: string;
  artifactsDir: string;
  qcow2: string;
  sbom: string;
}

const sha = (alg: string, path: string) => createHash(alg).update(readFileSync(path)).digest("hex");

export function makeRelease(root: string, artifactsDir: string, opts: { appliance?: string; version?: string; diskMb?: number; commit?: string } = {}): BuiltRelease {
  const appliance = opts.appliance ?? "egi.debian.12";
  const version = opts.version ?? "20261120";
  mkdirSync(artifactsDir, { recursive: true });
  const base = `debian-12-${version}`;
  const raw = join(artifactsDir, `${base}.raw.tmp`);
  writeFileSync(raw, randomBytes((opts.diskMb ?? 2) * 1024 * 1024));
  const qcow2 = join(artifactsDir, `${base}.qcow2`);
  execFileSync("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, qcow2]);
  const vmdk = join(artifactsDir, `${base}-disk1.vmdk`);
  execFileSync("qemu-img", ["convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized", raw, vmdk]);
  rmSync(raw);
  writeFileSync(join(artifactsDir, `${base}.ovf`), `<?xml version="1.0"?><Envelope><References><File ovf:href="${base}-disk1.vmdk"/></References></Envelope>\n`);
  const ova = join(artifactsDir, `${base}.ova`);
  execFileSync("tar", ["-C", artifactsDir, "-cf", ova, `${base}.ovf`, `${base}-disk1.vmdk`]);
  rmSync(vmdk);
  rmSync(join(artifactsDir, `${base}.ovf`));
  const sbom = join(artifactsDir, `${base}.cdx.json`);
  writeFileSync(sbom, JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.5", version: 1, components: [{ type: "library", name: "openssh-server", version: "1:9.2p1-2+deb12u3" }] }, null, 2) + "\n");
  const packages = join(artifactsDir, `${base}.packages.tsv`);
  writeFileSync(packages, "openssh-server\t1:9.2p1-2+deb12u3\tamd64\nsudo\t1.9.13p3-1+deb12u1\tamd64\n");
  const report = join(artifactsDir, `${base}.scan.json`);
  writeFileSync(report, JSON.stringify({ result: "pass", checks: [] }) + "\n");

  const releaseFile = `images/${appliance}/releases/${version}.yaml`;
  const record = {
    appliance,
    version,
    built_at: "2026-11-20T03:00:00Z",
    source: { commit: opts.commit ?? "0123456789abcdef0123456789abcdef01234567" },
    builder: { type: "mmdebstrap", tools: { mmdebstrap: "1.3.5-7", "qemu-img": "7.2.18" } },
    artifacts: [
      { format: "qcow2", file: `${base}.qcow2`, uri: `https://appliances.example.org/images/${appliance}/${base}.qcow2`, size: statSync(qcow2).size, sha512: sha("sha512", qcow2), sha256: sha("sha256", qcow2) },
      { format: "ova", file: `${base}.ova`, uri: `https://appliances.example.org/images/${appliance}/${base}.ova`, size: statSync(ova).size, sha512: sha("sha512", ova), sha256: sha("sha256", ova) },
    ],
    packages: { count: 2, manifest: `${base}.packages.tsv`, sha512: sha("sha512", packages) },
    sbom: { format: "CycloneDX", spec_version: "1.5", file: `${base}.cdx.json`, sha512: sha("sha512", sbom) },
    scan: { result: "pass", passed: 19, failed: 0, waived: 0, scanned_at: "2026-11-20T03:20:00Z", report: `${base}.scan.json`, report_sha512: sha("sha512", report) },
  };
  writeFileSync(join(root, releaseFile), `# yaml-language-server: $schema=../../../schemas/release.schema.json\n${stringify(record)}`);
  return { appliance, version, releaseFile, artifactsDir, qcow2, sbom };
}

/** Points the VOs' endorsements of the appliance at the built release (digest and checklist report). */
export function endorseRelease(root: string, b: BuiltRelease, vos = ["fedcloud.egi.eu", "biomed"]): void {
  const rec = parse(readFileSync(join(root, b.releaseFile), "utf8")) as { artifacts: { sha512: string }[]; scan: { report_sha512: string } };
  for (const vo of vos) {
    const file = join(root, "endorsements", vo, `${b.appliance}.yaml`);
    const e = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    e.version = b.version;
    e.digest = `sha512:${rec.artifacts[0]!.sha512}`;
    e.endorsed_at = "2026-11-21T09:00:00Z";
    e.checklist = { ...(e.checklist as object), report_sha512: rec.scan.report_sha512 };
    writeFileSync(file, `# yaml-language-server: $schema=../../schemas/endorsement.schema.json\n${stringify(e)}`);
  }
}

/** Composes the list into `outDir` (now = `now`) and signs it with a fresh local key; returns the public key file. */
export async function composeAndSign(root: string, outDir: string, now = Date.parse("2026-11-23T12:00:00Z"), previousList?: string): Promise<{ publicKey: string; serial: number }> {
  const { composeRepository } = await import("../../src/compose/index.js");
  const { signFile } = await import("../../src/sign/index.js");
  const r = composeRepository({ root, outDir, now, ...(previousList ? { previousList } : {}) });
  const keyFile = join(outDir, "..", `key-${randomBytes(4).toString("hex")}.pem`);
  await signFile(join(outDir, "imagelist.json"), { kind: "key", keyFile, create: true });
  return { publicKey: `${keyFile}.pub`, serial: r.list.serial };
}
