import { createHash, timingSafeEqual } from 'node:crypto';

/** WeChat's signature: SHA-1 hex of token, timestamp and nonce sorted and concatenated. */
export function officialSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

export function verifyOfficialSignature(
  token: string,
  query: { signature?: string; timestamp?: string; nonce?: string },
): boolean {
  const { signature, timestamp, nonce } = query;
  if (!signature || !timestamp || !nonce) return false;
  const expected = Buffer.from(officialSignature(token, timestamp, nonce));
  const given = Buffer.from(signature.toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}
