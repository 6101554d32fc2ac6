// @vitest-environment node
import { describe, expect, test } from 'vitest';
import { FrameCrypto, type EpochSecrets } from './frameCrypto';

/** Exporter secrets of a pretend group: one random 16-byte secret per (epoch, context), known to members of that epoch. */
function group() {
  const secrets = new Map<string, Uint8Array>();
  return (member: { epoch: bigint; knows: (e: bigint) => boolean }): EpochSecrets => ({
    get epoch() {
      return member.epoch;
    },
    async exporter(epoch, label, context) {
      if (!member.knows(epoch)) return null;
      const id = `${epoch}/${label}/${new TextDecoder().decode(context)}`;
      if (!secrets.has(id)) secrets.set(id, crypto.getRandomValues(new Uint8Array(16)));
      return secrets.get(id)!;
    },
  });
}

const opus = (toc: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (i === 0 ? toc : (i * 37) & 0xff));

describe('FrameCrypto', () => {
  test('round trip keeps the TOC byte in the clear and hides the rest', async () => {
    const g = group();
    const alice = new FrameCrypto(g({ epoch: 3n, knows: () => true }), 'alice');
    const bob = new FrameCrypto(g({ epoch: 3n, knows: () => true }), 'bob');
    const packet = opus(0x78, 80);
    const frame = await alice.encrypt(packet);
    expect(frame[0]).toBe(0x78);
    expect(frame.length).toBeLessThanOrEqual(packet.length + 8 + 5 + 4);
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    expect(hex(frame).includes(hex(packet.slice(1, 20)))).toBe(false);
    expect(frame.slice(-2)).toEqual(new Uint8Array([0xfa, 0xfa]));
    expect(await bob.decrypt('alice', frame)).toEqual(packet);
    // Wrong sender key, a flipped bit, a changed TOC and garbage all fail.
    expect(await bob.decrypt('carol', frame)).toBeNull();
    const flipped = frame.slice();
    flipped[5] ^= 1;
    expect(await bob.decrypt('alice', flipped)).toBeNull();
    const toc = frame.slice();
    toc[0] = 0x79;
    expect(await bob.decrypt('alice', toc)).toBeNull();
    expect(await bob.decrypt('alice', new Uint8Array([1, 2, 3]))).toBeNull();
  });

  test('counters never repeat within an epoch and restart with new keys in the next', async () => {
    const g = group();
    const a = { epoch: 1n, knows: () => true };
    const alice = new FrameCrypto(g(a), 'alice');
    const bob = new FrameCrypto(g({ epoch: 1n, knows: () => true }), 'bob');
    const f1 = await alice.encrypt(opus(0x78, 40));
    const f2 = await alice.encrypt(opus(0x78, 40));
    expect(f1).not.toEqual(f2);
    expect(await bob.decrypt('alice', f2)).toEqual(opus(0x78, 40));
    a.epoch = 2n;
    const f3 = await alice.encrypt(opus(0x78, 40));
    expect(f3[f3.length - 4]).toBe(2);
    // Bob is still at epoch 1 for a moment (the commit crosses the frames): the neighbouring epoch is tried.
    expect(await bob.decrypt('alice', f3)).toEqual(opus(0x78, 40));
  });

  test('a member who left (does not know the new epoch) cannot decrypt what follows', async () => {
    const g = group();
    const a = { epoch: 4n, knows: () => true };
    const alice = new FrameCrypto(g(a), 'alice');
    const carolState = { epoch: 4n, knows: (e: bigint) => e <= 4n };
    const carol = new FrameCrypto(g(carolState), 'carol');
    expect(await carol.decrypt('alice', await alice.encrypt(opus(0x78, 60)))).not.toBeNull();
    a.epoch = 5n; // the commit that removed Carol
    expect(await carol.decrypt('alice', await alice.encrypt(opus(0x78, 60)))).toBeNull();
  });
});
