// TypeScript shapes of the repository's files; schemas/*.schema.json are the normative definitions.

export type ApplianceId = string;
export type VoName = string;

export interface Person {
  name: string;
  email: string;
  github?: string;
}

export interface RepoConfig {
  title: string;
  repository: { url: string; appliances: string; list?: string; marketplace?: string };
  list: { identifier: string; freshness_days: number; signer?: { identity: string; issuer: string } };
  csirt: { team: string; members: Person[] };
}

export interface Port {
  port: number;
  protocol: "tcp" | "udp";
  service: string;
  justification?: string;
}

export interface Waiver {
  check: string;
  match?: string;
  justification: string;
  expires?: string;
}

export interface MmdebstrapBuilder {
  type: "mmdebstrap";
  suite: string;
  mirror?: string;
  security_mirror?: string;
  components?: string[];
  packages: string[];
  disk_size_gb?: number;
}

export interface PackerBuilder {
  type: "packer";
  template: string;
  variables?: Record<string, string>;
}

export interface ImageSpec {
  id: ApplianceId;
  title: string;
  description: string;
  type: "egi" | "vo";
  vo?: VoName;
  maintainers: Person[];
  os: { family: "linux"; distribution: "debian" | "ubuntu" | "almalinux"; version: string; codename?: string; arch: "x86_64" | "aarch64"; admin_user: string };
  builder: MmdebstrapBuilder | PackerBuilder;
  formats: ("qcow2" | "ova")[];
  resources: { cores: { minimum: number; recommended: number }; ram_mb: { minimum: number; recommended: number }; disk_gb?: number };
  ports: Port[];
  services?: { name: string; justification: string }[];
  update_policy: { rebuild: "security-or-monthly" | "monthly" | "on-request"; max_age_days: number };
  scan?: { lynis_min_index?: number; max_size_mb?: number; waivers?: Waiver[] };
}

export type DiskFormat = "qcow2" | "ova" | "raw" | "vmdk";

export interface Artifact {
  format: DiskFormat;
  file: string;
  uri: string;
  size: number;
  virtual_size?: number;
  sha512: string;
  sha256?: string;
}

export interface ScanSummary {
  result: "pass" | "fail";
  passed: number;
  failed: number;
  waived: number;
  lynis_index?: number;
  scanned_at: string;
  report?: string;
  report_sha512?: string;
}

export interface ReleaseRecord {
  appliance: ApplianceId;
  version: string;
  built_at: string;
  source?: { commit?: string; run?: string };
  builder: { type: "mmdebstrap" | "packer"; host?: string; duration_s?: number; tools: Record<string, string> };
  artifacts: Artifact[];
  packages: { count: number; manifest: string; sha512: string };
  sbom: { format: "CycloneDX"; spec_version?: string; file: string; uri?: string; sha512: string };
  scan?: ScanSummary;
}

export interface Endorser {
  id: string;
  name: string;
  email: string;
  github: string;
  appointed: string;
  until?: string;
  x509?: { dn: string; ca: string };
}

export interface VoSpec {
  name: VoName;
  description: string;
  contact: string;
  endorsers: Endorser[];
  lifetime: { default_days: number; max_days: number; warn_days?: number };
}

export interface Endorsement {
  appliance: ApplianceId;
  version: string;
  digest: string;
  endorser: string;
  endorsed_at: string;
  lifetime_days?: number;
  checklist: { acknowledged: true; report_sha512: string; notes?: string };
}

export interface Revocation {
  appliance: ApplianceId;
  version: string;
  reason: string;
  cves?: string[];
  incident?: string;
  vos?: VoName[];
  revoked_at: string;
  revoked_by: Person;
}

/** imagelist.json, the signed output (schemas/imagelist.schema.json). */
export interface ImageList {
  format: "vmendorse-imagelist/1";
  identifier: string;
  serial: number;
  issued: string;
  expires: string;
  source: { repository: string; commit?: string };
  vos: Record<VoName, { images: ImageListEntry[] }>;
  revoked: RevokedEntry[];
}

export interface ImageListEntry {
  appliance: ApplianceId;
  version: string;
  title: string;
  description?: string;
  type: "egi" | "vo";
  os: { distribution: string; version: string; arch: string; admin_user?: string };
  resources?: { cores_minimum?: number; cores_recommended?: number; ram_minimum_mb?: number; ram_recommended_mb?: number };
  artifacts: { format: DiskFormat; uri: string; sha512: string; size: number }[];
  built_at?: string;
  endorser: { id: string; name: string; email: string; github?: string };
  endorsed_at: string;
  expires_at: string;
  provenance: { source: "git" | "yaml"; commit?: string; author?: string };
  sbom?: { uri?: string; sha512: string };
  scan?: ScanSummary;
}

export interface RevokedEntry {
  appliance: ApplianceId;
  version: string;
  sha512: string[];
  reason: string;
  cves?: string[];
  incident?: string;
  revoked_at: string;
  revoked_by: string;
  vos: string[];
}
