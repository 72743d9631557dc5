/** A message a user can act on, from an oRPC error (its `message`) or anything else thrown. */
export function errorMessage(err: unknown): string {
  if (err && typeof err === "object" && "message" in err && typeof err.message === "string" && err.message) return err.message;
  return String(err);
}
