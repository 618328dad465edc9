// A small HTTP client over node:http(s) for the publishers: streamed request bodies with a known length
// (images are large), buffered or streamed responses, redirects for GET/HEAD, and errors that keep the
// status so the retry policy can tell transient (5xx) from final (4xx) failures.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import { isTransientStatus } from "./retry.js";

export type Body = Buffer | { length: number; open: () => Readable };

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Body;
  /** Socket inactivity limit. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
}

/** A response with an unexpected status; 5xx/429/408 count as transient. */
export class HttpStatusError extends Error {
  constructor(readonly what: string, readonly status: number, readonly body: string) {
    super(`${what}: HTTP ${status}${body ? ` (${body.slice(0, 300).replace(/\s+/g, " ").trim()})` : ""}`);
    this.name = "HttpStatusError";
  }
  get transient(): boolean {
    return isTransientStatus(this.status);
  }
}

const MAX_BUFFERED = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;

/** Sends a request and returns the raw response stream (the caller must consume or destroy it). */
export function send(req: HttpRequest): Promise<IncomingMessage & { url: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(req.url);
    const fn = url.protocol === "https:" ? httpsRequest : url.protocol === "http:" ? httpRequest : undefined;
    if (!fn) return reject(new Error(`${req.url}: unsupported scheme ${url.protocol}`));
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    const body = req.body;
    if (body !== undefined) headers["content-length"] = String(Buffer.isBuffer(body) ? body.length : body.length);
    const r = fn(url, { method: req.method, headers, timeout: req.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    r.on("timeout", () => r.destroy(Object.assign(new Error(`${req.method} ${url.origin}${url.pathname}: timed out`), { code: "ETIMEDOUT" })));
    r.on("error", reject);
    r.on("response", (res) => resolve(Object.assign(res, { url: req.url })));
    if (body === undefined) r.end();
    else if (Buffer.isBuffer(body)) r.end(body);
    else {
      const src = body.open();
      src.on("error", (e) => r.destroy(e));
      src.pipe(r);
    }
  });
}

async function readAll(res: IncomingMessage, limit = MAX_BUFFERED): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res) {
    n += (c as Buffer).length;
    if (n > limit) {
      res.destroy();
      throw new Error(`response larger than ${limit} bytes`);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A request whose response body is read into memory (metadata, manifests, small files). */
export async function fetchBuffered(req: HttpRequest): Promise<HttpResponse> {
  const res = await follow(req);
  const body = req.method === "HEAD" ? Buffer.alloc(0) : await readAll(res);
  return { status: res.statusCode ?? 0, headers: res.headers, body, url: res.url };
}

/**
 * Follows up to five redirects for GET and HEAD; credentials are dropped when the redirect leaves the
 * origin (registries send blob downloads to object storage with a pre-signed URL).
 */
export async function follow(req: HttpRequest): Promise<IncomingMessage & { url: string }> {
  let cur = req;
  for (let hop = 0; ; hop++) {
    const res = await send(cur);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(status) || !location || (cur.method !== "GET" && cur.method !== "HEAD") || hop >= 5) return res;
    res.resume();
    const next = new URL(location, cur.url);
    const headers = { ...(cur.headers ?? {}) };
    if (next.origin !== new URL(cur.url).origin) delete headers.authorization;
    cur = { ...cur, url: next.toString(), headers };
  }
}

export function expectStatus(res: HttpResponse, ok: number[], what: string): HttpResponse {
  if (!ok.includes(res.status)) throw new HttpStatusError(what, res.status, res.body.toString("utf8"));
  return res;
}
