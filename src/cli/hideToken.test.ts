import { expect, it } from "vitest";
import { maskTokenArgs } from "./hideToken.js";

it("masks the token given with --auth-token, in both spellings, and nothing else", () => {
  expect(maskTokenArgs(["server", "--auth-token", "s3cret", "--port", "0"])).toEqual(["server", "--auth-token", "***", "--port", "0"]);
  expect(maskTokenArgs(["server", "--auth-token=s3cret"])).toEqual(["server", "--auth-token=***"]);
  expect(maskTokenArgs(["server", "--host", "localhost"])).toEqual(["server", "--host", "localhost"]);
});
