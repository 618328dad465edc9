// Versions of the host tools a scan used (recorded in the report: the policy asks for patched tools).
import { spawnSync } from "node:child_process";

const PROBES: Record<string, { cmd: string; args: string[]; pattern: RegExp }> = {
  apt: { cmd: "apt-get", args: ["--version"], pattern: /apt (\S+)/ },
  nft: { cmd: "nft", args: ["--version"], pattern: /nftables v(\S+)/ },
  "qemu-img": { cmd: "qemu-img", args: ["--version"], pattern: /version (\S+)/ },
  "qemu-system-x86_64": { cmd: "qemu-system-x86_64", args: ["--version"], pattern: /version (\S+)/ },
  nmap: { cmd: "nmap", args: ["--version"], pattern: /Nmap version (\S+)/ },
  lynis: { cmd: "lynis", args: ["--version"], pattern: /^(\S+)/ },
  oscap: { cmd: "oscap", args: ["--version"], pattern: /oscap\)? (\d\S*)/ },
};

export function toolVersions(names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const p = PROBES[n];
    if (!p) continue;
    const r = spawnSync(p.cmd, p.args, { encoding: "utf8", timeout: 10_000 });
    const m = p.pattern.exec(`${r.stdout ?? ""}${r.stderr ?? ""}`);
    out[n] = r.status === 0 && m ? m[1]! : "missing";
  }
  return out;
}
