// The qemu boot helpers with the real tools: seed ISO (genisoimage), keys (ssh-keygen), qemu start/kill.
// The full boot of a built image with ssh is in test/e2e/debian-image.test.ts.
import { afterAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { parse } from "yaml";
import { chooseAccel, cloudConfigUserData, freeLocalPort, makeKeyPair, makeSeedIso, nocloudMetaData, qemuArgs, runTool, startQemu, waitForSsh, runOk, ToolError } from "../../src/vm/index.js";

const dir = mkdtempSync(join(tmpdir(), "vmendorse-vmtest-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("qemu command line", () => {
  const base = { disk: "/d.qcow2", diskFormat: "qcow2" as const, serialLog: "/s.log", qmpSocket: "/q.sock" };
  it("forwards ssh on 127.0.0.1 only, isolates the guest by default, KVM uses the host CPU", () => {
    const a = qemuArgs({ ...base, accel: "kvm", network: { kind: "user", forwards: [{ protocol: "tcp", hostPort: 2222, guestPort: 22 }] } });
    const netdev = a[a.indexOf("-netdev") + 1];
    expect(netdev).toBe("user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:2222-:22");
    expect(a.slice(a.indexOf("-accel"), a.indexOf("-accel") + 4)).toEqual(["-accel", "kvm", "-cpu", "host,-arch-capabilities"]);
    expect(a).toContain("-no-reboot");
  });
  it("TCG uses the emulated max CPU; a seed ISO is a read-only CD-ROM; tap networks name their device", () => {
    const a = qemuArgs({ ...base, accel: "tcg", seedIso: "/seed.iso", network: { kind: "tap", ifname: "tap0", mac: "52:54:00:12:34:56" } });
    expect(a[a.indexOf("-cpu") + 1]).toBe("max");
    expect(a).toContain("file=/seed.iso,format=raw,if=ide,media=cdrom,readonly=on");
    expect(a).toContain("tap,id=n0,ifname=tap0,script=no,downscript=no");
    expect(a).toContain("virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56");
  });
});

describe("NoCloud seed", () => {
  it("user-data authorises the key and disables the first-boot upgrade unless asked", async () => {
    const key = await makeKeyPair(dir);
    expect(key.publicKey).toMatch(/^ssh-ed25519 /);
    expect((execFileSync("stat", ["-c", "%a", key.privateKey], { encoding: "utf8" })).trim()).toBe("600");
    const ud = cloudConfigUserData({ sshPublicKeys: [key.publicKey] });
    expect(ud.startsWith("#cloud-config\n")).toBe(true);
    expect(parse(ud)).toEqual({ ssh_authorized_keys: [key.publicKey], package_update: false, package_upgrade: false });
    expect(parse(cloudConfigUserData({ sshPublicKeys: [key.publicKey], packageUpgrade: true, extra: { hostname: "x" } }))).toMatchObject({ package_upgrade: true, hostname: "x" });
  });
  it("refuses a non-key and unsafe meta-data", () => {
    expect(() => cloudConfigUserData({ sshPublicKeys: ["not a key\nruncmd: [reboot]"] })).toThrow(/not an OpenSSH public key/);
    expect(() => nocloudMetaData("i-1\nx: y", "host")).toThrow(/invalid/);
  });
  it("the ISO has volume id cidata and holds user-data and meta-data", async () => {
    const iso = await makeSeedIso(join(dir, "iso"), { userData: "#cloud-config\n{}\n", metaData: nocloudMetaData("i-abc", "vm1") });
    const info = execFileSync("isoinfo", ["-d", "-i", iso], { encoding: "utf8" });
    expect(info).toMatch(/^Volume id: cidata$/m);
    const files = execFileSync("isoinfo", ["-f", "-R", "-i", iso], { encoding: "utf8" }).split("\n");
    expect(files).toEqual(expect.arrayContaining(["/user-data", "/meta-data"]));
    const meta = execFileSync("isoinfo", ["-R", "-x", "/meta-data", "-i", iso], { encoding: "utf8" });
    expect(parse(meta)).toEqual({ "instance-id": "i-abc", "local-hostname": "vm1" });
  });
});

describe("processes", () => {
  it("runTool reports lines, exit codes and kills on timeout", async () => {
    const lines: string[] = [];
    const r = await runTool("sh", ["-c", "echo one; echo two >&2; exit 3"], { onLine: (l) => lines.push(l) });
    expect(r.code).toBe(3);
    expect(lines.sort()).toEqual(["one", "two"]);
    const t = await runTool("sleep", ["30"], { timeoutMs: 300 });
    expect(t.timedOut).toBe(true);
    expect(t.durationMs).toBeLessThan(5_000);
    await expect(runOk("sh", ["-c", "echo broken >&2; exit 1"])).rejects.toThrow(ToolError);
    await expect(runOk("no-such-tool-xyz", [])).rejects.toThrow(/cannot run it/);
  });
  it("VMENDORSE_ACCEL overrides the KVM measurement", async () => {
    expect(await chooseAccel({ VMENDORSE_ACCEL: "tcg" })).toEqual({ accel: "tcg", reason: "VMENDORSE_ACCEL=tcg" });
    expect((await chooseAccel({ VMENDORSE_ACCEL: "kvm" })).accel).toBe("kvm");
  });
  it("freeLocalPort gives distinct usable ports", async () => {
    const a = await freeLocalPort();
    expect(a).toBeGreaterThan(1023);
  });
});

describe("qemu lifecycle", () => {
  it("a VM that never powers off is killed after the grace period; waiting for ssh stops when qemu is gone", async () => {
    // An empty disk: the BIOS finds nothing to boot and the VM idles, ignoring the ACPI power button.
    const disk = join(dir, "empty.raw");
    writeFileSync(disk, Buffer.alloc(1024 * 1024));
    const port = await freeLocalPort();
    const vm = startQemu({
      disk, diskFormat: "raw", accel: "tcg", memoryMb: 64, cpus: 1,
      network: { kind: "user", forwards: [{ protocol: "tcp", hostPort: port, guestPort: 22 }] },
      serialLog: join(dir, "console.log"), qmpSocket: join(dir, "qmp.sock"),
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(vm.exitReason()).toBeUndefined();
    expect(existsSync(join(dir, "qmp.sock"))).toBe(true);
    const t0 = Date.now();
    await vm.stop(2_000);
    expect(vm.exitReason()).toMatch(/qemu exited \(SIGKILL\)/);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const key = join(dir, "id_ed25519");
    await expect(waitForSsh({ host: "127.0.0.1", port, user: "x", identity: key }, { timeoutMs: 60_000, abortReason: () => vm.exitReason() }))
      .rejects.toThrow(/never answered: qemu exited/);
  });
});
