import { describe, expect, it } from "vitest";
import { requestImages } from "./images.js";

const png = { mediaType: "image/png", data: "iVBORw0K" };
const url = `data:${png.mediaType};base64,${png.data}`;

describe("requestImages", () => {
  it("reads the images of each protocol's request body, in order", () => {
    const text = { type: "text", text: "look" };
    expect(requestImages("openai-chat", { messages: [{ role: "user", content: [text, { type: "image_url", image_url: { url } }] }] })).toEqual([png]);
    expect(requestImages("openai-responses", { input: [{ role: "user", content: [{ type: "input_image", image_url: url }] }] })).toEqual([png]);
    expect(
      requestImages("anthropic", {
        messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: png.data } }] }],
      }),
    ).toEqual([png]);
    expect(requestImages("google", { contents: [{ parts: [{ text: "look" }, { inlineData: { mimeType: "image/png", data: png.data } }] }] })).toEqual([png]);
    expect(requestImages("ollama", { messages: [{ role: "user", content: "look", images: [png.data] }] })).toEqual([{ mediaType: "", data: png.data }]);
  });

  it("records an image sent as a link by its link, and finds none in a text-only request", () => {
    expect(requestImages("openai-responses", { input: [{ role: "user", content: [{ type: "input_image", image_url: "https://x/y.png" }] }] })).toEqual([
      { mediaType: "", data: "", url: "https://x/y.png" },
    ]);
    expect(requestImages("anthropic", { messages: [{ role: "user", content: "hi" }] })).toEqual([]);
    expect(requestImages("openai-chat", undefined)).toEqual([]);
  });
});
