// A minimal TUF repository (root, timestamp, snapshot, targets; one ed25519 key) served on 127.0.0.1 whose
// only target is a Sigstore trusted_root.json. It lets the `sigstore` package's top-level verify() run
// offline exactly as it runs for a site against the public-good TUF mirror.
import { createServer } from "node:http";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { canonicalize } from "@tufjs/canonical-json";

export interface LocalTuf {
  mirrorURL: string;
  rootPath: string;
  cachePath: string;
  close(): Promise<void>;
}

export async function serveTrustedRoot(trustedRoot: object): Promise<LocalTuf> {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const key = { keytype: "ed25519", scheme: "ed25519", keyval: { public: publicKey.export({ type: "spki", format: "der" }).subarray(-32).toString("hex") } };
  const keyid = createHash("sha256").update(canonicalize(key)).digest("hex");
  const signed = (body: object) => ({
    signatures: [{ keyid, sig: sign(null, Buffer.from(canonicalize(body)), privateKey).toString("hex") }],
    signed: body,
  });
  const common = { spec_version: "1.0.31", version: 1, expires: new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, "Z") };
  const target = Buffer.from(JSON.stringify(trustedRoot));
  const role = { keyids: [keyid], threshold: 1 };
  const files: Record<string, Buffer> = {
    "/1.root.json": Buffer.from(JSON.stringify(signed({ _type: "root", ...common, consistent_snapshot: false, keys: { [keyid]: key }, roles: { root: role, timestamp: role, snapshot: role, targets: role } }))),
    "/targets.json": Buffer.from(JSON.stringify(signed({ _type: "targets", ...common, targets: { "trusted_root.json": { length: target.length, hashes: { sha256: createHash("sha256").update(target).digest("hex") } } } }))),
    "/snapshot.json": Buffer.from(JSON.stringify(signed({ _type: "snapshot", ...common, meta: { "targets.json": { version: 1 } } }))),
    "/timestamp.json": Buffer.from(JSON.stringify(signed({ _type: "timestamp", ...common, meta: { "snapshot.json": { version: 1 } } }))),
    "/targets/trusted_root.json": target,
  };
  const server = createServer((req, res) => {
    const body = files[req.url ?? ""];
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const dir = mkdtempSync(join(tmpdir(), "vmendorse-tuf-"));
  const rootPath = join(dir, "root.json");
  writeFileSync(rootPath, files["/1.root.json"]!);
  return {
    mirrorURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rootPath,
    cachePath: join(dir, "cache"),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
