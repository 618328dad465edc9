// Firewall: find the firewall the image loads at boot (nftables, iptables-persistent, ufw, firewalld)
// and judge what it lets in, for IPv4 and IPv6, against the ports declared in image.yaml.
// nftables rules are parsed by nft itself, loaded into a throw-away network namespace (unshare -n)
// so the host's firewall is never touched; the other formats are read as text.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import type { Port } from "../../model/types.js";
import type { RootFs } from "../rootfs.js";
import type { Outcome } from "../types.js";
import { analyzeIptables, analyzeNft, judge, rangeText, type Family, type FirewallView } from "./firewall-model.js";
import { enabledUnits } from "./services.js";

interface Views {
  source: string;
  ipv4: FirewallView | undefined;
  ipv6: FirewallView | undefined;
  error?: string;
}

export function checkFirewall(fs: RootFs, ports: Port[]): Outcome[] {
  const enabled = new Set(enabledUnits(fs).map((u) => u.unit));
  const found = findFirewall(fs, enabled);
  const declared = ports.map((p) => ({ port: p.port, protocol: p.protocol }));
  return (["ipv4", "ipv6"] as Family[]).map((fam) => {
    const id = `firewall.${fam}`;
    if ("missing" in found) return { id, problems: [{ subject: "firewall", message: found.missing }], evidence: [] };
    if (found.error) return { id, problems: [{ subject: found.source, message: found.error }], evidence: [] };
    const view = found[fam];
    const problems = judge(view, declared, fam, found.source);
    const evidence = view ? [`${found.source}: input chains ${view.chains.join(", ")}; ${view.restricted ? "drops by default" : "does not drop by default"}; accepts ${view.ports.map(rangeText).join(", ") || "no port"}`] : [];
    return { id, problems, evidence };
  });
}

function findFirewall(fs: RootFs, enabled: Set<string>): Views | { missing: string } {
  if (enabled.has("nftables.service") && fs.isFile("/etc/nftables.conf")) return nftables(fs);
  if ((enabled.has("netfilter-persistent.service") || enabled.has("iptables.service")) && (fs.isFile("/etc/iptables/rules.v4") || fs.isFile("/etc/sysconfig/iptables"))) {
    const v4 = fs.readText("/etc/iptables/rules.v4") ?? fs.readText("/etc/sysconfig/iptables") ?? "";
    const v6 = fs.readText("/etc/iptables/rules.v6") ?? fs.readText("/etc/sysconfig/ip6tables") ?? "";
    return { source: "iptables rules", ipv4: analyzeIptables(v4), ipv6: analyzeIptables(v6) };
  }
  if (enabled.has("ufw.service") && /^\s*ENABLED\s*=\s*yes/m.test(fs.readText("/etc/ufw/ufw.conf") ?? "")) return ufw(fs);
  if (enabled.has("firewalld.service")) return firewalld(fs);
  const hint = fs.isFile("/etc/nftables.conf") ? " (/etc/nftables.conf exists but nftables.service is not enabled)" : "";
  return { missing: `no firewall is loaded at boot: none of nftables, iptables-persistent, ufw or firewalld is enabled${hint}` };
}

/** /etc/nftables.conf with its include directives inlined from the image (nft would read the host's). */
export function inlineIncludes(fs: RootFs, file: string, depth = 0): string {
  const text = fs.readText(file, 1024 * 1024) ?? "";
  if (depth > 8) return text;
  return text.replace(/^\s*include\s+"([^"]+)"\s*;?\s*$/gm, (_m, target: string) => {
    const abs = target.startsWith("/") ? target : posix.join("/etc", target);
    const files = /[*?]/.test(abs) ? fs.glob(abs) : [abs];
    return files.map((f) => `# included from ${f}\n${inlineIncludes(fs, f, depth + 1)}`).join("\n");
  });
}

function nftables(fs: RootFs): Views {
  const source = "/etc/nftables.conf (nftables.service)";
  const dir = mkdtempSync(join(tmpdir(), "vmendorse-nft-"));
  try {
    const text = inlineIncludes(fs, "/etc/nftables.conf");
    const load = (t: string) => {
      writeFileSync(join(dir, "ruleset.nft"), t);
      // A fresh, empty network namespace: loading the image's rules cannot affect the host.
      return spawnSync("unshare", ["--net", "--", "sh", "-ec", 'ip link set lo up; nft -f "$1"; nft -j list ruleset', "sh", join(dir, "ruleset.nft")], { encoding: "utf8", timeout: 30_000 });
    };
    let r = load(text);
    // iif/oif name interfaces that do not exist in the empty namespace; by name they load anywhere.
    if (r.status !== 0 && /interface does not exist|Could not process rule/i.test(r.stderr)) r = load(text.replace(/\biif\b/g, "iifname").replace(/\boif\b/g, "oifname"));
    if (r.error || r.status !== 0) {
      return { source, ipv4: undefined, ipv6: undefined, error: `cannot load /etc/nftables.conf with nft: ${(r.error?.message ?? r.stderr).trim().split("\n").slice(0, 3).join(" ")}` };
    }
    const views = analyzeNft(JSON.parse(r.stdout));
    return { source, ...views };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ufw(fs: RootFs): Views {
  const defaults = fs.readText("/etc/default/ufw") ?? "";
  const policy = /^\s*DEFAULT_INPUT_POLICY\s*=\s*"?(\w+)"?/m.exec(defaults)?.[1] ?? "DROP";
  const ipv6 = !/^\s*IPV6\s*=\s*no/m.test(defaults);
  const view = (rulesFile: string): FirewallView => {
    const user = analyzeIptables(`*filter\n:ufw-user-input - [0:0]\n${fs.readText(rulesFile) ?? ""}`.replace(/^\*filter\n(?=[\s\S]*\*filter)/, ""), "ufw-user-input");
    const restricted = policy === "DROP" || policy === "REJECT";
    return { restricted: restricted && (user?.openings.length ?? 0) === 0, openings: [...(restricted ? [] : [`DEFAULT_INPUT_POLICY ${policy}`]), ...(user?.openings ?? [])], ports: user?.ports ?? [], chains: ["ufw-user-input"] };
  };
  return { source: "ufw", ipv4: view("/etc/ufw/user.rules"), ipv6: ipv6 ? view("/etc/ufw/user6.rules") : undefined };
}

function firewalld(fs: RootFs): Views {
  const conf = fs.readText("/etc/firewalld/firewalld.conf") ?? "";
  const zone = /^\s*DefaultZone\s*=\s*(\S+)/m.exec(conf)?.[1] ?? "public";
  const xml = fs.readText(`/etc/firewalld/zones/${zone}.xml`) ?? fs.readText(`/usr/lib/firewalld/zones/${zone}.xml`);
  const source = `firewalld zone ${zone}`;
  if (xml === undefined) return { source, ipv4: undefined, ipv6: undefined, error: `firewalld default zone ${zone} has no zone file` };
  const openings: string[] = [];
  const target = /<zone[^>]*\btarget="([^"]+)"/.exec(xml)?.[1] ?? "default";
  if (/^ACCEPT$/i.test(target)) openings.push(`zone ${zone} has target ACCEPT`);
  const ports = [...xml.matchAll(/<port\s+[^>]*port="([^"]+)"[^>]*protocol="(tcp|udp)"/g), ...xml.matchAll(/<port\s+[^>]*protocol="(tcp|udp)"[^>]*port="([^"]+)"/g)].map((m) =>
    m[2] === "tcp" || m[2] === "udp" ? { port: m[1]!, protocol: m[2] } : { port: m[2]!, protocol: m[1]! as "tcp" | "udp" },
  );
  for (const s of xml.matchAll(/<service\s+name="([^"]+)"/g)) {
    const svc = fs.readText(`/etc/firewalld/services/${s[1]}.xml`) ?? fs.readText(`/usr/lib/firewalld/services/${s[1]}.xml`) ?? "";
    for (const p of svc.matchAll(/<port\s+[^>]*protocol="(tcp|udp)"[^>]*port="([^"]+)"|<port\s+[^>]*port="([^"]+)"[^>]*protocol="(tcp|udp)"/g)) {
      ports.push(p[1] ? { port: p[2]!, protocol: p[1] as "tcp" | "udp" } : { port: p[3]!, protocol: p[4] as "tcp" | "udp" });
    }
  }
  if (/<rule\b/.test(xml)) openings.push(`zone ${zone} has rich rules, which are not analysed`);
  const ranges = ports.map((p) => {
    const [a, b] = p.port.split("-").map(Number);
    return { protocol: p.protocol as "tcp" | "udp", from: a ?? 1, to: b ?? a ?? 65535 };
  });
  const view: FirewallView = { restricted: openings.length === 0, openings, ports: ranges, chains: [`zone ${zone}`] };
  return { source, ipv4: view, ipv6: view };
}
