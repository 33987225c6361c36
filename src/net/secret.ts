import { createHmac, scrypt } from 'node:crypto';
import type { ConnectionOptions as TlsConnectOptions, TlsOptions } from 'node:tls';
import { DEFAULT_LIMITS } from '../wire/limits.js';

/**
 * The room secret: one passphrase shared by a group turns every link of its network into TLS 1.3 with an
 * external pre-shared key. No certificates: whoever knows the passphrase belongs, whoever does not can
 * neither read nor inject, and a wrong passphrase fails the handshake (the PSK binder does not verify).
 */
export interface NetworkSecret {
  /** 32 bytes: the PSK of TLS_AES_128_GCM_SHA256 / TLS_CHACHA20_POLY1305_SHA256 (SHA-256 suites). */
  psk: Buffer;
  /**
   * A short tag of the PSK in the mDNS advert, so nodes of another secret (or none) are not even tried as
   * relay. It helps no guesser: a PSK handshake already lets a listener test passphrases offline, and
   * scrypt makes each guess cost the same either way.
   */
  tag: string;
}

/** scrypt cost: ~0.1–0.5 s once at start on a small machine, the same for every guess of an attacker. */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
export const TLS_CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256';
/** A TLS handshake not done within this is dropped: the same 5 s as a hello (docs/ARCHITECTURE.md, "A new limit"). */
export const TLS_HANDSHAKE_TIMEOUT_MS = DEFAULT_LIMITS.tlsHandshakeTimeoutMs;
/** The PSK identity sent in the clear: the same for every node, so it says nothing about anyone. */
const PSK_IDENTITY = 'lanchat';
/** Label of the keying material each side signs with its identity key (RFC 5705 / 8446 exporter). */
export const PROOF_LABEL = 'EXPORTER-lanchat-identity';

export async function deriveSecret(passphrase: string, network: string): Promise<NetworkSecret> {
  const psk = await new Promise<Buffer>((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), `lanchat/v1/${network}`, 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))),
  );
  const tag = createHmac('sha256', psk).update('lanchat advert tag').digest('hex').slice(0, 16);
  return { psk, tag };
}

export function serverTlsOptions(secret: NetworkSecret): TlsOptions {
  return {
    minVersion: 'TLSv1.3',
    ciphers: TLS_CIPHERS,
    handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
    // Any identity gets the same key: a wrong passphrase then fails on the binder, not on the name.
    pskCallback: () => secret.psk,
  };
}

export function clientTlsOptions(secret: NetworkSecret): TlsConnectOptions {
  return {
    minVersion: 'TLSv1.3',
    ciphers: TLS_CIPHERS,
    pskCallback: () => ({ identity: PSK_IDENTITY, psk: secret.psk }),
    // No certificate to check: the PSK is what authenticates the server.
    checkServerIdentity: () => undefined,
  };
}

/**
 * What a failed TLS handshake means to a user. OpenSSL's codes for "the other side has another key" and
 * "the other side speaks no TLS" differ, and both are common on a LAN shared by several groups.
 */
export function handshakeProblem(code: string | undefined): 'wrong secret' | 'no secret' | undefined {
  if (code === undefined) return undefined;
  if (/BINDER|ILLEGAL_PARAMETER|DECRYPT|BAD_RECORD_MAC|UNKNOWN_PSK/.test(code)) return 'wrong secret';
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST|RECORD_LAYER|UNEXPECTED_EOF|UNEXPECTED_MESSAGE/.test(code)) return 'no secret';
  return undefined;
}
