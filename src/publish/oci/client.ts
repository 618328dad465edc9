// A minimal OCI distribution client: what publishing needs and no more. Blobs are uploaded with a
// POST (open an upload session) and one PUT carrying the body and its digest (the registry refuses
// the blob if the bytes do not hash to it); manifests are PUT by digest or tag and read back by digest.
// Authentication: HTTP Basic, or the Bearer token flow (Harbor, Docker Hub) with Basic credentials
// exchanged at the realm the registry names.
import type { Readable } from "node:stream";
import { fetchBuffered, follow, HttpStatusError, expectStatus, type Body, type HttpResponse } from "../http.js";
import { digestStream, type Digests } from "../../util/digest.js";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface Credentials {
  username?: string;
  password?: string;
}

export class OciClient {
  private tokens = new Map<string, string>();
  private basic: string | undefined;

  /** `base` is scheme://host[:port]; `name` the repository (namespace/appliance). */
  constructor(readonly base: string, readonly name: string, creds: Credentials = {}) {
    if (creds.username !== undefined) this.basic = "Basic " + Buffer.from(`${creds.username}:${creds.password ?? ""}`).toString("base64");
  }

  private url(path: string): string {
    return `${this.base}/v2/${this.name}/${path}`;
  }

  /** One request, answering an authentication challenge once. */
  private async request(method: string, url: string, headers: Record<string, string> = {}, body?: Body): Promise<HttpResponse> {
    const scopeKey = this.name;
    const auth = this.tokens.get(scopeKey) ?? this.basic;
    let res = await fetchBuffered({ method, url, headers: { ...headers, ...(auth ? { authorization: auth } : {}) }, ...(body ? { body } : {}) });
    if (res.status === 401) {
      const fresh = await this.authenticate(String(res.headers["www-authenticate"] ?? ""));
      if (fresh) {
        this.tokens.set(scopeKey, fresh);
        res = await fetchBuffered({ method, url, headers: { ...headers, authorization: fresh }, ...(body ? { body } : {}) });
      }
    }
    return res;
  }

  /** The Authorization value a challenge asks for, or undefined when we have nothing to offer. */
  private async authenticate(challenge: string): Promise<string | undefined> {
    const scheme = challenge.split(" ")[0]?.toLowerCase();
    if (scheme === "basic") return this.basic;
    if (scheme !== "bearer") return undefined;
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (!params.realm) return undefined;
    const u = new URL(params.realm);
    if (params.service) u.searchParams.set("service", params.service);
    // Ask for push and pull on our repository whatever the challenge named (it names what failed).
    u.searchParams.set("scope", `repository:${this.name}:pull,push`);
    const res = expectStatus(await fetchBuffered({ method: "GET", url: u.toString(), headers: this.basic ? { authorization: this.basic } : {} }), [200], `token from ${u.origin}${u.pathname}`);
    const json = JSON.parse(res.body.toString("utf8")) as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    return token ? `Bearer ${token}` : undefined;
  }

  /** Size of a blob the registry has, or undefined. */
  async blobSize(digest: string): Promise<number | undefined> {
    const res = await this.request("HEAD", this.url(`blobs/${digest}`));
    if (res.status === 404) return undefined;
    expectStatus(res, [200], `HEAD blob ${digest.slice(0, 19)}`);
    return Number(res.headers["content-length"] ?? NaN);
  }

  /** Monolithic upload: POST opens a session, PUT sends the bytes and the digest they must hash to. */
  async uploadBlob(digest: string, body: Body): Promise<void> {
    const start = expectStatus(await this.request("POST", this.url("blobs/uploads/")), [202], `start blob upload to ${this.name}`);
    const location = start.headers.location;
    if (!location) throw new Error(`start blob upload to ${this.name}: no Location header`);
    const u = new URL(location, this.base);
    u.searchParams.set("digest", digest);
    const put = await this.request("PUT", u.toString(), { "content-type": "application/octet-stream" }, body);
    expectStatus(put, [201], `upload blob ${digest.slice(0, 19)} to ${this.name}`);
  }

  /** Streams a blob back and hashes it (read-back after upload). */
  async blobDigests(digest: string): Promise<Digests> {
    const auth = this.tokens.get(this.name) ?? this.basic;
    const res = await follow({ method: "GET", url: this.url(`blobs/${digest}`), headers: auth ? { authorization: auth } : {} });
    if (res.statusCode !== 200) {
      res.resume();
      throw new HttpStatusError(`GET blob ${digest.slice(0, 19)}`, res.statusCode ?? 0, "");
    }
    return digestStream(res as Readable);
  }

  async putManifest(ref: string, bytes: Buffer, mediaType: string): Promise<{ digest: string; subjectSupported: boolean }> {
    const res = expectStatus(await this.request("PUT", this.url(`manifests/${ref}`), { "content-type": mediaType }, bytes), [201], `PUT manifest ${this.name}:${ref}`);
    return { digest: String(res.headers["docker-content-digest"] ?? ""), subjectSupported: res.headers["oci-subject"] !== undefined };
  }

  /** A manifest or index by tag or digest, with the exact bytes the registry holds; undefined if absent. */
  async getManifest(ref: string): Promise<{ bytes: Buffer; mediaType: string; digest: string } | undefined> {
    const res = await this.request("GET", this.url(`manifests/${ref}`), { accept: `${OCI_MANIFEST}, ${OCI_INDEX}` });
    if (res.status === 404) return undefined;
    expectStatus(res, [200], `GET manifest ${this.name}:${ref}`);
    return { bytes: res.body, mediaType: String(res.headers["content-type"] ?? ""), digest: String(res.headers["docker-content-digest"] ?? "") };
  }

  /** Referrers of a manifest through the referrers API; undefined when the registry lacks it. */
  async referrers(digest: string): Promise<Descriptor[] | undefined> {
    const res = await this.request("GET", this.url(`referrers/${digest}`), { accept: OCI_INDEX });
    if (res.status === 404 || res.status === 405) return undefined;
    expectStatus(res, [200], `GET referrers of ${digest.slice(0, 19)}`);
    const index = JSON.parse(res.body.toString("utf8")) as { manifests?: Descriptor[] };
    return index.manifests ?? [];
  }

  async tags(): Promise<string[]> {
    const res = await this.request("GET", this.url("tags/list"));
    if (res.status === 404) return [];
    expectStatus(res, [200], `GET tags of ${this.name}`);
    return (JSON.parse(res.body.toString("utf8")) as { tags?: string[] | null }).tags ?? [];
  }
}
