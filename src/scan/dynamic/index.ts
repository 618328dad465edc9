// The dynamic phase: boot the image (qemu, src/vm) in a network namespace made for the scan, then
// from outside the VM nmap all TCP ports and the common UDP ports (IPv4 and IPv6), and from inside
// list the listening sockets and run lynis. The VM, its overlay and the namespace are always removed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { ImageSpec } from "../../model/types.js";
import { chooseAccel, cloudConfigUserData, makeKeyPair, makeSeedIso, nocloudMetaData, runOk, runTool, sshRun, startQemu, waitForSsh, type RunningVm, type SshTarget } from "../../vm/index.js";
import type { DynamicResult, DynamicRunner } from "../index.js";
import type { ArtifactInfo } from "../artifact.js";
import type { NmapPort, Outcome, Problem } from "../types.js";
import { toolVersions } from "../tools.js";
import { createScanNetns, guestNetworkConfig, type ScanNetns } from "./netns.js";
import { nmapFinished, parseExtraPorts, parseNmapXml, portRanges, topUdpPorts } from "./nmap.js";
import { CLIENT_PORTS, isExternal, parseSs } from "./listening.js";
import { lynisBundle, lynisScript, parseLynisReport } from "./lynis.js";

/** How many of nmap's most common UDP ports are probed (besides the declared ones). */
export const UDP_TOP_PORTS = 100;

export const dynamicRunner: DynamicRunner = async (artifact, info, spec, progress, parts = ["listening", "nmap", "lynis"]) => {
  const timings: Record<string, number> = {};
  const time = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      timings[`dynamic.${name}`] = Math.round(performance.now() - t) / 1000;
    }
  };
  const work = mkdtempSync(join(tmpdir(), "vmendorse-scan-vm-"));
  let ns: ScanNetns | undefined;
  let vm: RunningVm | undefined;
  try {
    ns = createScanNetns();
    const { target, running } = await time("boot", () => boot(artifact, info, spec, ns!, work, progress));
    vm = running;
    // Let the boot finish (every enabled service started) before looking at ports.
    await sshRun(target, "systemctl is-system-running --wait >/dev/null 2>&1; true", { timeoutMs: 180_000 });
    const result: DynamicResult = { outcomes: [], timings, tools: { ...toolVersions(["qemu-system-x86_64", "nmap", "lynis"]), "qemu-accel": running.accel } };
    if (parts.includes("listening")) result.outcomes.push(await time("listening", () => listeningCheck(target, spec)));
    if (parts.includes("nmap")) {
      const scan = await time("nmap", () => nmapChecks(ns!, spec, progress));
      result.outcomes.push(...scan.outcomes);
      result.nmap = scan.nmap;
    }
    if (parts.includes("lynis")) {
      const lynis = await time("lynis", () => lynisChecks(target, spec, progress));
      result.outcomes.push(...lynis.outcomes);
      if (lynis.summary) result.lynis = lynis.summary;
    }
    return result;
  } finally {
    if (vm) await vm.stop(vm.accel === "kvm" ? 20_000 : 60_000);
    ns?.destroy();
    rmSync(work, { recursive: true, force: true });
  }
};

async function boot(artifact: string, info: ArtifactInfo, spec: ImageSpec, ns: ScanNetns, work: string, progress: (l: string) => void): Promise<{ target: SshTarget; running: RunningVm }> {
  // A copy-on-write overlay: the scanned file is never written to.
  const overlay = join(work, "overlay.qcow2");
  await runOk("qemu-img", ["create", "-q", "-f", "qcow2", "-F", info.kind, "-b", artifact, overlay], { timeoutMs: 60_000 });
  const key = await makeKeyPair(work, "vmendorse-scan");
  const seedIso = await makeSeedIso(join(work, "seed"), {
    userData: cloudConfigUserData({ sshPublicKeys: [key.publicKey] }),
    metaData: nocloudMetaData(`i-${randomBytes(6).toString("hex")}`, "vmendorse-scan"),
    networkConfig: guestNetworkConfig(ns),
  });
  const { accel, reason } = await chooseAccel();
  progress(`booting ${artifact} with ${accel.toUpperCase()} (${reason}) in network namespace ${ns.name} (guest ${ns.guestIp4}, ${ns.guestIp6})`);
  const running = startQemu({
    disk: overlay,
    diskFormat: "qcow2",
    seedIso,
    accel,
    memoryMb: Math.max(1024, spec.resources.ram_mb.minimum),
    cpus: 2,
    network: { kind: "tap", ifname: ns.tap, mac: ns.guestMac },
    serialLog: join(work, "console.log"),
    qmpSocket: join(work, "qmp.sock"),
    netns: ns.name,
  });
  const target: SshTarget = { host: ns.guestIp4, port: 22, user: spec.os.admin_user, identity: key.privateKey, netns: ns.name };
  try {
    await waitForSsh(target, { timeoutMs: accel === "kvm" ? 5 * 60_000 : 20 * 60_000, onProgress: progress, abortReason: () => running.exitReason(), status: () => running.consoleTail(1)[0]?.slice(-120) });
  } catch (e) {
    await running.stop(5_000);
    throw new Error(`${(e as Error).message}\nlast console lines:\n  ${running.consoleTail(15).join("\n  ")}`);
  }
  return { target, running };
}

const declaredSet = (spec: ImageSpec) => new Set(spec.ports.map((p) => `${p.protocol}/${p.port}`));

async function listeningCheck(target: SshTarget, spec: ImageSpec): Promise<Outcome> {
  const id = "network.listening";
  const r = await sshRun(target, "ss -H -tuln", { timeoutMs: 60_000 });
  if (r.code !== 0) return { id, problems: [{ subject: "ss", message: `ss -tuln failed in the VM: ${r.stderr.trim()}` }], evidence: [] };
  const all = parseSs(r.stdout);
  const external = all.filter(isExternal);
  const declared = declaredSet(spec);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const l of external) {
    const key = `${l.protocol}/${l.port}`;
    if (declared.has(key) || CLIENT_PORTS.has(key) || seen.has(key)) continue;
    seen.add(key);
    problems.push({ subject: `${l.port}/${l.protocol}`, message: `${l.port}/${l.protocol} listens on ${l.address} in the running VM but is not declared in image.yaml ports` });
  }
  return { id, problems, evidence: [`listening on the network: ${[...new Set(external.map((l) => `${l.port}/${l.protocol}`))].join(", ") || "nothing"}; loopback only: ${all.length - external.length}`] };
}

/** Runs nmap inside a network namespace (no DNS, no ping) and returns the ports of its XML output. */
export async function nmapInNetns(netns: string, args: string[], timeoutMs: number, summarised?: { state: string; count: number }[]): Promise<NmapPort[]> {
  const r = await runTool("ip", ["netns", "exec", netns, "nmap", "-n", "-Pn", "-oX", "-", ...args], { timeoutMs });
  if (r.code !== 0 || !nmapFinished(r.stdout)) throw new Error(`nmap ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`);
  summarised?.push(...parseExtraPorts(r.stdout));
  return parseNmapXml(r.stdout);
}

async function nmapChecks(ns: ScanNetns, spec: ImageSpec, progress: (l: string) => void): Promise<{ outcomes: Outcome[]; nmap: NonNullable<DynamicResult["nmap"]> }> {
  const declared = declaredSet(spec);
  const udpPorts = [...new Set([...topUdpPorts(UDP_TOP_PORTS), ...spec.ports.filter((p) => p.protocol === "udp").map((p) => p.port)])];
  const tcpArgs = ["-sS", "-p", "1-65535", "-T4", "--max-retries", "2", "--min-rate", "2000"];
  const udpArgs = ["-sU", "-p", portRanges(udpPorts), "-T4", "--max-retries", "2"];
  progress(`nmap: all TCP ports and ${udpPorts.length} UDP ports on ${ns.guestIp4} and ${ns.guestIp6}`);
  const seen: (NmapPort & { address: string })[] = [];
  const udpSummarised: { state: string; count: number }[] = [];
  for (const [address, v6] of [[ns.guestIp4, false], [ns.guestIp6, true]] as const) {
    const extra = v6 ? ["-6"] : [];
    for (const p of await nmapInNetns(ns.name, [...extra, ...tcpArgs, address], 30 * 60_000)) seen.push({ ...p, address });
    for (const p of await nmapInNetns(ns.name, [...extra, ...udpArgs, address], 30 * 60_000, udpSummarised)) seen.push({ ...p, address });
  }
  const open = seen.filter((p) => p.state === "open" || (p.protocol === "udp" && p.state === "open|filtered" && declared.has(`udp/${p.port}`)));
  const problemsFor = (proto: "tcp" | "udp"): Problem[] =>
    open
      .filter((p) => p.protocol === proto && p.state === "open" && !declared.has(`${proto}/${p.port}`))
      .map((p) => ({ subject: `${p.port}/${proto}`, message: `nmap finds ${p.port}/${proto} open on ${p.address}${p.service ? ` (${p.service})` : ""}, which image.yaml does not declare` }));
  const list = (proto: "tcp" | "udp") => [...new Set(open.filter((p) => p.protocol === proto).map((p) => `${p.port}/${proto} ${p.state} on ${p.address}`))].join(", ") || "none open";
  // open|filtered UDP ports (no answer) are reported in the evidence: behind a dropping firewall every UDP port looks like that.
  const ambiguous = seen.filter((p) => p.protocol === "udp" && p.state === "open|filtered").length + udpSummarised.filter((x) => x.state === "open|filtered").reduce((n, x) => n + x.count, 0);
  return {
    outcomes: [
      { id: "network.tcp-ports", problems: problemsFor("tcp"), evidence: [`TCP 1-65535 on ${ns.guestIp4} and ${ns.guestIp6}: ${list("tcp")}`] },
      { id: "network.udp-ports", problems: problemsFor("udp"), evidence: [`UDP ${udpPorts.length} ports on both addresses: ${list("udp")}; ${ambiguous} probes open|filtered (no answer, as behind a dropping firewall)`] },
    ],
    nmap: {
      target: `${ns.guestIp4}, ${ns.guestIp6}`,
      tcp_ports_scanned: "1-65535",
      udp_ports_scanned: portRanges(udpPorts),
      open: dedupe(open.map(({ address: _a, ...p }) => p)),
    },
  };
}

function dedupe(ports: NmapPort[]): NmapPort[] {
  const m = new Map<string, NmapPort>();
  for (const p of ports) m.set(`${p.protocol}/${p.port}`, p);
  return [...m.values()].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
}

async function lynisChecks(target: SshTarget, spec: ImageSpec, progress: (l: string) => void): Promise<{ outcomes: Outcome[]; summary?: NonNullable<DynamicResult["lynis"]> }> {
  progress("lynis audit system inside the VM");
  const started = Date.now();
  // Lynis is silent for minutes (tens of minutes under emulation): say that it still runs.
  const beat = setInterval(() => progress(`lynis still running (${Math.round((Date.now() - started) / 1000)} s)`), 60_000);
  let r;
  try {
    r = await sshRun(target, `sudo -n sh -c '${lynisScript().replace(/'/g, "'\\''")}'`, { input: lynisBundle(), timeoutMs: 40 * 60_000 });
  } finally {
    clearInterval(beat);
  }
  const summary = parseLynisReport(r.stdout);
  if (r.code !== 0 || summary.hardening_index === undefined) {
    const why = `lynis did not produce a report (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-3).join(" ")}`;
    return { outcomes: [{ id: "lynis.hardening-index", problems: [{ subject: "lynis", message: why }], evidence: [] }, { id: "lynis.warnings", problems: [{ subject: "lynis", message: why }], evidence: [] }] };
  }
  const min = spec.scan?.lynis_min_index;
  const index = summary.hardening_index;
  return {
    summary,
    outcomes: [
      {
        id: "lynis.hardening-index",
        problems: min !== undefined && index < min ? [{ subject: "hardening index", message: `lynis hardening index ${index} is below image.yaml scan.lynis_min_index ${min}` }] : [],
        evidence: [`hardening index ${index}${min !== undefined ? ` (minimum ${min})` : " (no minimum set in image.yaml)"}, ${summary.tests_performed ?? "?"} tests, lynis ${summary.version ?? "?"}`],
      },
      {
        id: "lynis.warnings",
        problems: summary.warnings.map((w) => ({ subject: w.test, message: `lynis ${w.test}: ${w.text}` })),
        evidence: [`${summary.warnings.length} warnings, ${summary.suggestions.length} suggestions`],
      },
    ],
  };
}
