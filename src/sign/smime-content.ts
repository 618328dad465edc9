// Reads the signed content out of a multipart/signed S/MIME message without verifying it: enough to
// tell whether FILE.smime still signs the current FILE (a stale signature must not be published).
// Verification itself is openssl's job (smime.ts).

/** The first MIME part of a multipart/signed message, with LF line ends, or undefined if not one. */
export function signedText(smime: string): string | undefined {
  const headerEnd = smime.search(/\r?\n\r?\n/);
  if (headerEnd < 0) return undefined;
  const header = smime.slice(0, headerEnd);
  if (!/^Content-Type:\s*multipart\/signed/im.test(header)) return undefined;
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(header)?.[1];
  if (!boundary) return undefined;
  const delimiter = `--${boundary}`;
  const open = smime.indexOf(`${delimiter}\n`, headerEnd) >= 0 ? smime.indexOf(`${delimiter}\n`, headerEnd) : smime.indexOf(`${delimiter}\r\n`, headerEnd);
  if (open < 0) return undefined;
  const start = smime.indexOf("\n", open) + 1;
  // The line break before the next delimiter belongs to the delimiter (RFC 2046).
  const close = smime.indexOf(`\n${delimiter}`, start);
  if (close < 0) return undefined;
  return smime.slice(start, close).replace(/\r$/, "").replace(/\r\n/g, "\n");
}
