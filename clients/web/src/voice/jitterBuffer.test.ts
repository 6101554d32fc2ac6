import { JitterBuffer, seqDiff, type VoicePacket } from './jitterBuffer';
import { encodeWav, formatDuration } from './wav';

const p = (sequence: number): VoicePacket => ({ sequence, timestamp: sequence * 960, payload: new Uint8Array([0xfc, sequence & 0xff]) });
const seqs = (b: JitterBuffer, deadline: boolean) => {
  const out: string[] = [];
  for (let item = b.take(deadline); item; item = b.take(deadline)) out.push(item.kind === 'packet' ? `${item.packet.sequence}` : `lost ${item.sequence}`);
  return out;
};

describe('JitterBuffer', () => {
  it('plays reordered packets in order', () => {
    const b = new JitterBuffer();
    for (const s of [10, 12, 11, 13]) b.push(p(s));
    expect(seqs(b, false)).toEqual(['10', '11', '12', '13']);
  });

  it('waits for a missing packet until the deadline, then declares it lost once', () => {
    const b = new JitterBuffer();
    b.push(p(1));
    b.push(p(3));
    expect(seqs(b, false)).toEqual(['1']);
    b.push(p(2));
    expect(seqs(b, false)).toEqual(['2', '3']);
    b.push(p(5));
    expect(seqs(b, true)).toEqual(['lost 4', '5']);
  });

  it('drops late packets and duplicates', () => {
    const b = new JitterBuffer();
    b.push(p(7));
    expect(seqs(b, false)).toEqual(['7']);
    expect(b.push(p(6))).toBe(false);
    b.push(p(8));
    expect(b.push(p(8))).toBe(false);
    expect(seqs(b, false)).toEqual(['8']);
  });

  it('skips ahead after a long gap instead of concealing it', () => {
    const b = new JitterBuffer();
    b.push(p(1));
    seqs(b, false);
    b.push(p(40));
    expect(seqs(b, true)).toEqual(['40']);
  });

  it('follows sequences across the 32-bit wrap', () => {
    const b = new JitterBuffer();
    for (const s of [0xfffffffe, 0, 0xffffffff, 1]) b.push(p(s));
    expect(seqs(b, false)).toEqual([`${0xfffffffe}`, `${0xffffffff}`, '0', '1']);
    expect(seqDiff(0, 0xffffffff)).toBe(1);
  });

  it('trims a backlog to the newest packets so the delay stays small', () => {
    const b = new JitterBuffer();
    b.push(p(1));
    seqs(b, false);
    for (let s = 2; s <= 30; s++) b.push(p(s));
    b.trim(5);
    expect(seqs(b, false)).toEqual(['26', '27', '28', '29', '30']);
    b.push(p(32));
    b.trim(5);
    expect(seqs(b, true)).toEqual(['lost 31', '32']);
  });

  it('stays bounded when nobody takes packets', () => {
    const b = new JitterBuffer(10);
    for (let s = 0; s < 100; s++) b.push(p(s));
    expect(b.size).toBe(10);
    expect(seqs(b, false)[0]).toBe('90');
  });
});

describe('wav', () => {
  it('writes a 16-bit mono PCM header and clamps samples', async () => {
    const blob = encodeWav([new Float32Array([0, 1, -1, 2])], 48000);
    const view = new DataView(await blob.arrayBuffer());
    expect(blob.size).toBe(44 + 8);
    expect(view.getUint32(24, true)).toBe(48000);
    expect(view.getInt16(46, true)).toBe(32767);
    expect(view.getInt16(48, true)).toBe(-32768);
    expect(view.getInt16(50, true)).toBe(32767);
    expect(formatDuration(61_400)).toBe('1:01');
  });
});
