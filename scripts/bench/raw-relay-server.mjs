/**
 * The baseline: the least a Node TCP fan-out relay has to do, to tell how much of the lanchat relay's
 * cost is Node itself. It splits the stream on varint length prefixes only (no protobuf, no hello, one
 * room holding every connection) and forwards each chunk's run of complete frames with one write per
 * other connection, with Nagle off, as a sensible minimal relay would.
 *
 * With a passphrase in argv[2], every link is TLS 1.3 with the PSK lanchat derives from it (and nothing
 * else of lanchat): the floor of what a room secret can cost a Node relay.
 *
 * Same IPC as relay-server.mjs (see relay-ipc.mjs); listens on 127.0.0.1 only.
 */
import { createServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { deriveSecret, serverTlsOptions } from '../../dist/net/secret.js';
import { serveStats } from './relay-ipc.mjs';

const passphrase = process.argv[2];
const tlsOptions = passphrase === undefined ? undefined : serverTlsOptions(await deriveSecret(passphrase, 'bench'));

const MAX_FRAME_BYTES = 256 * 1024;
const members = new Set();

const onConnection = (socket) => {
  socket.setNoDelay(true);
  members.add(socket);
  let rest = null; // bytes of a frame not yet whole
  socket.on('data', (chunk) => {
    const buf = rest === null ? chunk : Buffer.concat([rest, chunk]);
    const end = completeFramesEnd(buf);
    if (end < 0) return socket.destroy();
    if (end > 0) {
      const frames = end === buf.length ? buf : buf.subarray(0, end);
      for (const other of members) if (other !== socket) other.write(frames);
    }
    rest = end < buf.length ? Buffer.from(buf.subarray(end)) : null;
  });
  socket.on('error', () => {});
  socket.on('close', () => members.delete(socket));
};
const server = tlsOptions === undefined ? createServer(onConnection) : createTlsServer(tlsOptions, onConnection);
server.listen(0, '127.0.0.1', () => serveStats(server.address().port, () => members.size));

/** Where the run of complete frames at the start of `buf` ends; -1 for a frame over the limit. */
function completeFramesEnd(buf) {
  let offset = 0;
  for (;;) {
    let length = 0;
    let shift = 0;
    let pos = offset;
    let byte;
    do {
      if (pos >= buf.length) return offset;
      byte = buf[pos++];
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && shift < 28);
    if (byte & 0x80 || length > MAX_FRAME_BYTES) return -1;
    if (pos + length > buf.length) return offset;
    offset = pos + length;
  }
}
