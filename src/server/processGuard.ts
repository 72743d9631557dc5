import { redact } from "../common/redact.js";

/**
 * Keeps the server process alive when an error escapes every handler. One process runs every
 * workspace's agent: a bug reachable from one connection or request (an unheard 'error' event, a
 * rejected promise nobody awaited) must not end the others' turns. Node's default for both is to
 * exit; here the error is logged (secrets redacted) and the server goes on.
 *
 * Returns a function that removes the guard.
 */
export function guardProcess(write: (line: string) => void = (line) => process.stderr.write(line)): () => void {
  // A server outlives the terminal or parent that started it: once its stdout or stderr is a
  // closed pipe, every log line fails with EPIPE. Unheard, that error would reach the guard below,
  // whose report fails the same way, and so on without end. Such a stream is simply given up.
  let stderrGone = false;
  const onOutputError = (stream: "stdout" | "stderr") => (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE" && err.code !== "ERR_STREAM_DESTROYED") throw err;
    if (stream === "stderr") stderrGone = true;
  };
  const onStdoutError = onOutputError("stdout");
  const onStderrError = onOutputError("stderr");
  process.stdout.on("error", onStdoutError);
  process.stderr.on("error", onStderrError);
  const report = (kind: string) => (err: unknown) => {
    if (stderrGone) return;
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    try {
      write(redact(`mux: ${kind} (the server keeps running): ${detail}\n`));
    } catch {
      // stderr gone (closed pipe): nothing left to tell
    }
  };
  const onException = report("uncaught error");
  const onRejection = report("unhandled rejection");
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  return () => {
    process.off("uncaughtException", onException);
    process.off("unhandledRejection", onRejection);
    process.stdout.off("error", onStdoutError);
    process.stderr.off("error", onStderrError);
  };
}
