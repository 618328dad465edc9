// A network namespace made for one scan: it holds only loopback and the tap device of the VM, with
// documentation addresses (192.0.2.0/24, 2001:db8::/64) and no route anywhere else, so the VM and
// the scanners reach each other and nothing more. Removed in `destroy` and when the process exits.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";

export interface ScanNetns {
  name: string;
  tap: string;
  hostIp4: string;
  guestIp4: string;
  hostIp6: string;
  guestIp6: string;
  guestMac: string;
  destroy(): void;
}

function ip(args: string[]): void {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip ${args.join(" ")}: ${(r.error?.message ?? r.stderr).trim()}`);
}

export function createScanNetns(): ScanNetns {
  const name = `vmendorse-scan-${randomBytes(4).toString("hex")}`;
  const tap = "tap0";
  const ns = { name, tap, hostIp4: "192.0.2.1", guestIp4: "192.0.2.2", hostIp6: "2001:db8::1", guestIp6: "2001:db8::2", guestMac: "52:54:00:5c:a9:02" };
  ip(["netns", "add", name]);
  let removed = false;
  const destroy = () => {
    if (removed) return;
    removed = true;
    process.removeListener("exit", destroy);
    spawnSync("ip", ["netns", "del", name]);
  };
  process.on("exit", destroy);
  try {
    const inNs = (...a: string[]) => ip(["netns", "exec", name, "ip", ...a]);
    inNs("link", "set", "lo", "up");
    inNs("tuntap", "add", "dev", tap, "mode", "tap");
    inNs("addr", "add", `${ns.hostIp4}/24`, "dev", tap);
    // nodad: the address is usable at once (nothing else on this link could hold it).
    inNs("-6", "addr", "add", `${ns.hostIp6}/64`, "dev", tap, "nodad");
    inNs("link", "set", tap, "up");
  } catch (e) {
    destroy();
    throw e;
  }
  return { ...ns, destroy };
}

/** cloud-init network-config (v2) giving the guest its static addresses on the NIC with our MAC. */
export function guestNetworkConfig(ns: Pick<ScanNetns, "guestIp4" | "guestIp6" | "guestMac">): string {
  return [
    "version: 2",
    "ethernets:",
    "  scan0:",
    "    match:",
    `      macaddress: "${ns.guestMac}"`,
    "    dhcp4: false",
    "    dhcp6: false",
    "    addresses:",
    `      - ${ns.guestIp4}/24`,
    `      - "${ns.guestIp6}/64"`,
    "",
  ].join("\n");
}
