import { challengeMaterial, challengeNonce, identityProven, isNonce } from '../identity/proof.js';
import type { Connection } from '../net/connection.js';
import type { Frame } from '../wire/codec.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import { lanchat } from '../wire/protobuf.js';
const HELLO_TIMEOUT_MS = DEFAULT_LIMITS.helloTimeoutMs;

/**
 * On an open network, a hello to this node's relay must prove its node id before the relay sees it: the
 * relay would otherwise let anyone who copied a node id and its keys from a roster close that node's
 * session (DUPLICATE_NODE) or speak as it. The relay answers the hello with a challenge (a fresh nonce
 * and its own node id); the node signs the network, the relay id, that nonce and the nonce of its hello.
 * Both ends then adopt that material as the link's (Connection.adoptProofMaterial): the relay's own check
 * of hello proofs runs on it before any session is created or replaced, and the welcome's proof of the
 * relay id signs it too. With a room secret the TLS session already gives both ends such material.
 */
export function challengeHello(
  conn: Connection,
  hello: lanchat.Hello.$Properties,
  relay: { network: string; nodeId: Buffer },
  admit: (proven: Frame) => void,
): void {
  const theirs = hello.challenge;
  if (!isNonce(theirs)) {
    conn.close('BAD_IDENTITY', 'on an open network a hello must carry a challenge nonce to prove its node id (upgrade lanchat)');
    return;
  }
  const nonce = challengeNonce();
  const material = challengeMaterial('link', relay.network, relay.nodeId, nonce, theirs);
  const timer = setTimeout(() => conn.close('HELLO_TIMEOUT', 'no answer to the challenge within the time limit'), HELLO_TIMEOUT_MS);
  timer.unref();
  conn.once('close', () => clearTimeout(timer));
  const onFrame = (frame: Frame): void => {
    // A node whose answer is slow (a loaded machine, a busy event loop) keeps its link alive with a
    // heartbeat first: that is no answer, and no reason to close (seen under load in the 7,000-origin test).
    if (frame.kind === 'heartbeat') return;
    conn.off('frame', onFrame);
    clearTimeout(timer);
    if (frame.kind !== 'challenge') {
      conn.close('UNEXPECTED_FRAME', `expected the answer to the challenge, got ${frame.kind ?? 'an unknown frame'}`);
      return;
    }
    const proof = frame.challenge.proof;
    if (!identityProven(hello.nodeId ?? EMPTY, hello.keys, proof, material)) {
      conn.close('BAD_IDENTITY', 'the hello does not prove its node id (a signature over the challenge)');
      return;
    }
    conn.adoptProofMaterial(material);
    admit(helloFrame({ ...hello, proof }));
  };
  conn.on('frame', onFrame);
  conn.sendFrame({ challenge: { nonce, relayId: relay.nodeId } });
}

/** The hello, as a frame again (what the relay takes), now carrying its proof. */
function helloFrame(hello: lanchat.Hello.$Properties): Frame {
  return lanchat.Frame.create({ hello }) as Frame;
}

const EMPTY = new Uint8Array(0);
