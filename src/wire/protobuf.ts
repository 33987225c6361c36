/**
 * The protobuf types and codecs generated from proto/lanchat.proto.
 *
 * uint64 fields (times, sequence numbers) stay well below 2^53, so they are decoded as plain numbers
 * rather than Long objects: protobufjs picks the representation from `util.Long` when a reader method
 * runs, and clearing it here makes every decoder in the process return numbers.
 */
import protobuf from 'protobufjs/minimal.js';
import { lanchat } from './generated/lanchat.js';

protobuf.util.Long = null as unknown as typeof protobuf.util.Long;
protobuf.configure();

/**
 * A field absent from the wire reads as its prototype's default, and the generated module set those
 * when it loaded, before util.Long was cleared: every uint64 default is a Long zero, not 0. A decoded
 * version entry of seq 0 (proto3 does not send zeros) was such a Long, and was taken for junk.
 */
function numberDefaults(namespace: object): void {
  for (const type of Object.values(namespace)) {
    if (typeof type !== 'function') continue;
    const proto = (type as { prototype?: object }).prototype;
    if (proto !== undefined) {
      for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
        if (isLongZero(descriptor.value)) Object.defineProperty(proto, key, { ...descriptor, value: 0 });
      }
    }
    numberDefaults(type); // nested types
  }
}

function isLongZero(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { low, high, unsigned } = value as { low?: unknown; high?: unknown; unsigned?: unknown };
  return low === 0 && high === 0 && typeof unsigned === 'boolean';
}

numberDefaults(lanchat);

export { lanchat };
export const { Reader, Writer } = protobuf;
