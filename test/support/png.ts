import { crc32, deflateSync } from 'node:zlib';

/**
 * A valid 8-bit RGB PNG whose rows `row(y)` gives (3 bytes a pixel, without the filter byte).
 * `level` 0 stores the pixels uncompressed, as a noisy screenshot nearly is.
 *
 * Usage:
 *   const png = rgbPng(120, 80, (y) => Buffer.alloc(120 * 3, y));
 */
export function rgbPng(width: number, height: number, row: (y: number) => Buffer, level = 6): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) row(y).copy(rows, y * (width * 3 + 1) + 1, 0, width * 3);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level })), chunk('IEND', Buffer.alloc(0))]);
}
