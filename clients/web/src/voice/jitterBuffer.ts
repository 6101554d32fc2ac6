/** One received Opus packet. */
export interface VoicePacket {
  sequence: number;
  timestamp: number;
  payload: Uint8Array;
}

export type JitterItem = { kind: 'packet'; packet: VoicePacket } | { kind: 'lost'; sequence: number };

/** Signed distance a − b between two 32-bit wrapping counters (like RTP's). */
export const seqDiff = (a: number, b: number) => (a - b) | 0;

/**
 * The receive side's reorder buffer (docs/architecture.md#voice-in-the-web-client): packets go in by sequence in any
 * order; `take` hands them out in order. A missing packet is declared lost only when the caller says playback is
 * about to run dry (`deadline`), so a late packet still gets its place; the caller conceals a loss through the
 * decoder's packet-loss concealment. Packets older than the playout point, and duplicates, are dropped.
 */
export class JitterBuffer {
  private readonly packets = new Map<number, VoicePacket>();
  private next: number | null = null;
  dropped = 0;

  constructor(private readonly capacity = 50) {}

  get size() {
    return this.packets.size;
  }

  push(packet: VoicePacket): boolean {
    const sequence = packet.sequence >>> 0;
    if (this.next !== null && seqDiff(sequence, this.next) < 0) {
      this.dropped++;
      return false;
    }
    if (this.packets.has(sequence)) return false;
    this.packets.set(sequence, { ...packet, sequence });
    if (this.packets.size > this.capacity) {
      // Far behind (a stall): jump to the oldest packets we still hold.
      const oldest = this.oldest()!;
      this.packets.delete(oldest);
      this.dropped++;
      this.next = this.oldest();
    }
    return true;
  }

  /**
   * The next item to play, or null to wait: the expected packet when it is here; a loss when it is not, later ones
   * are, and `deadline` is true; after a long gap (more than `maxConceal` missing) it skips to the oldest packet held.
   */
  take(deadline: boolean, maxConceal = 5): JitterItem | null {
    if (this.packets.size === 0) return null;
    if (this.next === null) this.next = this.oldest();
    const expected = this.next!;
    const packet = this.packets.get(expected);
    if (packet) {
      this.packets.delete(expected);
      this.next = (expected + 1) >>> 0;
      return { kind: 'packet', packet };
    }
    if (!deadline) return null;
    const oldest = this.oldest()!;
    if (seqDiff(oldest, expected) > maxConceal) {
      this.next = oldest;
      return this.take(deadline, maxConceal);
    }
    this.next = (expected + 1) >>> 0;
    return { kind: 'lost', sequence: expected };
  }

  /** Keeps at most `max` packets, dropping the oldest and moving the playout point past them (bounds the delay). */
  trim(max: number) {
    let dropped = false;
    while (this.packets.size > max) {
      this.packets.delete(this.oldest()!);
      this.dropped++;
      dropped = true;
    }
    if (dropped) this.next = this.oldest();
  }

  reset() {
    this.packets.clear();
    this.next = null;
  }

  private oldest(): number | null {
    let best: number | null = null;
    for (const s of this.packets.keys()) if (best === null || seqDiff(s, best) < 0) best = s;
    return best;
  }
}
