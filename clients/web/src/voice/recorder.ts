import workletUrl from './capture-worklet.js?url&no-inline';
import { encodeWav } from './wav';

export const RECORD_RATE = 48_000;
/** 16-bit mono WAV at 48 kHz is 96 KB/s: the upload's 25 MiB limit allows about 4.5 minutes; stop a little before. */
export const MAX_RECORDING_MS = 4 * 60 * 1000;

/** One microphone recording through the capture AudioWorklet (docs/architecture.md#voice-messages-in-the-web-client). */
export class Recording {
  private readonly chunks: Float32Array[] = [];
  private samples = 0;
  level = 0;
  private constructor(
    private readonly ctx: AudioContext,
    private readonly stream: MediaStream,
    private readonly node: AudioWorkletNode,
    private readonly onLimit: () => void,
  ) {
    node.port.onmessage = (e: MessageEvent<{ samples: Float32Array; level: number }>) => {
      this.chunks.push(e.data.samples);
      this.samples += e.data.samples.length;
      this.level = Math.max(this.level * 0.7, e.data.level);
      if (this.durationMs >= MAX_RECORDING_MS) this.onLimit();
    };
  }

  static async start(onLimit: () => void): Promise<Recording> {
    const processing = (() => {
      try {
        return JSON.parse(localStorage.getItem('chaos.voice.processing') ?? 'true') as boolean;
      } catch {
        return true;
      }
    })();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: processing, noiseSuppression: processing, autoGainControl: processing, channelCount: 1 } });
    try {
      const ctx = new AudioContext({ sampleRate: RECORD_RATE });
      await ctx.audioWorklet.addModule(workletUrl);
      const node = new AudioWorkletNode(ctx, 'chaos-capture', { numberOfInputs: 1, numberOfOutputs: 1 });
      const sink = ctx.createGain();
      sink.gain.value = 0;
      ctx.createMediaStreamSource(stream).connect(node);
      node.connect(sink).connect(ctx.destination);
      if (ctx.state === 'suspended') await ctx.resume();
      return new Recording(ctx, stream, node, onLimit);
    } catch (e) {
      for (const t of stream.getTracks()) t.stop();
      throw e;
    }
  }

  get durationMs() {
    return (this.samples / RECORD_RATE) * 1000;
  }

  /** Stops the microphone; answers the WAV and its exact duration. */
  async stop(): Promise<{ blob: Blob; durationMs: number }> {
    this.release();
    await this.ctx.close().catch(() => undefined);
    return { blob: encodeWav(this.chunks, RECORD_RATE), durationMs: this.durationMs };
  }

  cancel() {
    this.release();
    void this.ctx.close().catch(() => undefined);
  }

  private release() {
    this.node.port.onmessage = null;
    this.node.disconnect();
    for (const t of this.stream.getTracks()) t.stop();
  }
}
