// Parts of the dynamic phase that need no VM: the scan's network namespace, nmap run inside it
// against real listeners, and the parsers of ss and lynis output.
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { createScanNetns, guestNetworkConfig } from "../../src/scan/dynamic/netns.js";
import { nmapInNetns } from "../../src/scan/dynamic/index.js";
import { parseExtraPorts, parseNmapXml, portRanges, topUdpPorts } from "../../src/scan/dynamic/nmap.js";
import { isExternal, parseSs } from "../../src/scan/dynamic/listening.js";
import { parseLynisReport } from "../../src/scan/dynamic/lynis.js";
import { parse } from "yaml";

describe("scan network namespace", () => {
  it("holds loopback and a tap with documentation addresses, no route elsewhere, and is removed", () => {
    const ns = createScanNetns();
    try {
      const addrs = spawnSync("ip", ["netns", "exec", ns.name, "ip", "-o", "addr"], { encoding: "utf8" }).stdout;
      expect(addrs).toContain("inet 192.0.2.1/24");
      expect(addrs).toContain("inet6 2001:db8::1/64");
      const routes = spawnSync("ip", ["netns", "exec", ns.name, "ip", "route", "get", "9.9.9.9"], { encoding: "utf8" });
      expect(routes.status).not.toBe(0);
      expect(routes.stderr).toMatch(/unreachable/i);
    } finally {
      ns.destroy();
    }
    expect(spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout).not.toContain(ns.name);
  });

  it("nmap inside the namespace finds a TCP and a UDP listener and nothing else", async () => {
    const ns = createScanNetns();
    // Listeners on the namespace's own address, made with node (present wherever the tests run).
    const script = "const n=require('net'),d=require('dgram');n.createServer().listen(8443,'192.0.2.1');d.createSocket('udp4').on('message',(m,r)=>{}).bind(5353,'192.0.2.1');setTimeout(()=>process.exit(0),60000)";
    const child = spawn("ip", ["netns", "exec", ns.name, process.execPath, "-e", script], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 500));
      const tcp = await nmapInNetns(ns.name, ["-sS", "-p", "1-65535", "-T4", "--min-rate", "2000", "192.0.2.1"], 120_000);
      expect(tcp.filter((p) => p.state === "open")).toEqual([{ port: 8443, protocol: "tcp", state: "open", service: "https-alt" }]);
      const udp = await nmapInNetns(ns.name, ["-sU", "-p", "53,5353,9999", "192.0.2.1"], 120_000);
      expect(udp.find((p) => p.port === 5353)?.state).toMatch(/^open/);
      expect(udp.find((p) => p.port === 9999)?.state).toBe("closed");
    } finally {
      child.kill("SIGKILL");
      ns.destroy();
    }
  });

  it("the guest's network-config is cloud-init v2 with static addresses for our MAC", () => {
    expect(parse(guestNetworkConfig({ guestIp4: "192.0.2.2", guestIp6: "2001:db8::2", guestMac: "52:54:00:5c:a9:02" }))).toEqual({
      version: 2,
      ethernets: { scan0: { match: { macaddress: "52:54:00:5c:a9:02" }, dhcp4: false, dhcp6: false, addresses: ["192.0.2.2/24", "2001:db8::2/64"] } },
    });
  });
});

describe("parsers", () => {
  it("nmap XML ports, UDP top ports from nmap's table, port ranges", () => {
    const xml = '<port protocol="tcp" portid="22"><state state="open" reason="syn-ack"/><service name="ssh" method="table"/></port><port protocol="udp" portid="161"><state state="open|filtered" reason="no-response"/></port>';
    expect(parseNmapXml(xml)).toEqual([{ port: 22, protocol: "tcp", state: "open", service: "ssh" }, { port: 161, protocol: "udp", state: "open|filtered" }]);
    const top = topUdpPorts(100);
    expect(top).toHaveLength(100);
    expect(top.slice(0, 3)).toEqual([631, 161, 137]);
    expect(portRanges([5, 1, 2, 3, 9, 10])).toBe("1-3,5,9-10");
    expect(parseExtraPorts('<extraports state="open|filtered" count="100">')).toEqual([{ state: "open|filtered", count: 100 }]);
  });

  it("ss listeners without the loopback ones", () => {
    const out = ["udp   UNCONN 0      0       0.0.0.0:68        0.0.0.0:*", "tcp   LISTEN 0      128     0.0.0.0:22        0.0.0.0:*", "tcp   LISTEN 0      128        [::]:22           [::]:*", "tcp   LISTEN 0      4096 127.0.0.53%lo:53     0.0.0.0:*", "tcp   LISTEN 0      10    127.0.0.1:25        0.0.0.0:*", "tcp   LISTEN 0      10        [::1]:25           [::]:*", "tcp   LISTEN 0      5             *:8080             *:*"].join("\n");
    const ls = parseSs(out);
    expect(ls.filter(isExternal).map((l) => `${l.address} ${l.port}/${l.protocol}`)).toEqual(["0.0.0.0 68/udp", "0.0.0.0 22/tcp", ":: 22/tcp", "* 8080/tcp"]);
  });

  it("lynis report.dat: index, tests, warnings and suggestions", () => {
    const report = "# Lynis Report\nlynis_version=3.0.8\nhardening_index=63\nlynis_tests_done=241\nwarning[]=LOGG-2138|klogd is not running, which could lead to missing kernel messages in log files|-|-|\nsuggestion[]=SSH-7408|Consider hardening SSH configuration|AllowTcpForwarding (set YES to NO)|-|\nsuggestion[]=KRNL-5820|If not required, consider explicit disabling of core dump in /etc/security/limits.conf file|-|-|\n";
    expect(parseLynisReport(report)).toEqual({
      version: "3.0.8",
      hardening_index: 63,
      tests_performed: 241,
      warnings: [{ test: "LOGG-2138", text: "klogd is not running, which could lead to missing kernel messages in log files" }],
      suggestions: [
        { test: "SSH-7408", text: "Consider hardening SSH configuration (AllowTcpForwarding (set YES to NO))" },
        { test: "KRNL-5820", text: "If not required, consider explicit disabling of core dump in /etc/security/limits.conf file" },
      ],
    });
  });
});
