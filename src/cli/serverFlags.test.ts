import { describe, expect, it } from "vitest";
import { splitServerArgs } from "./serverFlags.js";

describe("mux server's arguments", () => {
  it("keeps every flag it knows, the original's short forms and values starting with a dash included", () => {
    const args = [
      "-h",
      "0.0.0.0",
      "-p4000",
      "--port=5000",
      "--auth-token",
      "-tok",
      "--print-auth-token",
      "--allow-http-origin",
      "--ssh-host",
      "devbox",
      "--open-mode",
      "pinned",
      "--add-project",
      "/a",
      "--no-auth",
    ];
    expect(splitServerArgs(args)).toEqual({ known: args, dropped: [] });
  });

  it("drops unknown flags (with the word after them, their value) and stray words, naming each without its value", () => {
    const r = splitServerArgs(["--some-unknown-flag", "--port", "4000", "--secretish", "s3cret", "--x=1", "stray", "--add-project", "/p"]);
    expect(r.known).toEqual(["--port", "4000", "--add-project", "/p"]);
    expect(r.dropped).toEqual(["--some-unknown-flag", "--secretish", "--x", 'argument "stray"']);
  });
});
