// Sockets listening inside the running VM (`ss -H -tuln`), without the loopback-only ones.

export interface Listener {
  protocol: "tcp" | "udp";
  address: string;
  port: number;
}

/** DHCP clients bind these to receive their leases; they are not services. */
export const CLIENT_PORTS = new Set(["udp/68", "udp/546"]);

export function parseSs(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split("\n")) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const proto = cols[0];
    if (proto !== "tcp" && proto !== "udp") continue;
    const local = cols[4]!;
    const i = local.lastIndexOf(":");
    const port = Number(local.slice(i + 1));
    if (!Number.isInteger(port)) continue;
    out.push({ protocol: proto, address: local.slice(0, i).replace(/^\[|\]$/g, "").replace(/\]?%.*$/, (m) => m), port });
  }
  return out;
}

/** Reachable from the network: not bound to a loopback address or the loopback interface. */
export function isExternal(l: Listener): boolean {
  const a = l.address.replace(/^\[/, "").replace(/\]$/, "");
  if (/%lo$/.test(a)) return false;
  return !(/^127\./.test(a) || a === "::1" || a === "[::1]" || /^::ffff:127\./.test(a));
}
