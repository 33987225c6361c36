/** Two origins, and a stand-in message of `size` bytes (its bytes all `seq`): what splitting into runs reads. */
export const A = 'a1'.repeat(32);
export const B = 'b2'.repeat(32);

export function runMessage(origin: string, seq: number, size = 10): { origin: string; seq: number; bytes: Uint8Array } {
  return { origin, seq, bytes: new Uint8Array(size).fill(seq & 0xff) };
}
