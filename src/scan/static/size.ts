// Image size: the hard limit of image.yaml (scan.max_size_mb) and the seed's 1.5 GB recommendation.
import type { Outcome } from "../types.js";

export const RECOMMENDED_MB = 1536;
const MB = 1024 * 1024;

export function checkSize(sizeBytes: number, maxSizeMb: number | undefined, what: string): Outcome[] {
  const mb = (sizeBytes / MB).toFixed(1);
  const limit = maxSizeMb ?? RECOMMENDED_MB;
  const limitFrom = maxSizeMb === undefined ? "the default limit" : "image.yaml scan.max_size_mb";
  return [
    {
      id: "image.size",
      problems: sizeBytes > limit * MB ? [{ subject: what, message: `${what} is ${mb} MB, above ${limitFrom} of ${limit} MB` }] : [],
      evidence: [`${what}: ${mb} MB (${sizeBytes} bytes), limit ${limit} MB (${limitFrom})`],
    },
    {
      id: "image.size-recommended",
      problems: sizeBytes > RECOMMENDED_MB * MB ? [{ subject: what, message: `${what} is ${mb} MB, above the recommended ${RECOMMENDED_MB} MB (1.5 GB)` }] : [],
      evidence: [`${mb} MB, recommended below ${RECOMMENDED_MB} MB`],
    },
  ];
}
