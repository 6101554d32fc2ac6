// End-to-end encrypted voice frames (docs/architecture.md#encrypted-voice-frames). The layout follows the DAVE
// protocol's secure frame where it applies: the Opus TOC byte stays in the clear (the server validates only it and
// the size), the rest is AES-GCM with a 64-bit tag, and a trailer says how to decrypt:
//
//   TOC | ciphertext | tag (8) | counter (ULEB128) | epoch (1) | trailer size (1) | 0xFA 0xFA
//
// Keys: per sender and per MLS epoch, base = MLS-Exporter("CHAOS Secure Frames v1", sender user id, 16); the AES key of
// generation g (= counter >>> 24) is HKDF-SHA256(base, info "chaos frame key" || g). A new epoch (any commit: someone
// joined or left) gives every sender new keys, so a member who has left cannot decrypt what is said after the commit
// that removed them. The nonce is the 32-bit counter, little-endian, zero-padded to 12 bytes; a sender never reuses
// a counter within an epoch.

export const FRAME_EXPORTER_LABEL = 'CHAOS Secure Frames v1';
const MAGIC = 0xfa;
const TAG_BYTES = 8;

/** What the frame layer needs from the MLS group: the exporter of a given epoch (null when it is not known). */
export interface EpochSecrets {
  /** The current epoch number (what this browser sends with). */
  readonly epoch: bigint;
  /** MLS-Exporter(label, context, 16) at that epoch, or null if this browser has no state for it. */
  exporter(epoch: bigint, label: string, context: Uint8Array): Promise<Uint8Array | null>;
}

function uleb128(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function readUleb128(bytes: Uint8Array, start: number, end: number): [number, number] | null {
  let n = 0;
  let shift = 0;
  for (let i = start; i < end && shift < 35; i++) {
    n += (bytes[i] & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(bytes[i] & 0x80)) return [n >>> 0, i + 1];
  }
  return null;
}

const nonceOf = (counter: number) => {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setUint32(0, counter, true);
  return iv;
};

export class FrameCrypto {
  private counter = 0;
  private sendEpoch: bigint | null = null;
  private readonly keys = new Map<string, Promise<CryptoKey | null>>();

  constructor(private readonly secrets: EpochSecrets, private readonly myUserId: string) {}

  private key(userId: string, epoch: bigint, generation: number): Promise<CryptoKey | null> {
    const id = `${userId}/${epoch}/${generation}`;
    let k = this.keys.get(id);
    if (!k) {
      k = (async () => {
        const base = await this.secrets.exporter(epoch, FRAME_EXPORTER_LABEL, new TextEncoder().encode(userId));
        if (!base) return null;
        const hkdf = await crypto.subtle.importKey('raw', base.slice(), 'HKDF', false, ['deriveKey']);
        const info = new Uint8Array([...new TextEncoder().encode('chaos frame key'), generation & 0xff]);
        // Non-extractable: frame keys exist only as CryptoKeys.
        return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info }, hkdf, { name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']);
      })();
      this.keys.set(id, k);
      if (this.keys.size > 64) this.keys.delete(this.keys.keys().next().value!);
    }
    return k;
  }

  /** Encrypts one Opus packet of this browser's user; throws when the group has no key yet. */
  async encrypt(packet: Uint8Array): Promise<Uint8Array> {
    const epoch = this.secrets.epoch;
    if (this.sendEpoch !== epoch) {
      this.sendEpoch = epoch;
      this.counter = 0;
    }
    const counter = this.counter;
    this.counter = (counter + 1) >>> 0;
    const key = await this.key(this.myUserId, epoch, counter >>> 24);
    if (!key) throw new Error('no frame key for this epoch');
    const toc = packet[0];
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonceOf(counter), tagLength: TAG_BYTES * 8, additionalData: new Uint8Array([toc]) }, key, packet.slice(1)));
    const nonce = uleb128(counter);
    const trailerSize = nonce.length + 1 + 1 + 2;
    const out = new Uint8Array(1 + sealed.length + trailerSize);
    out[0] = toc;
    out.set(sealed, 1);
    let i = 1 + sealed.length;
    for (const b of nonce) out[i++] = b;
    out[i++] = Number(epoch & 0xffn);
    out[i++] = trailerSize;
    out[i++] = MAGIC;
    out[i++] = MAGIC;
    return out;
  }

  /** The Opus packet a sender put in this frame, or null when it cannot be decrypted (not a member at that epoch). */
  async decrypt(senderUserId: string, frame: Uint8Array): Promise<Uint8Array | null> {
    const n = frame.length;
    if (n < 1 + TAG_BYTES + 5 || frame[n - 1] !== MAGIC || frame[n - 2] !== MAGIC) return null;
    const trailerSize = frame[n - 3];
    const trailerStart = n - trailerSize;
    if (trailerSize < 5 || trailerStart < 1 + TAG_BYTES) return null;
    const parsed = readUleb128(frame, trailerStart, n - 4);
    if (!parsed || parsed[1] !== n - 4) return null;
    const counter = parsed[0];
    const epochByte = frame[n - 4];
    // The sender's epoch is ours or a neighbour (a commit crossing the frames): pick the one whose low byte matches.
    const current = this.secrets.epoch;
    const epoch = [current, current - 1n, current + 1n].find((e) => e >= 0n && Number(e & 0xffn) === epochByte);
    if (epoch === undefined) return null;
    const key = await this.key(senderUserId, epoch, counter >>> 24);
    if (!key) return null;
    try {
      const plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonceOf(counter), tagLength: TAG_BYTES * 8, additionalData: new Uint8Array([frame[0]]) }, key, frame.slice(1, trailerStart)));
      const out = new Uint8Array(1 + plain.length);
      out[0] = frame[0];
      out.set(plain, 1);
      return out;
    } catch {
      return null;
    }
  }
}
