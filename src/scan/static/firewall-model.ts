// What an input firewall lets in, per address family, independent of the tool that configured it.
// Pure analysis of nftables JSON (`nft -j list ruleset`) and iptables-save text (rules.v4/rules.v6).

export type Family = "ipv4" | "ipv6";

export interface PortRange {
  protocol: "tcp" | "udp";
  from: number;
  to: number;
}

export interface FirewallView {
  /** False when some input traffic is accepted without being limited to ports (or the policy accepts). */
  restricted: boolean;
  /** Reasons the view is not restricted (policy accept, an accept rule matching no port...). */
  openings: string[];
  ports: PortRange[];
  /** Names of the input chains considered. */
  chains: string[];
}

const SERVICES: Record<string, number> = { ssh: 22, http: 80, https: 443, domain: 53, ftp: 21, smtp: 25, ntp: 123, snmp: 161, ldap: 389, ldaps: 636, imap: 143, imaps: 993, pop3: 110, mysql: 3306, postgresql: 5432, "http-alt": 8080 };

export const rangeText = (r: PortRange) => `${r.from === r.to ? r.from : `${r.from}-${r.to}`}/${r.protocol}`;

// ---- nftables JSON -------------------------------------------------------------------------------

type Json = Record<string, unknown>;
interface NftChain {
  family: string;
  table: string;
  name: string;
  hook?: string;
  type?: string;
  policy?: string;
  rules: Json[][];
}
interface NftSet {
  family: string;
  table: string;
  name: string;
  elem: unknown[];
}

/** Views for IPv4 and IPv6 from a `nft -j list ruleset` document. */
export function analyzeNft(doc: unknown): Record<Family, FirewallView | undefined> {
  const items = (doc as { nftables?: Json[] }).nftables ?? [];
  const chains = new Map<string, NftChain>();
  const sets = new Map<string, NftSet>();
  const key = (f: string, t: string, n: string) => `${f}/${t}/${n}`;
  for (const it of items) {
    if (it.chain) {
      const c = it.chain as Json;
      chains.set(key(String(c.family), String(c.table), String(c.name)), {
        family: String(c.family),
        table: String(c.table),
        name: String(c.name),
        ...(c.hook !== undefined ? { hook: String(c.hook) } : {}),
        ...(c.type !== undefined ? { type: String(c.type) } : {}),
        ...(c.policy !== undefined ? { policy: String(c.policy) } : {}),
        rules: [],
      });
    } else if (it.set) {
      const s = it.set as Json;
      sets.set(key(String(s.family), String(s.table), String(s.name)), { family: String(s.family), table: String(s.table), name: String(s.name), elem: Array.isArray(s.elem) ? s.elem : [] });
    }
  }
  for (const it of items) {
    if (!it.rule) continue;
    const r = it.rule as Json;
    chains.get(key(String(r.family), String(r.table), String(r.chain)))?.rules.push(Array.isArray(r.expr) ? (r.expr as Json[]) : []);
  }
  const result: Record<Family, FirewallView | undefined> = { ipv4: undefined, ipv6: undefined };
  for (const fam of ["ipv4", "ipv6"] as const) {
    const families = fam === "ipv4" ? ["ip", "inet"] : ["ip6", "inet"];
    const bases = [...chains.values()].filter((c) => families.includes(c.family) && c.hook === "input" && (c.type ?? "filter") === "filter");
    if (bases.length === 0) continue;
    const views = bases.map((c) => {
      const v: ChainVerdicts = { openings: [], ports: [], terminal: undefined };
      walkChain(c, chains, sets, v, 0);
      const dropByDefault = v.terminal !== undefined ? v.terminal === "drop" : c.policy === "drop";
      if (!dropByDefault) v.openings.unshift(v.terminal === "accept" ? `${label(c)} ends with an unconditional accept` : `${label(c)} has policy ${c.policy ?? "accept"}`);
      return { chain: label(c), restricted: v.openings.length === 0, openings: v.openings, ports: v.ports };
    });
    result[fam] = combine(views);
  }
  return result;
}

interface ChainVerdicts {
  openings: string[];
  ports: PortRange[];
  /** Set once an unconditional drop/reject/accept ends the chain. */
  terminal: "drop" | "accept" | undefined;
}

const label = (c: { family: string; table: string; name: string }) => `${c.family} ${c.table} ${c.name}`;

function walkChain(c: NftChain, chains: Map<string, NftChain>, sets: Map<string, NftSet>, v: ChainVerdicts, depth: number): void {
  for (const expr of c.rules) {
    if (v.terminal) return;
    const matches = expr.filter((e) => e.match).map((e) => e.match as Json);
    const verdict = expr.find((e) => "accept" in e || "drop" in e || "reject" in e || "jump" in e || "goto" in e || "return" in e);
    if (!verdict) continue;
    if ("return" in verdict) {
      if (matches.length === 0) return;
      continue;
    }
    if ("jump" in verdict || "goto" in verdict) {
      const target = ((verdict.jump ?? verdict.goto) as Json).target;
      const t = chains.get(`${c.family}/${c.table}/${String(target)}`);
      if (t && depth < 16) walkChain(t, chains, sets, v, depth + 1);
      continue;
    }
    const accepting = "accept" in verdict;
    if (!accepting) {
      if (matches.length === 0) v.terminal = "drop";
      continue;
    }
    if (matches.length === 0) {
      v.terminal = "accept";
      return;
    }
    const cls = classify(matches, c, sets);
    if (cls.harmless) continue;
    if (cls.ports.length > 0) v.ports.push(...cls.ports);
    else v.openings.push(`${label(c)}: accept rule not limited to ports (${describeMatches(matches)})`);
  }
}

function classify(matches: Json[], c: NftChain, sets: Map<string, NftSet>): { harmless: boolean; ports: PortRange[] } {
  const ports: PortRange[] = [];
  let harmless = false;
  for (const m of matches) {
    const left = m.left as Json | undefined;
    const right = m.right;
    const op = String(m.op ?? "==");
    if (!left) continue;
    const ct = left.ct as Json | undefined;
    const meta = left.meta as Json | undefined;
    const payload = left.payload as Json | undefined;
    if (ct?.key === "state" && op !== "!=") {
      const states = flatStrings(right);
      if (states.length > 0 && states.every((s) => s === "established" || s === "related")) harmless = true;
    }
    if (meta && (meta.key === "iif" || meta.key === "iifname") && op !== "!=" && flatStrings(right).every((s) => s === "lo")) harmless = true;
    if (meta && (meta.key === "l4proto" || meta.key === "nfproto") && op !== "!=") {
      const protos = flatStrings(right);
      if (protos.length > 0 && protos.every((p) => /^(icmp|ipv6-icmp|icmpv6|1|58)$/.test(p))) harmless = true;
    }
    if (payload && (payload.protocol === "icmp" || payload.protocol === "icmpv6")) harmless = true;
    if (payload && ((payload.protocol === "ip" && payload.field === "protocol") || (payload.protocol === "ip6" && payload.field === "nexthdr")) && op !== "!=") {
      const protos = flatStrings(right);
      if (protos.length > 0 && protos.every((p) => /^(icmp|ipv6-icmp|icmpv6)$/.test(p))) harmless = true;
    }
    if (payload && payload.field === "dport" && ["tcp", "udp", "th"].includes(String(payload.protocol))) {
      const protos: ("tcp" | "udp")[] = payload.protocol === "th" ? ["tcp", "udp"] : [payload.protocol as "tcp" | "udp"];
      const ranges = op === "!=" ? [[1, 65535] as [number, number]] : portRanges(right, c, sets);
      for (const p of protos) for (const [from, to] of ranges) ports.push({ protocol: p, from, to });
    }
  }
  return { harmless: harmless && ports.length === 0, ports };
}

function flatStrings(v: unknown): string[] {
  if (typeof v === "string" || typeof v === "number") return [String(v)];
  if (Array.isArray(v)) return v.flatMap(flatStrings);
  if (v && typeof v === "object" && "set" in v) return flatStrings((v as Json).set);
  return [];
}

function portRanges(v: unknown, c: NftChain, sets: Map<string, NftSet>): [number, number][] {
  if (typeof v === "number") return [[v, v]];
  if (typeof v === "string") {
    if (v.startsWith("@")) {
      const s = sets.get(`${c.family}/${c.table}/${v.slice(1)}`);
      return s ? s.elem.flatMap((e) => portRanges(e, c, sets)) : [[1, 65535]];
    }
    const n = SERVICES[v] ?? Number(v);
    return Number.isInteger(n) && n > 0 ? [[n, n]] : [[1, 65535]];
  }
  if (Array.isArray(v)) return v.flatMap((x) => portRanges(x, c, sets));
  if (v && typeof v === "object") {
    const o = v as Json;
    if ("set" in o) return portRanges(o.set, c, sets);
    if (Array.isArray(o.range)) {
      const [a, b] = o.range.map((x) => portRanges(x, c, sets)[0]?.[0] ?? 0);
      return [[a ?? 1, b ?? 65535]];
    }
    if ("prefix" in o || "elem" in o) return portRanges((o.elem as Json | undefined)?.val ?? o.elem, c, sets);
  }
  return [[1, 65535]];
}

function describeMatches(matches: Json[]): string {
  return matches
    .map((m) => {
      const l = m.left as Json;
      const what = l.payload ? `${(l.payload as Json).protocol} ${(l.payload as Json).field}` : l.meta ? `meta ${(l.meta as Json).key}` : l.ct ? `ct ${(l.ct as Json).key}` : Object.keys(l)[0];
      return `${what} ${String(m.op)} ${JSON.stringify(m.right)}`;
    })
    .join(", ");
}

// Several input chains: a packet gets in only if every chain lets it through.
function combine(views: { chain: string; restricted: boolean; openings: string[]; ports: PortRange[] }[]): FirewallView {
  const restrictedViews = views.filter((v) => v.restricted);
  if (restrictedViews.length === 0) return { restricted: false, openings: views.flatMap((v) => v.openings), ports: views.flatMap((v) => v.ports), chains: views.map((v) => v.chain) };
  // The most restrictive chain bounds what is open; report the ports of the restricted chains.
  let ports = restrictedViews[0]!.ports;
  for (const v of restrictedViews.slice(1)) ports = ports.filter((p) => v.ports.some((q) => q.protocol === p.protocol && q.from <= p.to && p.from <= q.to));
  return { restricted: true, openings: [], ports, chains: views.map((v) => v.chain) };
}

// ---- iptables-save text ----------------------------------------------------------------------------

/** The INPUT chain of the filter table in iptables-save / iptables-restore format. */
export function analyzeIptables(text: string, chainName = "INPUT"): FirewallView | undefined {
  let table = "";
  let policy: string | undefined;
  const rules = new Map<string, string[][]>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("*")) table = line.slice(1);
    if (table !== "filter") continue;
    const pol = /^:(\S+)\s+(\S+)/.exec(line);
    if (pol && pol[1] === chainName) policy = pol[2];
    if (line.startsWith("-A ")) {
      const args = line.split(/\s+/);
      const chain = args[1]!;
      if (!rules.has(chain)) rules.set(chain, []);
      rules.get(chain)!.push(args.slice(2));
    }
  }
  if (policy === undefined && !rules.has(chainName)) return undefined;
  const v: ChainVerdicts = { openings: [], ports: [], terminal: undefined };
  walkIptables(chainName, rules, v, 0);
  const dropByDefault = v.terminal !== undefined ? v.terminal === "drop" : policy === "DROP" || policy === "REJECT";
  if (!dropByDefault) v.openings.unshift(v.terminal === "accept" ? `${chainName} ends with an unconditional ACCEPT` : `${chainName} has policy ${policy ?? "ACCEPT"}`);
  return { restricted: v.openings.length === 0, openings: v.openings, ports: v.ports, chains: [`filter ${chainName}`] };
}

function walkIptables(chain: string, rules: Map<string, string[][]>, v: ChainVerdicts, depth: number): void {
  for (const args of rules.get(chain) ?? []) {
    if (v.terminal) return;
    const opt = (names: string[]) => {
      const i = args.findIndex((a) => names.includes(a));
      return i >= 0 ? args[i + 1] : undefined;
    };
    const target = opt(["-j", "--jump", "-g", "--goto"]);
    if (!target) continue;
    const conditions = args.filter((a, i) => !["-j", "--jump", "-g", "--goto"].includes(a) && !["-j", "--jump", "-g", "--goto"].includes(args[i - 1] ?? "") && !["-m", "--match"].includes(a) && !["-m", "--match"].includes(args[i - 1] ?? "") && a !== "-c" && args[i - 1] !== "-c" && !/^\[\d+:\d+\]$/.test(a));
    const unconditional = conditions.length === 0;
    if (target === "DROP" || target === "REJECT") {
      if (unconditional) v.terminal = "drop";
      continue;
    }
    if (target === "RETURN") {
      if (unconditional) return;
      continue;
    }
    if (target !== "ACCEPT") {
      if (rules.has(target) && depth < 16) walkIptables(target, rules, v, depth + 1);
      continue;
    }
    if (unconditional) {
      v.terminal = "accept";
      return;
    }
    const state = opt(["--state", "--ctstate"]);
    if (state && state.split(",").every((s) => /^(ESTABLISHED|RELATED)$/i.test(s))) continue;
    const iface = opt(["-i", "--in-interface"]);
    if (iface === "lo") continue;
    const proto = opt(["-p", "--protocol"]);
    if (proto && /^(icmp|ipv6-icmp|icmpv6|1|58)$/.test(proto)) continue;
    const dport = opt(["--dport", "--destination-port", "--dports", "--destination-ports"]);
    if (dport && (proto === "tcp" || proto === "udp")) {
      const negated = args[args.indexOf(dport) - 2] === "!";
      for (const part of negated ? ["1:65535"] : dport.split(",")) {
        const [a, b] = part.split(":").map((x) => SERVICES[x] ?? Number(x));
        v.ports.push({ protocol: proto, from: a ?? 1, to: b ?? a ?? 65535 });
      }
      continue;
    }
    v.openings.push(`${chain}: ACCEPT rule not limited to ports (${args.join(" ")})`);
  }
}

/** Problems of one view against the declared ports (subject: the port range, or the firewall). */
export function judge(view: FirewallView | undefined, declared: { port: number; protocol: "tcp" | "udp" }[], family: Family, source: string): { subject: string; message: string }[] {
  const fam = family === "ipv4" ? "IPv4" : "IPv6";
  if (!view) return [{ subject: source, message: `${source} has no ${fam} input filter chain: all ${fam} ports are reachable` }];
  const problems = view.openings.map((o) => ({ subject: source, message: `${source}: ${o}` }));
  for (const r of view.ports) {
    for (let p = r.from; p <= r.to; p++) {
      if (!declared.some((d) => d.protocol === r.protocol && d.port === p)) {
        problems.push({ subject: rangeText(r), message: `${source} accepts ${rangeText(r)}, which image.yaml does not declare` });
        break;
      }
    }
  }
  return problems;
}
