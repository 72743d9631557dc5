import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { type FakeProvider, type FakeProviderOptions, startFakeProvider } from "../fake-provider/index.js";
import { tempDirs } from "./mux.js";

export type TempDirs = ReturnType<typeof tempDirs>;

/**
 * The usual end-to-end setup: one fake provider per file (expecting `token`), reset before each
 * test, and fresh temp directories (MUX_ROOT, a workspace) per test. `use` receives them.
 */
export function fakeProviderSuite(token: string, use: (s: { fake: FakeProvider; dirs: TempDirs }) => void, options: Omit<FakeProviderOptions, "token"> = {}) {
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await startFakeProvider({ ...options, token });
  });
  afterAll(() => fake.close());
  let dirs: TempDirs;
  beforeEach(() => {
    fake.reset();
    fake.setToken(token);
    dirs = tempDirs();
    use({ fake, dirs });
  });
  afterEach(() => dirs.cleanup());
}
