// Credentials: private keys anywhere, X.509 keys/proxies/PKCS#12, and well-known credential files
// in home directories. One walk over the whole filesystem feeds the first two checks.
import type { RootFs } from "../rootfs.js";
import type { Outcome, Problem } from "../types.js";
import { PackagedFiles } from "./dpkg-files.js";
import { homes } from "./homes.js";

/** Largest file whose content is searched; keys and proxies are a few KiB. */
const MAX_SEARCHED = 1024 * 1024;
const SKIP_TREES = ["/proc", "/sys", "/dev", "/run"];

// A key header followed by base64 content (so code that merely names the header is not a finding).
const PEM_KEY = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----\r?\n(?:[ \t]*[A-Za-z0-9-]+: [^\n]*\r?\n)*(?:[ \t]*\r?\n)?[ \t]*[A-Za-z0-9+/=]{40,}/;
const PUTTY_KEY = /PuTTY-User-Key-File-\d+: /;
const CERT = /-----BEGIN (?:TRUSTED )?CERTIFICATE-----\r?\n[ \t]*[A-Za-z0-9+/=]{40,}/;
const PROXY_NAME = /^x509up_/;
const PKCS12_NAME = /\.(p12|pfx)$/i;
const GRID_NAMES = /^\/etc\/grid-security\/(host|http|service)?(key|cert)\.pem$|\/\.globus\/(userkey\.pem|usercert\.pem|usercred\.p12)$/;

export function checkCredentials(fs: RootFs): Outcome[] {
  const packaged = new PackagedFiles(fs);
  const keys: Problem[] = [];
  const x509: Problem[] = [];
  const ignored: string[] = [];
  let files = 0;
  let searched = 0;
  fs.walk(
    "/",
    (path, st) => {
      files++;
      const name = path.slice(path.lastIndexOf("/") + 1);
      if (path.startsWith("/etc/ssh/ssh_host_")) return; // ssh.host-keys
      if (PROXY_NAME.test(name)) x509.push({ subject: path, message: `${path} looks like an X.509 proxy (x509up_*)` });
      else if (GRID_NAMES.test(path)) x509.push({ subject: path, message: `${path} is a grid/X.509 credential file` });
      else if (PKCS12_NAME.test(name) && st.size > 0) {
        const data = fs.readWalked(path, MAX_SEARCHED);
        if (data && !packaged.unmodified(path, data)) x509.push({ subject: path, message: `${path} is a PKCS#12 file (certificate and private key)` });
      }
      if (st.size === 0 || st.size > MAX_SEARCHED) return;
      const data = fs.readWalked(path, MAX_SEARCHED);
      if (!data) return;
      searched++;
      // Cheap byte search first; the regular expressions run only on candidates.
      const hasKeyMarker = data.includes("PRIVATE KEY-----") || data.includes("PuTTY-User-Key-File-");
      if (!hasKeyMarker) return;
      const text = data.toString("latin1");
      const key = PEM_KEY.exec(text);
      const putty = PUTTY_KEY.test(text);
      if (!key && !putty) return;
      if (packaged.unmodified(path, data) || compiledFromPackaged(fs, packaged, path)) {
        ignored.push(path);
        return;
      }
      const kind = key ? `${key[1] ?? ""}PRIVATE KEY${key[2] ?? ""}`.replace(/^ /, "") : "PuTTY private key";
      if (CERT.test(text)) x509.push({ subject: path, message: `${path} holds an X.509 certificate with its private key (${kind}), e.g. a proxy` });
      else keys.push({ subject: path, message: `${path} holds a private key (${kind})` });
    },
    (p) => SKIP_TREES.includes(p),
  );
  const walked = `${files} files walked, ${searched} searched (up to ${MAX_SEARCHED / 1024} KiB each)`;
  const packagedNote = ignored.length > 0 ? [`ignored ${ignored.length} unmodified packaged file(s) with example keys: ${ignored.slice(0, 5).join(", ")}${ignored.length > 5 ? ", ..." : ""}`] : [];
  return [
    { id: "credentials.private-keys", problems: keys, evidence: [walked, ...packagedNote] },
    { id: "credentials.x509", problems: x509, evidence: [walked] },
    credentialFiles(fs),
  ];
}

/** A Python byte-code cache whose source file is exactly as packaged (byte-compiled at install time). */
function compiledFromPackaged(fs: RootFs, packaged: PackagedFiles, path: string): boolean {
  const m = /^(.*)\/__pycache__\/([^/.]+)\.[^/]*\.pyc$/.exec(path);
  if (!m) return false;
  const source = `${m[1]}/${m[2]}.py`;
  const data = fs.readBytes(source, MAX_SEARCHED);
  return data !== undefined && packaged.unmodified(source, data);
}

// Relative to a home directory; a file that exists and is not empty is a finding.
const CREDENTIAL_FILES = [
  ".netrc",
  ".git-credentials",
  ".aws/credentials",
  ".docker/config.json",
  ".pgpass",
  ".my.cnf",
  ".kube/config",
  ".s3cfg",
  ".boto",
  ".vault-token",
  ".npmrc",
  ".pypirc",
  ".config/gcloud/credentials.db",
  ".config/gh/hosts.yml",
  ".config/openstack/clouds.yaml",
  ".config/openstack/secure.yaml",
  ".gnupg/private-keys-v1.d",
];

function credentialFiles(fs: RootFs): Outcome {
  const problems: Problem[] = [];
  const hs = homes(fs);
  for (const h of hs) {
    for (const rel of CREDENTIAL_FILES) {
      const p = `${h.dir}/${rel}`;
      const st = fs.stat(p);
      if (!st) continue;
      if (st.isDirectory() ? fs.list(p).length > 0 : st.size > 0) problems.push({ subject: p, message: `${p} (${h.user}) stores credentials` });
    }
  }
  for (const p of ["/etc/openstack/clouds.yaml", "/etc/docker/daemon.json.key"]) {
    if ((fs.stat(p)?.size ?? 0) > 0) problems.push({ subject: p, message: `${p} stores credentials` });
  }
  return { id: "credentials.files", problems, evidence: [`looked in ${hs.map((h) => h.dir).join(", ") || "no home directory"}`] };
}
