/**
 * Fetching a file over HTTP(S) and checking its sha256. The checksum is taken over the content with
 * line endings normalised to LF, because the same data is served with CRLF or LF depending on the
 * mirror; a mismatch is always an error and the bad bytes are never written to disk.
 */
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { HyperforceError } from "../errors/errors.ts";

/** A download that failed: network, HTTP status, or a checksum that does not match. */
export class DownloadError extends HyperforceError {
  constructor(message: string) {
    super(message);
    this.name = "DownloadError";
  }
}

const CR = 0x0d;
const LF = 0x0a;

/** The bytes with CRLF and lone CR line endings turned into LF. */
export function normalizeLineEndings(bytes: Uint8Array): Uint8Array {
  if (!bytes.includes(CR)) return bytes;
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === CR) {
      out[n++] = LF;
      if (bytes[i + 1] === LF) i++;
    } else {
      out[n++] = byte;
    }
  }
  return out.subarray(0, n);
}

/** Hex sha256 of the content with line endings normalised to LF. */
export function contentSha256(bytes: Uint8Array): string {
  return createHash("sha256").update(normalizeLineEndings(bytes)).digest("hex");
}

const DOWNLOAD_TIMEOUT_MS = 120_000;

/**
 * Downloads `url`, checks the content's sha256 against `expectedSha256`, and only then writes the
 * bytes (as received) to `destination` through a temporary file and a rename, so a reader never
 * sees a partial file. Returns the bytes.
 */
export async function downloadVerified(url: string, destination: string, expectedSha256: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: "follow" });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    const reason = error instanceof Error ? error.message : String(error);
    throw new DownloadError(`downloading ${url} failed (${reason}${cause})`);
  }
  if (!response.ok) {
    throw new DownloadError(
      `downloading ${url} failed with HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`,
    );
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const actual = contentSha256(bytes);
  if (actual !== expectedSha256) {
    throw new DownloadError(
      `the file downloaded from ${url} has sha256 ${actual} but ${expectedSha256} was expected ` +
        "(line endings normalised to LF); it was not saved",
    );
  }
  mkdirSync(dirname(destination), { recursive: true });
  const partial = `${destination}.${process.pid}.partial`;
  try {
    writeFileSync(partial, bytes);
    renameSync(partial, destination);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  return bytes;
}
