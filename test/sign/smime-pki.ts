// A throw-away X.509 PKI made with the openssl CLI: a root CA, an optional intermediate, and endorser
// certificates with chosen validity periods (`openssl ca -startdate/-enddate`, so an expired
// certificate is a genuine one, not a mock).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Cert {
  cert: string;
  key: string;
  subject: string;
}

export interface Ca extends Cert {
  dir: string;
  issuer: string;
}

function ossl(args: string[]): string {
  return execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A self-signed root CA (subject in the "/DC=.../CN=..." form) in DIR/<name>. */
export function makeRootCa(dir: string, name: string, subject: string): Ca {
  const d = join(dir, name);
  mkdirSync(join(d, "newcerts"), { recursive: true });
  writeFileSync(join(d, "index.txt"), "");
  writeFileSync(join(d, "serial"), "1000\n");
  const key = join(d, "ca.key");
  const cert = join(d, "ca.pem");
  ossl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "30", "-subj", subject,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  return { dir: d, cert, key, subject, issuer: subject };
}

function caConfig(ca: Ca): string {
  const file = join(ca.dir, "ca.cnf");
  writeFileSync(file, [
    "[ca]", "default_ca = local",
    "[local]", `dir = ${ca.dir}`, "database = $dir/index.txt", "new_certs_dir = $dir/newcerts", "serial = $dir/serial",
    "default_md = sha256", "policy = anything", "unique_subject = no", "copy_extensions = none",
    "[anything]", "commonName = supplied",
    "[endorser]", "basicConstraints = critical,CA:FALSE", "keyUsage = critical,digitalSignature,nonRepudiation", "extendedKeyUsage = emailProtection,clientAuth",
    "[subca]", "basicConstraints = critical,CA:TRUE,pathlen:0", "keyUsage = critical,keyCertSign,cRLSign",
    "",
  ].join("\n"));
  return file;
}

/** openssl ca's GeneralizedTime form: YYYYMMDDHHMMSSZ. */
function genTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, "").replace(/\.\d{3}Z$/, "Z");
}

const DAY = 86_400_000;

/** A certificate issued by `ca`, valid from `fromDays` to `toDays` relative to now (negative = past). */
export function issue(ca: Ca, name: string, subject: string, fromDays: number, toDays: number, kind: "endorser" | "subca" = "endorser"): Cert & { issuer: string } {
  const key = join(ca.dir, `${name}.key`);
  const csr = join(ca.dir, `${name}.csr`);
  const cert = join(ca.dir, `${name}.pem`);
  ossl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr, "-subj", subject]);
  const now = Date.now();
  ossl(["ca", "-batch", "-config", caConfig(ca), "-cert", ca.cert, "-keyfile", ca.key, "-in", csr, "-out", cert, "-notext", "-preserveDN",
    "-extensions", kind, "-startdate", genTime(now + fromDays * DAY), "-enddate", genTime(now + toDays * DAY)]);
  return { cert, key, subject, issuer: ca.subject };
}

/** An intermediate CA issued by `root`, usable with issue(). */
export function makeSubCa(root: Ca, name: string, subject: string): Ca {
  const c = issue(root, name, subject, -1, 20, "subca");
  const d = join(root.dir, `${name}-ca`);
  mkdirSync(join(d, "newcerts"), { recursive: true });
  writeFileSync(join(d, "index.txt"), "");
  writeFileSync(join(d, "serial"), "2000\n");
  return { dir: d, cert: c.cert, key: c.key, subject, issuer: root.subject };
}
