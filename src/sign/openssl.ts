// Runs Debian's `openssl` CLI (execFile, no shell): the tool HEPiX consumers themselves verify with.
import { execFile } from "node:child_process";

export class OpensslError extends Error {
  constructor(message: string, readonly stderr: string) {
    super(message);
    this.name = "OpensslError";
  }
}

export function openssl(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("openssl", args, { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return reject(new OpensslError("openssl not found (install the Debian package openssl)", ""));
      reject(new OpensslError(`openssl ${args[0]} failed: ${firstLines(stderr) || err.message}`, stderr));
    });
    // Never let openssl wait for a passphrase on the terminal.
    child.stdin?.end();
  });
}

/** The first meaningful lines of openssl's error output, without its internal source locations. */
export function firstLines(stderr: string, n = 3): string {
  return stderr
    .split("\n")
    .map((l) => l.replace(/^[0-9A-F]{8,}:error:[0-9A-F]+:/, "").replace(/:\.\.\/[^:]*:\d+:?/, ": ").replace(/[:\s]+$/, "").trim())
    .filter((l) => l !== "")
    .slice(0, n)
    .join("; ");
}

/** Subject and issuer of a PEM certificate in the one-line "/DC=org/CN=Name" form HEPiX lists use. */
export async function certificateNames(certFile: string): Promise<{ subject: string; issuer: string }> {
  // -nameopt compat is X509_NAME_oneline, the form vmcatcher and hepixvmitrust compare with hv:dn/hv:ca.
  const out = await openssl(["x509", "-in", certFile, "-noout", "-subject", "-issuer", "-nameopt", "compat"]);
  const subject = /^subject=(.*)$/m.exec(out)?.[1]?.trim();
  const issuer = /^issuer=(.*)$/m.exec(out)?.[1]?.trim();
  if (subject === undefined || issuer === undefined) throw new OpensslError(`cannot read subject/issuer of ${certFile}`, out);
  return { subject, issuer };
}
