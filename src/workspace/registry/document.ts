import { type Decoded, decodeRegistry } from "./decode.js";
import { isOwnFormat, ownFormatToShared } from "./ownFormat.js";
import { isObject, type RawRegistry, RegistryFormatError } from "./raw.js";

/**
 * The registry file's parsed JSON as a document in the shared format (ours from before is
 * converted in memory: the file itself changes only when something is saved) and what it holds.
 * Throws RegistryFormatError for content neither format can hold.
 */
export function readRegistryDocument(value: unknown, muxRoot: string): { doc: RawRegistry; decoded: Decoded } {
  if (!isObject(value)) throw new RegistryFormatError("the top level", "expected an object");
  const doc = isOwnFormat(value) ? ownFormatToShared(value) : (value as RawRegistry);
  return { doc, decoded: decodeRegistry(doc, muxRoot) };
}
