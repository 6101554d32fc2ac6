// The guest widget's gateway connection: SignalR's JSON hub protocol spoken directly over one WebSocket, without the
// negotiate request (like the web client, docs/api.md#connecting). The widget only listens, so the handshake, events,
// pings and the close message are all of the protocol it needs; that keeps @microsoft/signalr (about 13 KB gzipped)
// out of a script that every page of a customer's site loads (docs/architecture.md#support-desk-web).

const RS = '\u001e';

export interface GuestGatewayOptions {
  /** The front door's origin, for example `https://chat.example.com`. */
  origin: string;
  token: () => string;
  onEvent: (name: string, payload: unknown) => void;
  /** Connected (again): the caller re-reads the conversation to fill what it missed. */
  onOpen: () => void;
  onDown: () => void;
  /** The server closed with an error and no reconnect allowed: the widget stops trying. */
  onRefused?: () => void;
  createSocket?: (url: string) => WebSocket;
}

export class GuestGateway {
  private socket: WebSocket | null = null;
  private stopped = false;
  private attempt = 0;
  private ping: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: GuestGatewayOptions) {}

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retry);
    this.close();
  }

  private open() {
    const url = new URL('/gateway', this.o.origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('access_token', this.o.token());
    const socket = (this.o.createSocket ?? ((u) => new WebSocket(u)))(url.toString());
    this.socket = socket;
    let buffer = '';
    let handshaken = false;
    let allowReconnect = true;
    socket.onopen = () => socket.send(JSON.stringify({ protocol: 'json', version: 1 }) + RS);
    socket.onmessage = (e: MessageEvent) => {
      buffer += String(e.data);
      const frames = buffer.split(RS);
      buffer = frames.pop() ?? '';
      for (const frame of frames) {
        if (!frame) continue;
        const m = JSON.parse(frame) as { type?: number; target?: string; arguments?: unknown[]; error?: string; allowReconnect?: boolean };
        if (!handshaken) {
          if (m.error) {
            allowReconnect = false;
            socket.close();
            return;
          }
          handshaken = true;
          this.attempt = 0;
          // The server closes a connection it has not heard from for 30 s.
          this.ping = setInterval(() => socket.readyState === 1 && socket.send('{"type":6}' + RS), 15_000);
          this.o.onOpen();
        } else if (m.type === 1 && m.target) {
          this.o.onEvent(m.target, m.arguments?.[0]);
        } else if (m.type === 7) {
          allowReconnect = m.allowReconnect === true || !m.error;
          socket.close();
        }
      }
    };
    socket.onclose = () => {
      clearInterval(this.ping);
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      this.o.onDown();
      // Told not to come back (for example the conversation is gone): stop. Otherwise retry with a capped backoff.
      if (!allowReconnect) {
        this.o.onRefused?.();
        return;
      }
      this.retry = setTimeout(() => this.open(), Math.min(500 * 2 ** this.attempt++, 10_000));
    };
  }

  private close() {
    const s = this.socket;
    this.socket = null;
    clearInterval(this.ping);
    s?.close();
  }
}
