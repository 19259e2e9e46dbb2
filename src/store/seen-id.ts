const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** murmur3's finalizer: every input bit reaches every output bit. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function digits(n: number, out: string): string {
  for (let i = 0; i < 6; i++, n >>>= 6) out += DIGITS[n & 63]!;
  return out;
}

/**
 * The id a message is remembered by in its conversation's dedupe window: 12 characters of two
 * independent 32-bit hashes of its key. Always 12, so the window is the ids side by side, with no
 * separator a key could contain. A web message's key is 40 characters (a UUID); two of one
 * conversation's 64 latest messages sharing an id (p ~ 1e-16) is out of reach. Not a cryptographic
 * hash: SHA-1 cost 1.6% of a loaded server's CPU, and a customer who crafted message ids to collide
 * could only drop their own message.
 */
export function seenId(dedupeKey: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < dedupeKey.length; i++) {
    const c = dedupeKey.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return digits(mix(b ^ dedupeKey.length), digits(mix(a), ''));
}
