/**
 * The key that protects local data: derived from the agent's PIN with
 * PBKDF2-SHA-256, used with AES-GCM. Without the PIN, what IndexedDB holds is
 * noise, so a lost phone does not leak records.
 */
import { bufferSource, concatBytes, exactBuffer, randomBytes } from "../bytes";

/** PBKDF2 iterations; ≥ 200,000 with SHA-256 (OWASP guidance for PBKDF2-SHA256 is higher, but a cheap phone must unlock in about a second). */
export const PBKDF2_ITERATIONS = 250_000;
const IV_BYTES = 12;
const VERIFIER_TEXT = "relais-pin-check-v1";

export interface KeyParams {
  readonly salt: Uint8Array;
  readonly iterations: number;
}

export function newKeyParams(): KeyParams {
  return { salt: randomBytes(16), iterations: PBKDF2_ITERATIONS };
}

export async function deriveKey(pin: string, params: KeyParams): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    "raw",
    exactBuffer(new TextEncoder().encode(pin)),
    "PBKDF2",
    false,
    ["deriveKey"],
  );
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt: exactBuffer(params.salt), iterations: params.iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** IV (12 random bytes) followed by the AES-GCM ciphertext and tag. */
export async function encrypt(key: CryptoKey, plain: Uint8Array): Promise<Uint8Array> {
  const iv = randomBytes(IV_BYTES);
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv: bufferSource(iv) }, key, bufferSource(plain));
  return concatBytes([iv, new Uint8Array(sealed)]);
}

/** Opens what {@link encrypt} sealed; rejects if the key is wrong or the bytes were altered. */
export async function decrypt(key: CryptoKey, sealed: Uint8Array): Promise<Uint8Array> {
  const iv = sealed.subarray(0, IV_BYTES);
  const body = sealed.subarray(IV_BYTES);
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bufferSource(iv) }, key, bufferSource(body));
  return new Uint8Array(plain);
}

/** A sealed constant: opening it proves a PIN right without storing the PIN. */
export async function makeVerifier(key: CryptoKey): Promise<Uint8Array> {
  return encrypt(key, new TextEncoder().encode(VERIFIER_TEXT));
}

export async function checkVerifier(key: CryptoKey, verifier: Uint8Array): Promise<boolean> {
  try {
    const plain = await decrypt(key, verifier);
    return new TextDecoder().decode(plain) === VERIFIER_TEXT;
  } catch {
    return false;
  }
}
