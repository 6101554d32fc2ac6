// Idle plain WebSockets against the bare hub's /raw endpoint (perf/idle/raw-floor.sh): opens N connections, each writes
// SignalR's ping message every PING seconds (15, as a SignalR client does; first one at a random offset; 0 = never),
// holds them HOLD seconds and counts the ones that close early. Uses the peer harness's `ws` package (HARNESS, default
// /tmp/peers-fanout).
//   node perf/idle/raw-conns.mjs ws://127.0.0.1:5000/raw <N> <HOLD> [PING]
import { createRequire } from 'node:module';

const require = createRequire(`${process.env.HARNESS || '/tmp/peers-fanout'}/package.json`);
const WebSocket = require('ws');
const [url, n = '5000', hold = '60', every = '15'] = process.argv.slice(2);
const pingMs = Number(every) * 1000;
const total = Number(n);
const ping = '{"type":6}\u001e';
let open = 0;
let dropped = 0;
let holding = false;
const sockets = [];

function connect() {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.on('open', () => {
      open++;
      const first = pingMs > 0 ? setTimeout(() => {
        socket.send(ping);
        socket.timer = setInterval(() => socket.send(ping), pingMs);
      }, Math.random() * pingMs) : undefined;
      socket.first = first;
      sockets.push(socket);
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => {
      if (holding) dropped++;
      clearTimeout(socket.first);
      clearInterval(socket.timer);
    });
  });
}

const started = Date.now();
let next = 0;
await Promise.all(Array.from({ length: 100 }, async () => {
  while (next < total) {
    next++;
    await connect();
  }
}));
console.error(`connected ${open} of ${total} in ${Date.now() - started} ms`);
holding = true;
await new Promise((r) => setTimeout(r, Number(hold) * 1000));
holding = false;
console.log(JSON.stringify({ url, n: total, connected: open, droppedDuringHold: dropped, holdS: Number(hold), pingS: Number(every) }));
for (const socket of sockets) socket.terminate();
process.exit(0);
