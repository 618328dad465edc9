// Pure parsers and analysers of the checklist, on small inputs written here.
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { effective, inMatch, readSshdConfig } from "../../src/scan/static/sshd-config.js";
import { analyzeIptables, analyzeNft, judge } from "../../src/scan/static/firewall-model.js";
import { parseSimulation } from "../../src/scan/static/updates.js";
import { isLocked, parsePasswd } from "../../src/scan/static/accounts.js";
import { RootFs } from "../../src/scan/rootfs.js";

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "vmendorse-tree-"));
  tmp.push(root);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(root, p, ".."), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

describe("sshd configuration", () => {
  const src = (files: Record<string, string>) => ({
    read: (p: string) => files[p],
    glob: (pat: string) => Object.keys(files).filter((f) => new RegExp("^" + pat.replace(/\./g, "\\.").replace(/\*/g, "[^/]*") + "$").test(f)).sort(),
  });

  it("the first value wins, Include files count where they are included, keywords ignore case", () => {
    const { directives } = readSshdConfig(
      src({
        "/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\npasswordauthentication yes\n",
        "/etc/ssh/sshd_config.d/10-a.conf": "PasswordAuthentication=no\n",
        "/etc/ssh/sshd_config.d/20-b.conf": "PasswordAuthentication yes\n",
      }),
    );
    expect(effective(directives, "passwordauthentication")).toMatchObject({ value: "no", file: "/etc/ssh/sshd_config.d/10-a.conf", line: 1 });
  });

  it("lines after Match are conditional until the next Match or the end of their file", () => {
    const { directives } = readSshdConfig(src({ "/etc/ssh/sshd_config": "Include extra.conf\nPermitRootLogin no\nMatch User backup\n  PermitRootLogin yes\nMatch all\nX11Forwarding no\n", "/etc/ssh/extra.conf": "Match Group admins\nPasswordAuthentication yes\n" }));
    expect(effective(directives, "permitrootlogin")?.value).toBe("no");
    expect(inMatch(directives, "permitrootlogin").map((d) => d.match)).toEqual(["User backup"]);
    expect(inMatch(directives, "passwordauthentication").map((d) => d.match)).toEqual(["Group admins"]);
    expect(effective(directives, "x11forwarding")?.value).toBe("no");
  });
});

describe("firewall analysis", () => {
  const rule = (chain: string, ...expr: object[]) => ({ rule: { family: "inet", table: "t", chain, expr } });
  const chain = (name: string, extra: object = {}) => ({ chain: { family: "inet", table: "t", name, ...extra } });
  const dport = (proto: string, right: unknown) => ({ match: { op: "==", left: { payload: { protocol: proto, field: "dport" } }, right } });

  it("nft: drop policy with established, lo, icmp and declared ports is restricted", () => {
    const doc = {
      nftables: [
        chain("input", { type: "filter", hook: "input", policy: "drop" }),
        chain("services"),
        { set: { family: "inet", table: "t", name: "web", elem: [80, { range: [8000, 8002] }] } },
        rule("input", { match: { op: "in", left: { ct: { key: "state" } }, right: ["established", "related"] } }, { accept: null }),
        rule("input", { match: { op: "==", left: { meta: { key: "iifname" } }, right: "lo" } }, { accept: null }),
        rule("input", { match: { op: "==", left: { meta: { key: "l4proto" } }, right: { set: ["icmp", "ipv6-icmp"] } } }, { accept: null }),
        rule("input", { jump: { target: "services" } }),
        rule("services", dport("tcp", { set: [22, "https"] }), { counter: null }, { accept: null }),
        rule("services", dport("tcp", "@web"), { accept: null }),
      ],
    };
    const v = analyzeNft(doc);
    expect(v.ipv4).toEqual(v.ipv6);
    expect(v.ipv4!.restricted).toBe(true);
    expect(v.ipv4!.ports.map((p) => `${p.from}-${p.to}/${p.protocol}`)).toEqual(["22-22/tcp", "443-443/tcp", "80-80/tcp", "8000-8002/tcp"]);
    const problems = judge(v.ipv4, [{ port: 22, protocol: "tcp" }, { port: 443, protocol: "tcp" }, { port: 80, protocol: "tcp" }], "ipv4", "nft");
    expect(problems.map((p) => p.subject)).toEqual(["8000-8002/tcp"]);
  });

  it("nft: an accept by source address, a final accept, or no input chain is open", () => {
    const saddr = analyzeNft({ nftables: [chain("input", { type: "filter", hook: "input", policy: "drop" }), rule("input", { match: { op: "==", left: { payload: { protocol: "ip", field: "saddr" } }, right: { prefix: { addr: "10.0.0.0", len: 8 } } } }, { accept: null })] });
    expect(saddr.ipv4!.restricted).toBe(false);
    expect(saddr.ipv4!.openings[0]).toContain("accept rule not limited to ports (ip saddr ==");
    const final = analyzeNft({ nftables: [chain("input", { type: "filter", hook: "input", policy: "drop" }), rule("input", { accept: null })] });
    expect(final.ipv6!.openings).toEqual(["inet t input ends with an unconditional accept"]);
    const ip6only = analyzeNft({ nftables: [{ chain: { family: "ip6", table: "f", name: "in", type: "filter", hook: "input", policy: "drop" } }] });
    expect(ip6only.ipv4).toBeUndefined();
    expect(judge(ip6only.ipv4, [], "ipv4", "nft")[0]!.message).toBe("nft has no IPv4 input filter chain: all IPv4 ports are reachable");
    // A final unconditional drop is as good as a drop policy.
    const dropRule = analyzeNft({ nftables: [chain("input", { type: "filter", hook: "input", policy: "accept" }), rule("input", dport("tcp", 22), { accept: null }), rule("input", { drop: null })] });
    expect(dropRule.ipv4!.restricted).toBe(true);
  });

  it("iptables-save: policy, multiport, state and loopback rules", () => {
    const text = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -p icmp -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -p udp -m multiport --dports 60000:61000 -j ACCEPT\nCOMMIT\n";
    const v = analyzeIptables(text)!;
    expect(v.restricted).toBe(true);
    expect(judge(v, [{ port: 22, protocol: "tcp" }], "ipv4", "rules.v4").map((p) => p.subject)).toEqual(["60000-61000/udp"]);
    expect(analyzeIptables("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n")!.openings).toEqual(["INPUT has policy ACCEPT"]);
    expect(analyzeIptables("*nat\n:PREROUTING ACCEPT\nCOMMIT\n")).toBeUndefined();
  });
});

describe("apt simulation output", () => {
  it("reads upgrades with their origin and marks the security ones", () => {
    const out = "Reading package lists...\nInst libc6 [2.36-9+deb12u9] (2.36-9+deb12u10 Debian-Security:12/stable-security [amd64]) []\nInst tzdata [2024a-0+deb12u1] (2025b-0+deb12u1 Debian:12.11/stable [all])\nInst newdep (1.0 Debian:12.11/stable [amd64])\nConf libc6 (2.36-9+deb12u10 Debian-Security:12/stable-security [amd64])\n";
    expect(parseSimulation(out)).toEqual([
      { name: "libc6", installed: "2.36-9+deb12u9", candidate: "2.36-9+deb12u10", origin: "Debian-Security:12/stable-security", security: true },
      { name: "tzdata", installed: "2024a-0+deb12u1", candidate: "2025b-0+deb12u1", origin: "Debian:12.11/stable", security: false },
    ]);
  });
});

describe("accounts", () => {
  it("locked and disabled password fields", () => {
    expect(["!", "!*", "*", "!$6$x$y"].every(isLocked)).toBe(true);
    expect(["", "$6$salt$hash", "x"].some(isLocked)).toBe(false);
    expect(parsePasswd("root:x:0:0:root:/root:/bin/bash\n+nis\n# comment\n")).toEqual([{ name: "root", password: "x", uid: 0, home: "/root", shell: "/bin/bash" }]);
  });
});

describe("RootFs", () => {
  it("resolves absolute and climbing symlinks inside the image root", () => {
    const root = tree({ "etc/real": "inside", "etc/sub/file": "deep" });
    symlinkSync("/etc/real", join(root, "etc/abs"));
    symlinkSync("../../../../../../etc/real", join(root, "etc/climb"));
    symlinkSync("/etc/hostname-not-in-image", join(root, "etc/host"));
    symlinkSync("loop2", join(root, "etc/loop1"));
    symlinkSync("loop1", join(root, "etc/loop2"));
    symlinkSync("sub", join(root, "etc/dirlink"));
    const fs = new RootFs(root);
    expect(fs.readText("/etc/abs")).toBe("inside");
    expect(fs.readText("/etc/climb")).toBe("inside");
    expect(fs.readText("/etc/host")).toBeUndefined();
    expect(fs.readText("/etc/loop1")).toBeUndefined();
    expect(fs.readText("/etc/dirlink/file")).toBe("deep");
    expect(fs.glob("/etc/*l")).toEqual(["/etc/real"]);
  });
});

describe("OpenSCAP", () => {
  it("runs only where SCAP content exists for the image's OS; counts rule results", async () => {
    const { scapContent, countResults } = await import("../../src/scan/oscap.js");
    const spec = { os: { family: "linux", distribution: "debian", version: "12", arch: "x86_64", admin_user: "debian" } } as Parameters<typeof scapContent>[0];
    const dir = tree({ "ssg-debian11-ds.xml": "<x/>" });
    expect(scapContent(spec, dir)).toEqual({ skipped: `no SCAP Security Guide content for debian 12 (ssg-debian12-ds.xml not in ${dir})` });
    expect(scapContent({ ...spec, os: { ...spec.os, version: "11" } }, dir)).toEqual({ file: join(dir, "ssg-debian11-ds.xml") });
    const xml = '<rule-result idref="r1" time="t"><result>pass</result></rule-result><rule-result idref="r2"><result>fail</result></rule-result><rule-result idref="r3"><result>notapplicable</result></rule-result>';
    expect(countResults(xml)).toEqual({ pass: 1, fail: 1, failed_rules: ["r2"] });
  });
});
