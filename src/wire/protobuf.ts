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

export { lanchat };
export const { Reader, Writer } = protobuf;
