// The image build's parts that run without mmdebstrap: configuration files, clean-up, disk layout with
// GRUB embedding, OVF and manifest, package lists, purls and SBOM, the build record, the staging folder,
// the CLI's refusals. The whole build with the real tools is test/e2e/debian-image.test.ts.
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { ImageSpec, MmdebstrapBuilder } from "../../src/model/types.js";
import { cloudInitConfig, configFiles, grubConfig, nftablesConfig } from "../../src/build/debian/files.js";
import { BASE_PACKAGES, imagePackages, mmdebstrapArgs, sourcesLines } from "../../src/build/debian/mmdebstrap.js";
import { compareVersions } from "../../src/build/debian/image.js";
import { cleanRootfs, matchPattern, residue } from "../../src/build/cleanup.js";
import { diskLayout, embedGrub, sfdiskScript, MBR_CODE_BYTES } from "../../src/build/disk.js";
import { ovfDescriptor, ovfManifest, parseManifest } from "../../src/build/ovf.js";
import { packageManifest, parseDpkgQuery, parsePackageManifest, parseRpmQuery } from "../../src/build/packages.js";
import { cycloneDx, purl } from "../../src/build/sbom.js";
import { releaseRecord, releaseRecordText, ciRunUri } from "../../src/build/record.js";
import { commitStaging, createStaging, removeStaging } from "../../src/build/staging.js";
import { resolveVersion } from "../../src/build/index.js";
import { validateData } from "../../src/schema/validator.js";
import { copyRepo } from "../compose/repo-copy.js";
import { vmendorse } from "../cli/run-cli.js";

const ROOT = join(import.meta.dirname, "..", "..");
const spec = parse(readFileSync(join(ROOT, "images", "egi.debian.12", "image.yaml"), "utf8")) as ImageSpec;
const builder = spec.builder as MmdebstrapBuilder;
const scratch = mkdtempSync(join(tmpdir(), "vmendorse-buildtest-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("Debian configuration (seed procedure)", () => {
  it("cloud-init: no datasource pinned, root disabled, no passwords, growpart + resizefs, package update/upgrade, the image's admin user", () => {
    const cfg = parse(cloudInitConfig(spec)) as Record<string, unknown>;
    expect(cfg).not.toHaveProperty("datasource_list");
    expect(cfg).not.toHaveProperty("datasource");
    expect(cfg).toMatchObject({
      disable_root: true, ssh_pwauth: false, resize_rootfs: true, package_update: true, package_upgrade: true,
      growpart: { mode: "auto", devices: ["/"] }, system_info: { default_user: { name: "debian", lock_passwd: true } },
    });
  });
  it("the firewall opens exactly the declared ports, for IPv4 and IPv6 (inet table)", () => {
    const nft = nftablesConfig([{ port: 22, protocol: "tcp", service: "ssh" }, { port: 443, protocol: "tcp", service: "https" }, { port: 1194, protocol: "udp", service: "vpn" }]);
    expect(nft).toContain("table inet filter");
    expect(nft).toContain("policy drop;");
    expect(nft.match(/dport \{[^}]*\} accept/g)).toEqual(["dport { 22, 443 } accept", "dport { 1194 } accept"]);
    expect(nftablesConfig([])).not.toMatch(/dport \{/);
  });
  it("writes fstab, grub and an empty machine id for the root UUID; nftables only when installed", () => {
    const uuid = "0b3d1c5e-1111-4222-8333-944455556666";
    const files = configFiles(spec, uuid, imagePackages(builder));
    expect(files.get("etc/fstab")?.content).toContain(`UUID=${uuid} / ext4`);
    expect(files.get("etc/machine-id")?.content).toBe("");
    expect(files.get("etc/ssh/sshd_config.d/50-vmendorse.conf")?.content).toMatch(/^PasswordAuthentication no$/m);
    expect(files.has("etc/nftables.conf")).toBe(true);
    expect(configFiles(spec, uuid, ["openssh-server"]).has("etc/nftables.conf")).toBe(false);
    const grub = grubConfig(uuid, "6.1.0-9-cloud-amd64", "EGI Debian 12 (bookworm)");
    expect(grub).toContain(`linux /boot/vmlinuz-6.1.0-9-cloud-amd64 root=UUID=${uuid} ro console=tty0 console=ttyS0,115200n8`);
  });
  it("mmdebstrap takes the suite, -updates and -security, image.yaml's packages plus the base set, and checks for pending upgrades", () => {
    expect(sourcesLines(builder)).toEqual([
      "deb http://deb.debian.org/debian bookworm main",
      "deb http://deb.debian.org/debian bookworm-updates main",
      "deb http://deb.debian.org/debian-security bookworm-security main",
    ]);
    const args = mmdebstrapArgs(builder, { rootfs: "/r" });
    const include = args.find((a) => a.startsWith("--include="))!.slice("--include=".length).split(",");
    expect(include).toEqual(expect.arrayContaining([...builder.packages, ...BASE_PACKAGES]));
    expect(args.slice(-5)).toEqual(["bookworm", "/r", ...sourcesLines(builder)]);
    expect(args.some((a) => a.includes("dist-upgrade") && a.includes("pending-upgrades"))).toBe(true);
    expect(mmdebstrapArgs(builder, { rootfs: "/r", debCache: "/c d" }).some((a) => a === "--setup-hook=sync-in '/c d' /var/cache/apt/archives/")).toBe(true);
  });
  it("orders kernel versions numerically", () => {
    expect(["6.1.0-10-cloud-amd64", "6.1.0-9-cloud-amd64"].sort(compareVersions)).toEqual(["6.1.0-9-cloud-amd64", "6.1.0-10-cloud-amd64"]);
  });
});

describe("clean-up of the root file system", () => {
  it("removes host keys, logs, apt lists, histories; empties the machine id; never follows a link out of the image", () => {
    const root = join(scratch, "rootfs");
    const outside = join(scratch, "outside");
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, "precious.log"), "host file");
    const files = ["etc/ssh/ssh_host_ed25519_key", "etc/ssh/ssh_host_ed25519_key.pub", "etc/ssh/sshd_config", "var/log/apt/history.log",
      "var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease", "root/.bash_history", "home/debian/.bash_history", "etc/passwd-", "tmp/x/y"];
    for (const f of files) {
      mkdirSync(join(root, f, ".."), { recursive: true });
      writeFileSync(join(root, f), "x");
    }
    writeFileSync(join(root, "etc/machine-id"), "0123456789abcdef0123456789abcdef\n");
    mkdirSync(join(root, "var/lib/apt/lists/partial"), { recursive: true });
    // A link inside the image pointing at the build host's files.
    mkdirSync(join(root, "var/log"), { recursive: true });
    symlinkSync(outside, join(root, "var/log/hostlogs"));
    symlinkSync(outside, join(root, "home/evil"));
    mkdirSync(join(outside, ".ssh"), { recursive: true });
    writeFileSync(join(outside, ".bash_history"), "host history");

    expect(matchPattern(root, "etc/ssh/ssh_host_*")).toEqual(["etc/ssh/ssh_host_ed25519_key", "etc/ssh/ssh_host_ed25519_key.pub"]);
    const { removed } = cleanRootfs(root);
    expect(removed).toEqual(expect.arrayContaining(["etc/ssh/ssh_host_ed25519_key", "var/log/apt/history.log", "root/.bash_history", "home/debian/.bash_history", "etc/passwd-", "tmp/x"]));
    expect(residue(root)).toEqual([]);
    expect(existsSync(join(root, "etc/ssh/sshd_config"))).toBe(true);
    expect(existsSync(join(root, "var/lib/apt/lists/partial"))).toBe(true);
    expect(readFileSync(join(root, "etc/machine-id"), "utf8")).toBe("");
    // The link itself went (it is a file under var/log), the host's files did not.
    expect(readFileSync(join(outside, "precious.log"), "utf8")).toBe("host file");
    expect(readFileSync(join(outside, ".bash_history"), "utf8")).toBe("host history");
  });
});

describe("disk layout and GRUB embedding", () => {
  it("one bootable partition at 1 MiB, readable by sfdisk", () => {
    const raw = join(scratch, "d.raw");
    execFileSync("truncate", ["-s", "64M", raw]);
    execFileSync("sfdisk", ["--quiet", raw], { input: sfdiskScript() });
    const table = JSON.parse(execFileSync("sfdisk", ["--json", raw], { encoding: "utf8" })) as { partitiontable: { label: string; partitions: { start: number; bootable?: boolean; type: string }[] } };
    expect(table.partitiontable.label).toBe("dos");
    expect(table.partitiontable.partitions).toEqual([expect.objectContaining({ start: 2048, bootable: true, type: "83" })]);
    expect(diskLayout(4)).toEqual({ diskBytes: 4 * 1024 ** 3, partitionOffset: 1024 ** 2, partitionBytes: 4 * 1024 ** 3 - 1024 ** 2 });
    expect(() => diskLayout(0)).toThrow(/outside/);

    // GRUB's boot code replaces the MBR code area only: the partition table survives.
    const before = readFileSync(raw).subarray(MBR_CODE_BYTES, 512);
    const boot = Buffer.alloc(512, 0xaa);
    const core = Buffer.alloc(30_000, 0xbb);
    embedGrub(raw, boot, core);
    const after = readFileSync(raw);
    expect(after.subarray(0, MBR_CODE_BYTES).every((b) => b === 0xaa)).toBe(true);
    expect(Buffer.compare(after.subarray(MBR_CODE_BYTES, 512), before)).toBe(0);
    expect(after.subarray(512, 512 + core.length).every((b) => b === 0xbb)).toBe(true);
    expect(JSON.parse(execFileSync("sfdisk", ["--json", raw], { encoding: "utf8" })).partitiontable.partitions).toHaveLength(1);
    expect(() => embedGrub(raw, boot, Buffer.alloc(2048 * 512))).toThrow(/more than/);
  });
});

describe("OVA descriptor and manifest", () => {
  it("is well-formed OVF 1.0 naming the disk with its size and capacity, with rasd elements in CIM order", () => {
    const ovf = ovfDescriptor({ spec, version: "20261123", name: "debian-12-20261123", diskFile: "debian-12-20261123-disk1.vmdk", diskFileSize: 1234, capacity: 4 * 1024 ** 3 });
    const file = join(scratch, "x.ovf");
    writeFileSync(file, ovf);
    execFileSync("xmllint", ["--noout", file]);
    expect(ovf).toContain('<File ovf:href="debian-12-20261123-disk1.vmdk" ovf:id="file1" ovf:size="1234"/>');
    expect(ovf).toContain('ovf:capacity="4294967296"');
    expect(ovf).toContain('<OperatingSystemSection ovf:id="96">');
    for (const item of ovf.match(/<Item>[\s\S]*?<\/Item>/g)!) {
      const names = [...item.matchAll(/<rasd:(\w+)>/g)].map((m) => m[1]!);
      expect(names).toEqual([...names].sort());
    }
    const evil = ovfDescriptor({ spec: { ...spec, title: 'A <b>&"' }, version: "1", name: "n", diskFile: "d.vmdk", diskFileSize: 1, capacity: 1 });
    writeFileSync(file, evil);
    execFileSync("xmllint", ["--noout", file]);
  });
  it("manifest lines round-trip and garbage is refused", () => {
    const text = ovfManifest([{ file: "a.ovf", sha256: "a".repeat(64) }, { file: "a-disk1.vmdk", sha256: "b".repeat(64) }]);
    expect(text).toBe(`SHA256(a.ovf)= ${"a".repeat(64)}\nSHA256(a-disk1.vmdk)= ${"b".repeat(64)}\n`);
    expect([...parseManifest(text).keys()]).toEqual(["a.ovf", "a-disk1.vmdk"]);
    expect(() => parseManifest("MD5(a)= 00\n")).toThrow(/not understood/);
  });
});

describe("package lists, purls and the SBOM", () => {
  const dpkg = "ii \tlibc6\t2.36-9+deb12u9\tamd64\tglibc\t2.36-9+deb12u9\nrc \told\t1.0\tamd64\t\t\nii \tlibcap2\t1:2.66-4\tamd64\tlibcap2\t1:2.66-4\nii \tadduser\t3.134\tall\t\t\n";
  it("keeps installed packages, sorted, with their source", () => {
    const p = parseDpkgQuery(dpkg);
    expect(p.map((x) => x.name)).toEqual(["adduser", "libc6", "libcap2"]);
    expect(p[1]).toEqual({ name: "libc6", version: "2.36-9+deb12u9", arch: "amd64", source: "glibc" });
    expect(parsePackageManifest(packageManifest(p))).toEqual(p.map(({ name, version, arch }) => ({ name, version, arch })));
    expect(() => parseDpkgQuery("ii \tBad Name\t1\tall\t\t\n")).toThrow(/not understood/);
    const rpm = parseRpmQuery("bash\t5.1.8-9.el9\tx86_64\tbash-5.1.8-9.el9.src.rpm\ngpg-pubkey\t1-1\t(none)\t(none)\nopenssl\t1:3.0.7-27.el9\tx86_64\topenssl-3.0.7-27.el9.src.rpm\n");
    expect(rpm.map((x) => `${x.name} ${x.version}`)).toEqual(["bash 5.1.8-9.el9", "openssl 1:3.0.7-27.el9"]);
  });
  it("purls percent-encode versions (epoch colon kept for deb, epoch qualifier for rpm)", () => {
    const deb = { type: "deb" as const, namespace: "debian", distro: "debian-12" };
    expect(purl({ name: "libc6", version: "2.36-9+deb12u9", arch: "amd64" }, deb)).toBe("pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12");
    expect(purl({ name: "libcap2", version: "1:2.66-4", arch: "amd64" }, deb)).toBe("pkg:deb/debian/libcap2@1:2.66-4?arch=amd64&distro=debian-12");
    expect(purl({ name: "openssl", version: "1:3.0.7-27.el9", arch: "x86_64" }, { type: "rpm", namespace: "almalinux", distro: "almalinux-9" }))
      .toBe("pkg:rpm/almalinux/openssl@3.0.7-27.el9?arch=x86_64&distro=almalinux-9&epoch=1");
  });
  it("the SBOM describes the appliance version and lists every package once", async () => {
    const bom = cycloneDx({ spec, version: "20261123", builtAt: "2026-11-23T09:00:00Z", packages: parseDpkgQuery(dpkg), tools: { vmendorse: "0.1.0" } }) as {
      specVersion: string; metadata: { component: { name: string; version: string; type: string } }; components: { name: string; version: string; purl: string }[];
    };
    expect(bom.specVersion).toBe("1.5");
    expect(bom.metadata.component).toMatchObject({ name: "egi.debian.12", version: "20261123", type: "operating-system" });
    expect(bom.components.map((c) => `${c.name}=${c.version}`)).toEqual(["adduser=3.134", "libc6=2.36-9+deb12u9", "libcap2=1:2.66-4"]);
    const CDX = await import("@cyclonedx/cyclonedx-library");
    expect(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot5).validate(JSON.stringify(bom))).toBeNull();
  });
});

describe("build record", () => {
  const input = {
    appliance: "egi.debian.12", version: "20261123", builtAt: "2026-11-23T09:00:00Z",
    builder: { type: "mmdebstrap" as const, host: "Debian GNU/Linux 12 (bookworm), x86_64", duration_s: 230, tools: { mmdebstrap: "1.3.5" } },
    appliancesUri: "https://appliances.example.org/images/",
    artifacts: [{ format: "qcow2" as const, file: "debian-12-20261123.qcow2", size: 10, virtual_size: 20, sha512: "a".repeat(128), sha256: "b".repeat(64) }],
    packages: { count: 3, manifest: "debian-12-20261123.packages.tsv", sha512: "c".repeat(128) },
    sbom: { file: "debian-12-20261123.cdx.json", sha512: "d".repeat(128), specVersion: "1.5" },
  };
  it("matches schemas/release.schema.json, with URIs under the appliance repository", () => {
    const r = releaseRecord(input);
    expect(validateData("release.schema.json", r, "x.yaml")).toEqual([]);
    expect(r.artifacts[0]!.uri).toBe("https://appliances.example.org/images/egi.debian.12/debian-12-20261123.qcow2");
    expect(r).not.toHaveProperty("source");
    expect(parse(releaseRecordText(r))).toEqual(r);
    expect(releaseRecordText(r)).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/schemas\/release\.schema\.json\n/);
    expect(ciRunUri({ GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "o/r", GITHUB_RUN_ID: "42" })).toBe("https://github.com/o/r/actions/runs/42");
    expect(ciRunUri({ GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "o/r x", GITHUB_RUN_ID: "42" })).toBeUndefined();
  });
  it("--version must be the build date, optionally with .N", () => {
    const now = Date.parse("2026-11-23T10:00:00Z");
    expect(resolveVersion(undefined, now)).toBe("20261123");
    expect(resolveVersion("20261123.2", now)).toBe("20261123.2");
    expect(() => resolveVersion("20261122", now)).toThrow(/must start with the build date 20261123/);
    expect(() => resolveVersion("2026-11-23", now)).toThrow(/not YYYYMMDD/);
  });
});

describe("staging folder", () => {
  it("lives beside the output folder, moves its files in at the end and refuses to overwrite", () => {
    const out = join(scratch, "out");
    const s = createStaging(out);
    expect(s.dir.startsWith(join(scratch, ".out.build-"))).toBe(true);
    writeFileSync(join(s.out, "a.qcow2"), "a");
    expect(existsSync(out)).toBe(false);
    expect(commitStaging(s, out)).toEqual([join(out, "a.qcow2")]);
    expect(removeStaging(s.dir)).toEqual({ ok: true });
    const s2 = createStaging(out);
    writeFileSync(join(s2.out, "a.qcow2"), "b");
    expect(() => commitStaging(s2, out)).toThrow(/refusing to overwrite/);
    expect(readFileSync(join(out, "a.qcow2"), "utf8")).toBe("a");
    removeStaging(s2.dir);
    expect(readdirSync(scratch).filter((n) => n.startsWith(".out.build-"))).toEqual([]);
  });
});

describe("vmendorse build refusals (nothing is written)", () => {
  it("unknown appliance, usage errors, an existing version, packer without KVM/packer", () => {
    const repo = copyRepo();
    const out = join(scratch, "cli-out");
    const unknown = vmendorse(["build", "no.such.image", "--root", repo, "--out", out]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown appliance "no.such.image": no images\/no.such.image\/image.yaml/);
    expect(vmendorse(["build", "--root", repo, "--out", out]).code).toBe(2);
    expect(vmendorse(["build", "egi.debian.12", "--root", repo]).stderr).toMatch(/--out is required/);
    const wrongDay = vmendorse(["build", "egi.debian.12", "--root", repo, "--out", out, "--version", "20200101"]);
    expect(wrongDay.code).toBe(2);
    expect(wrongDay.stderr).toMatch(/must start with the build date/);
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, "");
    writeFileSync(join(repo, "images", "egi.debian.12", "releases", `${today}.yaml`), readFileSync(join(repo, "images", "egi.debian.12", "releases", "20261117.yaml")));
    const again = vmendorse(["build", "egi.debian.12", "--root", repo, "--out", out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`releases/${today}.yaml exists: a version is built once \\(use --version ${today}.1`));
    // packer is not installed here: the build is refused before anything is made.
    const packer = vmendorse(["build", "egi.ubuntu.24.04", "--root", repo, "--out", out]);
    expect(packer.code).toBe(1);
    expect(packer.stderr).toMatch(/missing tools: packer .*runner with packer and KVM/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(scratch).filter((n) => n.startsWith(".cli-out.build-"))).toEqual([]);
  });
});
