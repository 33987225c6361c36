/**
 * A message's identity is (origin node id, seq), the same on every node. Its printable form uses the first
 * 16 hex digits of the origin: 64 bits, more than enough to keep a LAN's authors apart.
 */
export function messageId(origin: Uint8Array, seq: number): string {
  return storedMessageId({ origin: Buffer.from(origin.subarray(0, 8)).toString('hex'), seq });
}

/** messageId of a message whose origin is known in hex (as the store keeps it). */
export function storedMessageId({ origin, seq }: { origin: string; seq: number }): string {
  return `${origin.slice(0, 16)}-${seq}`;
}
