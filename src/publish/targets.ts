// Where `vmendorse publish --to` sends things. Appliance repositories (dir:, http:, oci:) receive the
// built artifacts; dir:, http: and github: receive the signed list; appdb: registers appliance versions.
import { isAbsolute, resolve } from "node:path";
import { UsageError } from "../util/diagnostic.js";

export type Target =
  | { kind: "dir"; path: string }
  | { kind: "http"; base: string }
  | { kind: "oci"; registry: string; namespace: string; scheme: "http" | "https" }
  | { kind: "appdb"; base: string }
  | { kind: "github"; owner: string; repo: string };

export const DEFAULT_TARGET_DIR = "out/repository";

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;
// OCI distribution spec: path components of a repository name.
const OCI_COMPONENT = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/;
const GH_NAME = /^[A-Za-z0-9_.-]+$/;

/** Parses one --to value; relative dir: paths are taken from `cwd`. */
export function parseTarget(spec: string, cwd: string): Target {
  const colon = spec.indexOf(":");
  const scheme = colon > 0 ? spec.slice(0, colon) : "";
  const rest = colon > 0 ? spec.slice(colon + 1) : "";
  const bad = (why: string) => new UsageError(`--to ${spec}: ${why}`);
  switch (scheme) {
    case "dir":
      if (!rest) throw bad("dir: needs a path");
      return { kind: "dir", path: isAbsolute(rest) ? rest : resolve(cwd, rest) };
    case "http":
    case "https": {
      // Both "http:https://host/path" (scheme prefix + URL) and a plain "https://host/path" are accepted.
      const url = rest.startsWith("//") ? spec : rest;
      return { kind: "http", base: httpBase(url, bad) };
    }
    case "oci": {
      const m = /^(?:(https?):\/\/)?([^/]+)\/(.+)$/.exec(rest);
      if (!m) throw bad("expected oci:HOST[:PORT]/NAMESPACE");
      const [, explicit, registry, namespace] = m as unknown as [string, string | undefined, string, string];
      for (const c of namespace.split("/")) if (!OCI_COMPONENT.test(c)) throw bad(`"${c}" is not a valid repository name component (lower-case letters, digits, . _ -)`);
      // Plain HTTP only when asked for, or for a registry on this machine (as container tools do).
      const scheme = (explicit as "http" | "https" | undefined) ?? (LOOPBACK.test(registry) ? "http" : "https");
      return { kind: "oci", registry, namespace, scheme };
    }
    case "appdb":
      return { kind: "appdb", base: httpBase(rest, bad) };
    case "github": {
      const parts = rest.split("/");
      if (parts.length !== 2 || !parts.every((p) => GH_NAME.test(p))) throw bad("expected github:OWNER/REPO");
      return { kind: "github", owner: parts[0]!, repo: parts[1]! };
    }
    default:
      throw bad("unknown kind; use dir:PATH, oci:HOST/NAMESPACE, http:URL, appdb:URL or github:OWNER/REPO");
  }
}

function httpBase(url: string, bad: (why: string) => Error): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad(`"${url}" is not a URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw bad(`"${url}" is not an http(s) URL`);
  if (u.search || u.hash) throw bad("the URL may not have a query or fragment");
  return u.toString().replace(/\/+$/, "");
}

/** A target as shown in messages: never with credentials. */
export function describeTarget(t: Target): string {
  switch (t.kind) {
    case "dir":
      return `dir:${t.path}`;
    case "http":
    case "appdb": {
      const u = new URL(t.base);
      u.username = "";
      u.password = "";
      return `${t.kind === "http" ? "http:" : "appdb:"}${u.toString().replace(/\/+$/, "")}`;
    }
    case "oci":
      return `oci:${t.registry}/${t.namespace}`;
    case "github":
      return `github:${t.owner}/${t.repo}`;
  }
}

export const takesArtifacts = (t: Target) => t.kind === "dir" || t.kind === "http" || t.kind === "oci";
export const takesList = (t: Target) => t.kind === "dir" || t.kind === "http" || t.kind === "github";
