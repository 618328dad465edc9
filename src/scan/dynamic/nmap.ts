// nmap from outside the VM (inside the scan's network namespace): every TCP port, and the common UDP
// ports (nmap's own frequency table) plus the declared ones. Output is nmap's XML, read here.
import { readFileSync } from "node:fs";
import type { NmapPort } from "../types.js";

/** Ports of `<port>` elements with their state and service name. */
export function parseNmapXml(xml: string): NmapPort[] {
  const out: NmapPort[] = [];
  for (const m of xml.matchAll(/<port protocol="(tcp|udp)" portid="(\d+)">([\s\S]*?)<\/port>/g)) {
    const state = /<state state="([^"]+)"/.exec(m[3]!)?.[1] ?? "unknown";
    const service = /<service name="([^"]+)"/.exec(m[3]!)?.[1];
    out.push({ port: Number(m[2]), protocol: m[1] as "tcp" | "udp", state, ...(service ? { service } : {}) });
  }
  return out;
}

/** Ports nmap summarises instead of listing them (`<extraports state="closed" count="65534">`). */
export function parseExtraPorts(xml: string): { state: string; count: number }[] {
  return [...xml.matchAll(/<extraports state="([^"]+)" count="(\d+)"/g)].map((m) => ({ state: m[1]!, count: Number(m[2]) }));
}

/** True when nmap finished the scan (the XML ends with runstats). */
export const nmapFinished = (xml: string) => /<finished [^>]*exit="success"/.test(xml);

/** The `count` most frequently open UDP ports according to nmap's services table. */
export function topUdpPorts(count: number, servicesFile = "/usr/share/nmap/nmap-services"): number[] {
  const rows: [number, number][] = [];
  for (const line of readFileSync(servicesFile, "utf8").split("\n")) {
    const m = /^\S+\s+(\d+)\/udp\s+([\d.]+)/.exec(line);
    if (m) rows.push([Number(m[1]), Number(m[2])]);
  }
  rows.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return [...new Set(rows.map((r) => r[0]))].slice(0, count);
}

/** Compact "1-3,5,7-9" form of a port list. */
export function portRanges(ports: number[]): string {
  const s = [...new Set(ports)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    out.push(i === j ? String(s[i]) : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return out.join(",");
}
