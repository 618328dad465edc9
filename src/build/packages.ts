// The full list of installed software with exact versions (the policy's auditable history), read from
// the image's own package database, and its manifest file (name<TAB>version<TAB>arch per line).

export interface InstalledPackage {
  name: string;
  version: string;
  arch: string;
  /** Source package (Debian) or source RPM name, when known and different from the name. */
  source?: string;
  sourceVersion?: string;
}

/** dpkg-query format matching parseDpkgQuery. */
export const DPKG_QUERY_FORMAT = "${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\t${source:Version}\\n";

/** Parses `dpkg-query -W -f DPKG_QUERY_FORMAT`; keeps installed packages ("ii") only. */
export function parseDpkgQuery(out: string): InstalledPackage[] {
  const pkgs: InstalledPackage[] = [];
  for (const line of out.split("\n")) {
    if (!line.trim()) continue;
    const [status = "", name = "", version = "", arch = "", source = "", sourceVersion = ""] = line.split("\t");
    if (!status.startsWith("ii")) continue;
    if (!/^[a-z0-9][a-z0-9.+-]+$/.test(name) || !version) throw new Error(`dpkg-query line not understood: ${line}`);
    pkgs.push({
      name, version, arch,
      ...(source && source !== name ? { source } : {}),
      ...(sourceVersion && sourceVersion !== version ? { sourceVersion } : {}),
    });
  }
  return sortPackages(pkgs);
}

/** rpm query format matching parseRpmQuery (epoch shown only when set, as rpm's EVR). */
export const RPM_QUERY_FORMAT = "%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n";

export function parseRpmQuery(out: string): InstalledPackage[] {
  const pkgs: InstalledPackage[] = [];
  for (const line of out.split("\n")) {
    if (!line.trim()) continue;
    const [name = "", version = "", arch = "", srpm = ""] = line.split("\t");
    if (name === "gpg-pubkey") continue; // imported signing keys are listed as packages
    if (!name || !version) throw new Error(`rpm line not understood: ${line}`);
    const source = /^(.+)-[^-]+-[^-]+\.src\.rpm$/.exec(srpm)?.[1];
    pkgs.push({ name, version, arch, ...(source && source !== name ? { source } : {}) });
  }
  return sortPackages(pkgs);
}

function sortPackages(p: InstalledPackage[]): InstalledPackage[] {
  return p.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0));
}

/** The manifest file: name<TAB>version<TAB>arch, one line per package, sorted. */
export function packageManifest(pkgs: InstalledPackage[]): string {
  return pkgs.map((p) => `${p.name}\t${p.version}\t${p.arch}\n`).join("");
}

export function parsePackageManifest(text: string): InstalledPackage[] {
  return text.split("\n").filter((l) => l.trim()).map((l) => {
    const [name = "", version = "", arch = ""] = l.split("\t");
    return { name, version, arch };
  });
}
