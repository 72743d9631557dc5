import { describe, expect, it } from "vitest";
import { imageHeaders, makePng } from "../../test/helpers/images.js";
import { MAX_IMAGE_BYTES, MAX_IMAGES_PER_MESSAGE } from "../providers/images.js";
import { ImageAttachmentSchema, ImageAttachmentsSchema, imagePart, storedImage } from "./images.js";
import { SendMessageSchema } from "./schemas.js";

const png = makePng(4, 3).toString("base64");
const firstIssue = (r: { error?: { issues: { message: string }[] } }) => r.error?.issues[0]?.message;

describe("ImageAttachmentSchema", () => {
  it("takes a PNG, JPEG, WebP or GIF labelled as what its bytes are", () => {
    expect(ImageAttachmentSchema.safeParse({ mediaType: "image/png", data: png, filename: "shot.png" }).success).toBe(true);
    for (const [type, bytes] of Object.entries(imageHeaders(10, 10))) {
      expect(ImageAttachmentSchema.safeParse({ mediaType: `image/${type}`, data: bytes.toString("base64") }).success).toBe(true);
    }
  });

  it("refuses other media types, bytes that are no image, and a label that lies", () => {
    expect(firstIssue(ImageAttachmentSchema.safeParse({ mediaType: "image/svg+xml", data: png }))).toBe("images must be PNG, JPEG, WebP or GIF");
    const pdf = Buffer.from("%PDF-1.7 ...").toString("base64");
    expect(firstIssue(ImageAttachmentSchema.safeParse({ mediaType: "image/png", data: pdf, filename: "a.png" }))).toBe(
      "a.png is not a PNG, JPEG, WebP or GIF image",
    );
    expect(firstIssue(ImageAttachmentSchema.safeParse({ mediaType: "image/jpeg", data: png }))).toBe("the image is image/png, not image/jpeg");
    expect(firstIssue(ImageAttachmentSchema.safeParse({ mediaType: "image/png", data: "not base64!" }))).toBe("image data must be base64");
  });

  it("refuses an image over the size cap, naming it", () => {
    const big = Buffer.concat([makePng(4, 3), Buffer.alloc(MAX_IMAGE_BYTES)]).toString("base64");
    expect(firstIssue(ImageAttachmentSchema.safeParse({ mediaType: "image/png", data: big }))).toBe("an image may have at most 5 MB");
    const justUnder = Buffer.concat([makePng(4, 3), Buffer.alloc(MAX_IMAGE_BYTES - 200)]).toString("base64");
    expect(ImageAttachmentSchema.safeParse({ mediaType: "image/png", data: justUnder }).success).toBe(true);
  });

  it("caps how many bytes of images a message carries together (they must fit one frame of the API)", () => {
    const image = { mediaType: "image/png" as const, data: Buffer.concat([makePng(4, 3), Buffer.alloc(3_500_000)]).toString("base64") };
    expect(ImageAttachmentsSchema.safeParse([image, image]).success).toBe(true);
    expect(firstIssue(ImageAttachmentsSchema.safeParse([image, image, image]))).toBe("the images of a message may have at most 10 MB together");
  });

  it("caps how many images a message carries", () => {
    const one = { mediaType: "image/png" as const, data: png };
    expect(ImageAttachmentsSchema.safeParse(Array(MAX_IMAGES_PER_MESSAGE).fill(one)).success).toBe(true);
    expect(firstIssue(ImageAttachmentsSchema.safeParse(Array(MAX_IMAGES_PER_MESSAGE + 1).fill(one)))).toBe(
      `a message may carry at most ${MAX_IMAGES_PER_MESSAGE} images`,
    );
  });
});

describe("SendMessageSchema", () => {
  it("takes images without text, but not a message with neither", () => {
    expect(SendMessageSchema.safeParse({ workspaceId: "w", text: "", images: [{ mediaType: "image/png", data: png }] }).success).toBe(true);
    expect(firstIssue(SendMessageSchema.safeParse({ workspaceId: "w", text: "" }))).toBe("a message needs text or an image");
  });
});

describe("imagePart", () => {
  it("stores an image as the original Mux does: a file part with a data: URL", () => {
    const part = imagePart({ mediaType: "image/png", data: png, filename: "shot.png" });
    expect(part).toEqual({ type: "file", mediaType: "image/png", url: `data:image/png;base64,${png}`, filename: "shot.png" });
    expect(storedImage(part)).toEqual({
      bytes: makePng(4, 3).length,
      data: new Uint8Array(makePng(4, 3)),
      info: { mediaType: "image/png", width: 4, height: 3 },
    });
  });
});
