import { describe, expect, it } from "vitest";
import { imageHeaders, makePng } from "../../test/helpers/images.js";
import { imageInfo } from "./imageInfo.js";

describe("imageInfo", () => {
  it("reads the format and size of PNG, JPEG, GIF and WebP from their bytes", () => {
    const { jpeg, gif, webp } = imageHeaders(640, 480);
    expect(imageInfo(makePng(3, 2))).toEqual({ mediaType: "image/png", width: 3, height: 2 });
    expect(imageInfo(jpeg)).toEqual({ mediaType: "image/jpeg", width: 640, height: 480 });
    expect(imageInfo(gif)).toEqual({ mediaType: "image/gif", width: 640, height: 480 });
    expect(imageInfo(webp)).toEqual({ mediaType: "image/webp", width: 640, height: 480 });
  });

  it("knows nothing of other files, or of an image cut short", () => {
    expect(imageInfo(Buffer.from("%PDF-1.7 not an image at all"))).toBeUndefined();
    expect(imageInfo(makePng(3, 2).subarray(0, 20))).toBeUndefined();
    expect(imageInfo(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBeUndefined();
  });
});
