// The capture AudioWorklet (docs/architecture.md#voice-in-the-web-client): runs in a 48 kHz AudioContext, mixes the
// microphone down to mono and posts one 960-sample (20 ms) Float32Array per frame with its RMS level.
const FRAME = 960;

class ChaosCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frame = new Float32Array(FRAME);
    this.filled = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const channels = input.length;
    const length = input[0].length;
    for (let i = 0; i < length; i++) {
      let sample = 0;
      for (let c = 0; c < channels; c++) sample += input[c][i];
      this.frame[this.filled++] = sample / channels;
      if (this.filled === FRAME) {
        let sum = 0;
        for (let k = 0; k < FRAME; k++) sum += this.frame[k] * this.frame[k];
        const samples = this.frame;
        this.port.postMessage({ samples, level: Math.sqrt(sum / FRAME) }, [samples.buffer]);
        this.frame = new Float32Array(FRAME);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('chaos-capture', ChaosCapture);
