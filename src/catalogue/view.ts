// The catalogue's data: what the page shows, derived from a signed image list. Pure; every value is
// plain text or a number, and the page turns it into DOM text nodes (never HTML).
import type { ImageList, ImageListEntry, RevokedEntry, ScanSummary } from "../model/types.js";
import { DAY_MS, isoSeconds } from "../util/time.js";

/** Endorsements expiring within this many days are marked "soon" (a renewal PR takes days). */
export const SOON_DAYS = 14;

export type ExpiryState = "ok" | "soon" | "expired";

export interface VerificationResult {
  verified: boolean;
  /** Why it failed, or what was checked. */
  reason?: string;
  identity?: string;
  issuer?: string;
  checked_at?: string;
}

/** What the generator learnt from the bundle file (not a verification: see VerificationResult). */
export interface BundleSummary {
  file: string;
  mediaType: string;
  /** "certificate" (keyless: Fulcio certificate) or "public key" (signed with a key). */
  material: "certificate" | "public key";
  keyHint?: string;
  /** The certificate's subject (URI or e-mail SAN): the signer's claimed identity. */
  certificateIdentity?: string;
  logIndexes: string[];
}

export interface CatalogueOptions {
  /** Reference time for "days left" and expiry states (ms). */
  now: number;
  /** Heading, e.g. vmendorse.yaml `title`. */
  title?: string;
  /** Name of the list file as published next to the page. */
  listFile: string;
  bundle?: BundleSummary;
  /** vmendorse.yaml `list.signer`: the identity sites must require. */
  signer?: { identity: string; issuer: string };
  verification?: VerificationResult;
}

export interface LinkText {
  text: string;
  /** Only http(s) addresses become links; others (oci://, file://) are shown as text. */
  href?: string;
}

export interface ArtifactRow {
  format: string;
  size: number;
  sizeText: string;
  uri: LinkText;
  sha512: string;
}

export interface ImageRow {
  vo: string;
  appliance: string;
  version: string;
  title: string;
  description: string;
  type: string;
  os: string;
  adminUser: string;
  artifacts: ArtifactRow[];
  endorser: { id: string; name: string; email: string; github: string };
  endorsedAt: string;
  builtAt: string;
  expiresAt: string;
  daysLeft: number;
  state: ExpiryState;
  scan: { result: string; text: string; lynis: string; scannedAt: string; report: string } | null;
  sbom: { link: LinkText; sha512: string } | null;
  provenance: string;
  /** Lower-case text the search box matches against. */
  haystack: string;
}

export interface RevokedRow {
  appliance: string;
  version: string;
  reason: string;
  cves: string[];
  incident: string;
  revokedAt: string;
  revokedBy: string;
  /** Affected VOs; "*" means all. */
  vos: string[];
  sha512: string[];
  haystack: string;
}

export interface TimelineItem {
  vo: string;
  appliance: string;
  version: string;
  title: string;
  expiresAt: string;
  daysLeft: number;
  state: ExpiryState;
}

export interface CatalogueView {
  title: string;
  generatedAt: string;
  soonDays: number;
  list: {
    file: string;
    identifier: string;
    serial: number;
    issued: string;
    expires: string;
    expired: boolean;
    repository: LinkText;
    commit: string;
  };
  signature: {
    listFile: string;
    bundleFile: string;
    bundle: BundleSummary | null;
    verification: VerificationResult | null;
    command: string;
    /** True when the command uses --key: the bundle holds a public key, or no keyless signer is configured. */
    needsKey: boolean;
    /** vmendorse.yaml list.signer, which the command requires. */
    signer: { identity: string; issuer: string } | null;
    /** The bundle's certificate names another identity than the configured signer. */
    identityMismatch: boolean;
  };
  vos: { name: string; images: ImageRow[] }[];
  revoked: RevokedRow[];
  timeline: TimelineItem[];
}

export function catalogueView(list: ImageList, opts: CatalogueOptions): CatalogueView {
  const now = opts.now;
  const bundleFile = opts.bundle?.file ?? `${opts.listFile}.sigstore.json`;
  // A bundle signed with a key can only be checked with that key, whatever vmendorse.yaml says.
  const signer = opts.bundle?.material === "public key" ? undefined : opts.signer;
  const vos = Object.keys(list.vos)
    .sort()
    .map((name) => ({ name, images: (list.vos[name]?.images ?? []).map((e) => imageRow(name, e, now)) }));
  const timeline = vos
    .flatMap((v) => v.images.map((i) => ({ vo: v.name, appliance: i.appliance, version: i.version, title: i.title, expiresAt: i.expiresAt, daysLeft: i.daysLeft, state: i.state })))
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt) || a.vo.localeCompare(b.vo) || a.appliance.localeCompare(b.appliance));
  return {
    title: opts.title ?? "Endorsed virtual machine images",
    generatedAt: isoSeconds(now),
    soonDays: SOON_DAYS,
    list: {
      file: opts.listFile,
      identifier: list.identifier,
      serial: list.serial,
      issued: list.issued,
      expires: list.expires,
      expired: Date.parse(list.expires) <= now,
      repository: link(list.source.repository),
      commit: list.source.commit ?? "",
    },
    signature: {
      listFile: opts.listFile,
      bundleFile,
      bundle: opts.bundle ?? null,
      verification: opts.verification ?? null,
      command: verifyCommand(opts.listFile, bundleFile, signer),
      needsKey: !signer,
      signer: opts.signer ?? null,
      identityMismatch: !!(opts.signer && opts.bundle?.certificateIdentity && opts.bundle.certificateIdentity !== opts.signer.identity),
    },
    vos,
    revoked: list.revoked.map(revokedRow),
    timeline,
  };
}

function imageRow(vo: string, e: ImageListEntry, now: number): ImageRow {
  const daysLeft = Math.floor((Date.parse(e.expires_at) - now) / DAY_MS);
  const os = `${e.os.distribution} ${e.os.version} ${e.os.arch}`;
  const endorser = { id: e.endorser.id, name: e.endorser.name, email: e.endorser.email, github: e.endorser.github ?? "" };
  const provenance =
    e.provenance.source === "git"
      ? `git commit ${e.provenance.commit ?? "?"}${e.provenance.author ? ` by ${e.provenance.author}` : ""}`
      : "endorsement file only (no git history)";
  return {
    vo,
    appliance: e.appliance,
    version: e.version,
    title: e.title,
    description: e.description ?? "",
    type: e.type,
    os,
    adminUser: e.os.admin_user ?? "",
    artifacts: e.artifacts.map((a) => ({ format: a.format, size: a.size, sizeText: humanSize(a.size), uri: link(a.uri), sha512: a.sha512 })),
    endorser,
    endorsedAt: e.endorsed_at,
    builtAt: e.built_at ?? "",
    expiresAt: e.expires_at,
    daysLeft,
    state: expiryState(daysLeft, Date.parse(e.expires_at) <= now),
    scan: e.scan ? scanText(e.scan) : null,
    sbom: e.sbom ? { link: e.sbom.uri ? link(e.sbom.uri) : { text: "" }, sha512: e.sbom.sha512 } : null,
    provenance,
    haystack: [vo, e.appliance, e.version, e.title, e.description ?? "", os, e.type, endorser.id, endorser.name, endorser.email, endorser.github].join("\n").toLowerCase(),
  };
}

function revokedRow(r: RevokedEntry): RevokedRow {
  return {
    appliance: r.appliance,
    version: r.version,
    reason: r.reason,
    cves: r.cves ?? [],
    incident: r.incident ?? "",
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    vos: r.vos,
    sha512: r.sha512,
    haystack: [r.appliance, r.version, r.reason, ...(r.cves ?? []), r.incident ?? "", r.revoked_by, ...r.vos].join("\n").toLowerCase(),
  };
}

function scanText(s: ScanSummary): NonNullable<ImageRow["scan"]> {
  return {
    result: s.result,
    text: `${s.passed} passed, ${s.failed} failed, ${s.waived} waived`,
    lynis: s.lynis_index === undefined ? "" : String(s.lynis_index),
    scannedAt: s.scanned_at,
    report: s.report ?? "",
  };
}

export function expiryState(daysLeft: number, expired: boolean): ExpiryState {
  return expired ? "expired" : daysLeft < SOON_DAYS ? "soon" : "ok";
}

export function link(uri: string): LinkText {
  let href: string | undefined;
  try {
    const u = new URL(uri);
    if (u.protocol === "https:" || u.protocol === "http:") href = u.href;
  } catch {
    href = undefined;
  }
  return href === undefined ? { text: uri } : { text: uri, href };
}

/** Bytes in binary units, as disk tools print them: "371 MiB", "1.4 GiB". */
export function humanSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i > 0 && v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** The command a person runs to check the list themselves (POSIX shell quoting where needed). */
export function verifyCommand(listFile: string, bundleFile: string, signer?: { identity: string; issuer: string }): string {
  const who = signer ? ["--identity", signer.identity, "--issuer", signer.issuer] : ["--key", "PUBLIC_KEY.pem"];
  return ["npx", "vmendorse", "verify", "--list", listFile, "--bundle", bundleFile, ...who].map(shellQuote).join(" ");
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
