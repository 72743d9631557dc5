import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { type FakeProvider, startFakeProvider } from "../fake-provider/index.js";
import { tempDirs } from "./mux.js";
import { type ApiClient, type Connection, connect, type ServerProcess, startServer } from "./server.js";

export interface ServerSuite {
  fake: FakeProvider;
  dirs: ReturnType<typeof tempDirs>;
  server: ServerProcess;
  conn: Connection;
  api: ApiClient;
}

interface SuiteOptions {
  /** Runs after the fake provider and the temp dirs exist, before the server starts (write files, set a responder). */
  prepare?: (suite: Pick<ServerSuite, "fake" | "dirs">) => void;
  /** Clear the fake provider's script and requests before each test (default true). */
  resetEach?: boolean;
}

/**
 * One real `mux server` (Anthropic key `key`, pointed at the fake provider) for a whole test file:
 * started before its tests, stopped after them, and nothing may have been logged to stderr.
 * The fields are filled in once the file's tests start.
 */
export function serverSuite(key: string, options: SuiteOptions = {}): ServerSuite {
  const suite = {} as ServerSuite;
  beforeAll(async () => {
    suite.fake = await startFakeProvider({ token: key });
    suite.dirs = tempDirs();
    options.prepare?.(suite);
    suite.server = await startServer({
      muxRoot: suite.dirs.muxRoot,
      env: { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: suite.fake.url },
    });
    suite.conn = await connect(suite.server);
    suite.api = suite.conn.api;
  });
  afterAll(async () => {
    suite.conn?.close();
    await suite.server?.stop();
    // Nothing went wrong behind the scenes (the server logs problems to stderr).
    expect(suite.server.output().stderr).toBe("");
    await suite.fake?.close();
    suite.dirs?.cleanup();
  });
  if (options.resetEach !== false) beforeEach(() => suite.fake.reset());
  return suite;
}
