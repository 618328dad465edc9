// Each bad image is caught by the right check id, and only by it; the good base passes every check.
// Real root filesystems (mmdebstrap) and the real tools (nft in a private netns, apt, ssh-keygen).
import { beforeAll, describe, expect, it } from "vitest";
import { appendFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { runStaticChecks } from "../../src/scan/static/index.js";
import { loadImageSpec } from "../../src/scan/image-spec.js";
import type { ImageSpec } from "../../src/model/types.js";
import { baseRootfs, GOOD_NFTABLES } from "./base-rootfs.js";
import { inRoot, variant } from "./variants.js";

const PROJECT = join(import.meta.dirname, "..", "..");
const SPEC: ImageSpec = loadImageSpec(PROJECT, "egi.debian.12").spec;
const APT_CACHE = join(PROJECT, ".vmendorse", "cache", "apt-lists");

/**
 * Ids of the failing checks of a rootfs. "updates" (network, ~10 s) runs only when asked; the
 * whole-filesystem credential search (~3 s) can be left out where a variant changes no file content
 * it looks at.
 */
function failing(root: string, opts: { spec?: ImageSpec; updates?: boolean; credentials?: boolean } = {}) {
  const skip = [...(opts.updates ? [] : ["updates"]), ...(opts.credentials === false ? ["credentials"] : [])];
  const r = runStaticChecks({ rootfs: root, spec: opts.spec ?? SPEC, size: { bytes: 300 * 1048576, what: "test image" }, aptCache: APT_CACHE, skip });
  const failed = r.outcomes.filter((o) => o.problems.length > 0);
  return { ids: failed.map((o) => o.id).sort(), problems: failed.flatMap((o) => o.problems.map((p) => `${o.id}: ${p.message}`)), outcomes: r.outcomes };
}

const edit = (root: string, file: string, f: (s: string) => string) => writeFileSync(join(root, file), f(readFileSync(join(root, file), "utf8")));

describe("static checks on a root filesystem", () => {
  // The first run builds the cached base rootfs with mmdebstrap (1-3 minutes); other files wait for it.
  beforeAll(() => void baseRootfs(), 20 * 60_000);

  it("the hardened base passes every static check, including pending updates against the archive", { timeout: 20 * 60_000 }, () => {
    const root = baseRootfs();
    const r = failing(root, { updates: true });
    expect(r.problems).toEqual([]);
    expect(r.outcomes.map((o) => o.id)).toContain("packages.updates");
    expect(r.outcomes.length).toBe(24);
  });

  // The four bad images the checklist must catch.
  it("a baked-in ssh host key fails ssh.host-keys", () => {
    const root = variant("hostkey", (r) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(r, "etc/ssh/ssh_host_ed25519_key")]));
    const f = failing(root);
    expect(f.ids).toEqual(["ssh.host-keys"]);
    expect(f.problems.join("\n")).toContain("/etc/ssh/ssh_host_ed25519_key is baked into the image");
  });

  it("a root password fails accounts.root-locked and accounts.passwords", () => {
    const hash = execFileSync("openssl", ["passwd", "-6", "-salt", "abcdefgh", "hunter2"], { encoding: "utf8" }).trim();
    const root = variant("rootpw", (r) => edit(r, "etc/shadow", (s) => s.replace(/^root:[^:]*:/m, `root:${hash}:`)));
    const f = failing(root);
    expect(f.ids).toEqual(["accounts.passwords", "accounts.root-locked"]);
    expect(f.problems.join("\n")).toContain("root has a 6 password hash");
  });

  it("an extra enabled service fails services.enabled", () => {
    const root = variant("extrasvc", (r) => {
      writeFileSync(join(r, "etc/systemd/system/extra-listener.service"), "[Unit]\nDescription=listens on 8080\n[Service]\nExecStart=/usr/bin/python3 -m http.server 8080\n[Install]\nWantedBy=multi-user.target\n");
      inRoot(r, ["systemctl", "enable", "extra-listener.service"]);
    });
    const f = failing(root);
    expect(f.ids).toEqual(["services.enabled"]);
    expect(f.problems.join("\n")).toContain("extra-listener.service is enabled (/etc/systemd/system/multi-user.target.wants/extra-listener.service)");
    // Declared with a justification in image.yaml, the same service is accepted.
    expect(failing(root, { spec: { ...SPEC, services: [{ name: "extra-listener", justification: "the appliance's web front end" }] } }).ids).toEqual([]);
  });

  it("PasswordAuthentication yes fails ssh.password-authentication", () => {
    const root = variant("pwauth", (r) => edit(r, "etc/ssh/sshd_config.d/50-endorsed.conf", (s) => s.replace("PasswordAuthentication no", "PasswordAuthentication yes")));
    const f = failing(root);
    expect(f.ids).toEqual(["ssh.password-authentication"]);
    expect(f.problems.join("\n")).toContain("PasswordAuthentication yes (/etc/ssh/sshd_config.d/50-endorsed.conf:1)");
  });

  // The rest of the checklist, one bad variant each.
  it.each<[string, string[], (r: string) => void, string]>([
    ["passwords-in-match", ["ssh.password-authentication"], (r) => appendFileSync(join(r, "etc/ssh/sshd_config"), "\nMatch Address 10.0.0.0/8\n  PasswordAuthentication yes\n"), "for Match Address 10.0.0.0/8"],
    ["sshd-default", ["ssh.password-authentication"], (r) => execFileSync("rm", [join(r, "etc/ssh/sshd_config.d/50-endorsed.conf")]), "PasswordAuthentication is not set, and sshd's default is yes"],
    ["root-login", ["ssh.root-login"], (r) => edit(r, "etc/ssh/sshd_config", (s) => "PermitRootLogin yes\n" + s), "PermitRootLogin yes (/etc/ssh/sshd_config:1)"],
    ["authorized-keys", ["ssh.authorized-keys"], (r) => {
      mkdirSync(join(r, "root/.ssh"), { recursive: true });
      writeFileSync(join(r, "root/.ssh/authorized_keys"), "# builder\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDh5YXJ0aWZhY3Q builder@ci\n");
    }, "/root/.ssh/authorized_keys holds 1 key(s)"],
    ["private-key", ["credentials.private-keys"], (r) => {
      mkdirSync(join(r, "home/debian/.ssh"), { recursive: true });
      execFileSync("ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", join(r, "home/debian/.ssh/id_rsa")]);
    }, "/home/debian/.ssh/id_rsa holds a private key"],
    ["x509-proxy", ["credentials.x509"], (r) => {
      const key = execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=proxy", "-days", "1", "-keyout", "-", "-out", "-"], { encoding: "utf8" });
      writeFileSync(join(r, "tmp/x509up_u1000"), key);
      writeFileSync(join(r, "etc/ssl/private/site.pem"), key);
    }, "/etc/ssl/private/site.pem holds an X.509 certificate with its private key"],
    ["credential-file", ["credentials.files"], (r) => writeFileSync(join(r, "root/.netrc"), "machine example.org login u password p\n"), "/root/.netrc (root) stores credentials"],
    ["history", ["files.shell-history"], (r) => writeFileSync(join(r, "root/.bash_history"), "apt-get install foo\n"), "/root/.bash_history (20 bytes) is a history file"],
    ["passwd-hash", ["accounts.passwords", "accounts.shadowed"], (r) => edit(r, "etc/passwd", (s) => s.replace(/^daemon:x:/m, "daemon::")), "daemon has an empty password field in /etc/passwd"],
    ["uid0", ["accounts.uid0"], (r) => {
      appendFileSync(join(r, "etc/passwd"), "toor:x:0:0::/root:/bin/bash\n");
      appendFileSync(join(r, "etc/shadow"), "toor:!:20000::::::\n");
    }, "toor has user id 0"],
    ["fw-accept", ["firewall.ipv4", "firewall.ipv6"], (r) => writeFileSync(join(r, "etc/nftables.conf"), GOOD_NFTABLES.replace("policy drop;\n    ct state", "policy accept;\n    ct state")), "inet filter input has policy accept"],
    ["fw-extra-port", ["firewall.ipv4", "firewall.ipv6"], (r) => writeFileSync(join(r, "etc/nftables.conf"), GOOD_NFTABLES.replace("tcp dport 22 accept", "tcp dport { 22, 8080 } accept\n    udp dport 5000-5010 accept")), "accepts 8080/tcp, which image.yaml does not declare"],
    ["fw-ipv4-only", ["firewall.ipv6"], (r) => writeFileSync(join(r, "etc/nftables.conf"), GOOD_NFTABLES.replace("table inet filter", "table ip filter").replace("meta l4proto { icmp, ipv6-icmp } accept", "ip protocol icmp accept")), "has no IPv6 input filter chain"],
    ["fw-disabled", ["firewall.ipv4", "firewall.ipv6"], (r) => inRoot(r, ["systemctl", "disable", "nftables.service"]), "nftables.service is not enabled"],
    ["datasource", ["cloudinit.datasource"], (r) => writeFileSync(join(r, "etc/cloud/cloud.cfg.d/90_dpkg.cfg"), "datasource_list: [ OpenStack, None ]\n"), "leaves out OpenNebula, ConfigDrive"],
    ["disable-root", ["cloudinit.disable-root"], (r) => writeFileSync(join(r, "etc/cloud/cloud.cfg.d/50-root.cfg"), "disable_root: false\n"), "disable_root: false (/etc/cloud/cloud.cfg.d/50-root.cfg)"],
    ["ssh-pwauth", ["cloudinit.passwords"], (r) => writeFileSync(join(r, "etc/cloud/cloud.cfg.d/50-pw.cfg"), "ssh_pwauth: true\nchpasswd:\n  users:\n    - {name: debian, password: debian}\n"), "ssh_pwauth: true"],
    ["no-growpart", ["cloudinit.growpart"], (r) => writeFileSync(join(r, "etc/cloud/cloud.cfg.d/50-grow.cfg"), "growpart:\n  mode: 'off'\nresize_rootfs: false\n"), "growpart mode is off"],
    ["no-upgrade-module", ["cloudinit.package-upgrade"], (r) => edit(r, "etc/cloud/cloud.cfg", (s) => s.replace(" - package-update-upgrade-install\n", "")), "module package-update-upgrade-install is not in any"],
    ["cloud-init-leftovers", ["cloudinit.clean"], (r) => {
      mkdirSync(join(r, "var/lib/cloud/instances/i-0123"), { recursive: true });
      symlinkSync("/var/lib/cloud/instances/i-0123", join(r, "var/lib/cloud/instance"));
      writeFileSync(join(r, "var/log/cloud-init.log"), "boot\n");
    }, "instance state of i-0123 is left"],
  ])("%s fails %j", (name, ids, mutate, message) => {
    const f = failing(variant(name, mutate), { credentials: ids.some((i) => i.startsWith("credentials.")) || name === "authorized-keys" });
    expect(f.ids).toEqual(ids);
    expect(f.problems.join("\n")).toContain(message);
  });

  it("a package older than the archive's fails packages.updates", { timeout: 10 * 60_000 }, () => {
    const root = variant("outdated", (r) => edit(r, "var/lib/dpkg/status", (s) => s.replace(/(Package: base-files\n(?:[^\n]+\n)*?Version: )[^\n]+/, "$112.0")));
    const r = runStaticChecks({ rootfs: root, spec: SPEC, size: { bytes: 1, what: "x" }, aptCache: APT_CACHE, skip: ["credentials", "ssh", "accounts", "services", "firewall", "cloudinit", "history", "size"] });
    expect(r.outcomes.map((o) => o.id)).toEqual(["packages.updates"]);
    expect(r.outcomes[0]!.problems.map((p) => p.subject)).toEqual(["base-files"]);
    expect(r.outcomes[0]!.problems[0]!.message).toMatch(/^base-files 12\.0 -> 12\.4\+deb12u\d+ \(Debian:12\.\d+\/(old)?stable\)$/);
  });

  it("the size limit of image.yaml fails image.size, the 1.5 GB recommendation image.size-recommended", () => {
    const small = { ...SPEC, scan: { ...SPEC.scan, max_size_mb: 100 } };
    expect(failing(baseRootfs(), { spec: small }).ids).toEqual(["image.size"]);
    const big = { ...SPEC, scan: { ...SPEC.scan, max_size_mb: 4096 } };
    const r = runStaticChecks({ rootfs: baseRootfs(), spec: big, size: { bytes: 2000 * 1048576, what: "big.qcow2" }, skip: ["updates"] });
    expect(r.outcomes.filter((o) => o.problems.length > 0).map((o) => o.id)).toEqual(["image.size-recommended"]);
  });

  it("symlinks in the image resolve inside the image, never to the host's files", () => {
    const root = variant("symlink-escape", (r) => {
      execFileSync("rm", [join(r, "etc/shadow")]);
      // Absolute and ../-climbing links: both must stay inside the image root.
      symlinkSync("/../../../../../../etc/shadow.real", join(r, "etc/shadow"));
      writeFileSync(join(r, "etc/shadow.real"), readFileSync(join(baseRootfs(), "etc/shadow"), "utf8").replace(/^root:[^:]*:/m, "root::"));
    });
    const f = failing(root);
    expect(f.ids).toEqual(["accounts.passwords", "accounts.root-locked"]);
    expect(f.problems.join("\n")).toContain("root has an empty password (login without password)");
  });
});
