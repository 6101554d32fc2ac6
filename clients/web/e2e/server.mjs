// Starts and kills a real CHAOS front door (the api build output) for the end-to-end tests.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

export class FrontDoor {
  constructor({ dll, connectionString, args = [] }) {
    this.dll = dll;
    this.connectionString = connectionString;
    /** More command-line configuration, e.g. `--Chaos:Ai:OllamaUrl=…` (e2e/ai.mjs). */
    this.extraArgs = args;
    this.output = [];
  }

  async init() {
    [this.port, this.siloPort, this.gatewayPort] = [await freePort(), await freePort(), await freePort()];
    this.url = `http://127.0.0.1:${this.port}`;
  }

  async start() {
    const args = [
      this.dll,
      `--urls=${this.url}`,
      `--Chaos:SiloPort=${this.siloPort}`,
      `--Chaos:GatewayPort=${this.gatewayPort}`,
      '--Chaos:Passwords:MemoryKiB=1024',
      '--Chaos:Passwords:Iterations=1',
      '--Chaos:RateLimits:Enabled=false',
      '--Logging:LogLevel:Default=Warning',
    ];
    if (this.connectionString) args.push(`--ConnectionStrings:Chaos=${this.connectionString}`);
    args.push(...this.extraArgs);
    this.process = spawn('dotnet', args, { cwd: path.dirname(this.dll), stdio: ['ignore', 'pipe', 'pipe'] });
    const record = (d) => {
      this.output.push(...String(d).split('\n'));
      if (this.output.length > 300) this.output.splice(0, this.output.length - 300);
    };
    this.process.stdout.on('data', record);
    this.process.stderr.on('data', record);
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) throw new Error(`The front door exited (${this.process.exitCode}):\n${this.output.join('\n')}`);
      try {
        const r = await fetch(`${this.url}/health/ready`);
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`The front door was not ready within 120 s:\n${this.output.join('\n')}`);
  }

  /** SIGKILL, like a crash. */
  async kill() {
    if (!this.process || this.process.exitCode !== null) return;
    const exited = new Promise((r) => this.process.once('exit', r));
    this.process.kill('SIGKILL');
    await exited;
  }
}
