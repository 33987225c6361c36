import { setImmediate as nextTurn } from 'node:timers/promises';
import type { StoredMessage } from '../store/history-store.js';
import { type Verdict, verifySteps } from './signature.js';

/**
 * Signature checks made in one turn of the event loop, at most: 32 × ≈185 µs (the check and the author
 * key's import) ≈ 6 ms here. A sync batch of 500 messages from 500 origins costs 500 checks: in one go
 * that is ≈90 ms here and over a second on a loaded machine, long enough for heartbeats to go unsent and
 * unread (peers declare a node dead after 3 s of silence).
 */
export const VERIFY_SLICE_CHECKS = 32;

/**
 * verifyMessages (signature.ts), the same verdict, with a turn of the event loop (timers, I/O) after
 * every `sliceChecks` signature checks: verifying grows with the number of origins in a batch, the
 * longest stretch it holds the loop does not. A chain of one author costs one check however long it is,
 * so a bulk sync of long chains seldom yields at all.
 */
export async function verifySliced(messages: readonly StoredMessage[], network: string, sliceChecks = VERIFY_SLICE_CHECKS): Promise<Verdict> {
  const steps = verifySteps(messages, network);
  let checks = 0;
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    if (++checks % sliceChecks === 0) await nextTurn();
  }
}
