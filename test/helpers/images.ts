import { deflateSync } from "node:zlib";

/** Real, decodable images for tests (browsers and providers' checks read them like any other). */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A PNG of this size: a colour gradient, or random noise (`noise`, which barely compresses:
 * a way to make a large file).
 */
export function makePng(width: number, height: number, { noise = false } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  let seed = 7;
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const i = row + 1 + x * 3;
      if (noise) {
        for (let c = 0; c < 3; c++) {
          seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
          rows[i + c] = seed >>> 24;
        }
      } else {
        rows[i] = (x * 255) / Math.max(1, width - 1);
        rows[i + 1] = (y * 255) / Math.max(1, height - 1);
        rows[i + 2] = 128;
      }
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The first bytes of a JPEG, a GIF and a WebP of this size: enough for the format and size to be read. */
export function imageHeaders(width: number, height: number): { jpeg: Buffer; gif: Buffer; webp: Buffer } {
  const be = (n: number) => [n >> 8, n & 0xff];
  const le = (n: number) => [n & 0xff, n >> 8];
  const jpeg = Buffer.from([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0x00,
    0x10,
    ...Buffer.from("JFIF\0"),
    1,
    1,
    0,
    0,
    1,
    0,
    1,
    0,
    0,
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    ...be(height),
    ...be(width),
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ]);
  const gif = Buffer.from([...Buffer.from("GIF89a"), ...le(width), ...le(height), 0, 0, 0]);
  const w = width - 1;
  const h = height - 1;
  const webp = Buffer.from([
    ...Buffer.from("RIFF"),
    0,
    0,
    0,
    0,
    ...Buffer.from("WEBPVP8X"),
    10,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    w & 0xff,
    (w >> 8) & 0xff,
    w >> 16,
    h & 0xff,
    (h >> 8) & 0xff,
    h >> 16,
  ]);
  return { jpeg, gif, webp };
}
