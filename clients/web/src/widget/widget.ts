// The embeddable support widget (docs/api.md#support-desk, docs/architecture.md#support-desk-web). A site adds
//   <script src="https://chat.example.com/widget.js" data-community="<communityId>" async></script>
// and gets a "Chat with us" button. Plain DOM in a shadow root, no framework: it stays a few KB.
import { GuestApi, GuestApiError, type Conversation, type SupportMessage } from './api';
import { GuestGateway } from './gateway';
import { css } from './styles';

type Attrs = Record<string, string | boolean | ((e: Event) => void) | undefined>;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | null | false)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'className') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== false) el.append(c);
  return el;
}

interface Saved {
  id: string;
  token: string;
}

export interface WidgetOptions {
  origin: string;
  communityId: string;
  title?: string;
  /** Where the widget's shadow host goes; default a new element at the end of `body`. */
  host?: HTMLElement;
  /** For tests: how the gateway's WebSocket is made. */
  createSocket?: (url: string) => WebSocket;
}

export class SupportWidget {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly api: GuestApi;
  private readonly key: string;
  private container!: HTMLDivElement;
  private gateway: GuestGateway | null = null;
  private conversation: Conversation | null = null;
  private messages: SupportMessage[] = [];
  private agentName: string | null = null;
  private expanded = false;
  private rated = false;
  // Parts of the chat view that are updated in place (focus and typed text survive updates).
  private statusEl: HTMLParagraphElement | null = null;
  private logEl: HTMLDivElement | null = null;
  private footerEl: HTMLDivElement | null = null;

  constructor(private readonly o: WidgetOptions) {
    this.api = new GuestApi(o.origin);
    this.key = `chaos-support:${o.communityId}`;
    this.host = o.host ?? document.body.appendChild(document.createElement('div'));
    this.host.setAttribute('data-chaos-support', '');
    this.root = this.host.attachShadow({ mode: 'open' });
    if ('adoptedStyleSheets' in this.root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
      // A constructed sheet is not an inline <style>, so a host page's strict style-src CSP does not block it.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      this.root.adoptedStyleSheets = [sheet];
    } else {
      this.root.append(h('style', {}, css));
    }
    this.container = h('div', { className: 'root' });
    this.root.append(this.container);
    this.render();
    void this.resume();
  }

  private get title() {
    return this.o.title || 'Chat with us';
  }

  private saved(): Saved | null {
    try {
      const raw = localStorage.getItem(this.key);
      return raw ? (JSON.parse(raw) as Saved) : null;
    } catch {
      return null;
    }
  }

  private save(s: Saved | null) {
    try {
      if (s) localStorage.setItem(this.key, JSON.stringify(s));
      else localStorage.removeItem(this.key);
    } catch {
      // Storage blocked (private mode, third-party rules): the conversation lasts as long as the page.
    }
  }

  /** A conversation of this page's visitor from earlier (same browser): open it again. */
  private async resume() {
    const s = this.saved();
    if (!s) return;
    this.api.token = s.token;
    try {
      this.conversation = await this.api.conversation(s.id);
      this.rated = !!this.conversation.rating;
      await this.loadMessages();
      this.connect();
      this.render();
    } catch (e) {
      if (e instanceof GuestApiError && e.status >= 400 && e.status < 500) {
        this.save(null);
        this.api.token = '';
      }
    }
  }

  private async loadMessages() {
    if (!this.conversation) return;
    try {
      const list = await this.api.messages(this.conversation.id);
      for (const m of list) this.addMessage(m, false);
    } catch {
      // History is a convenience; live events still arrive.
    }
  }

  private connect() {
    this.gateway?.stop();
    this.gateway = new GuestGateway({
      origin: this.o.origin,
      token: () => this.api.token,
      onEvent: (name, payload) => this.onEvent(name, payload),
      onOpen: () => void this.refresh(),
      onDown: () => undefined,
      createSocket: this.o.createSocket,
    });
    this.gateway.start();
  }

  /** After every (re)connect: the conversation and its messages as they are now. */
  private async refresh() {
    if (!this.conversation) return;
    try {
      this.setConversation(await this.api.conversation(this.conversation.id));
      await this.loadMessages();
    } catch {
      // The next event or reconnect tries again.
    }
  }

  private onEvent(name: string, payload: unknown) {
    if (!this.conversation || !payload) return;
    if (name === 'SupportConversationUpdated') {
      const c = payload as Conversation;
      if (c.id === this.conversation.id) this.setConversation(c);
    } else if (name === 'MessageCreated') {
      const m = payload as SupportMessage;
      // The conversation's messages live in the support channel of the same id (docs/api.md#support-desk).
      if (m.channelId === (this.conversation.channelId ?? this.conversation.id)) this.addMessage(m, true);
    }
  }

  private setConversation(c: Conversation) {
    this.conversation = c;
    if (c.rating) this.rated = true;
    if (c.status === 'closed') this.gateway?.stop();
    this.update();
  }

  private addMessage(m: SupportMessage, live: boolean) {
    if (this.messages.some((x) => x.id === m.id)) return;
    this.messages.push(m);
    // Ids grow with time (docs/api.md#ids); a late history page can arrive after live events.
    this.messages.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    if (!m.author.guest) this.agentName = m.author.displayName || m.author.username || this.agentName;
    if (live) this.update();
  }

  // ---- view ----------------------------------------------------------------------------------------------------

  private render() {
    this.statusEl = this.logEl = this.footerEl = null;
    this.container.replaceChildren();
    if (!this.expanded) {
      this.container.append(
        h('button', { type: 'button', className: 'primary launcher', 'aria-expanded': 'false', 'aria-haspopup': 'dialog', onclick: () => this.toggle(true) }, this.title),
      );
      return;
    }
    // Scrollable, so reachable by keyboard (tabindex) for people who scroll with arrow keys.
    const body = h('div', { className: 'body', tabindex: '0' });
    const panel = h(
      'section',
      { className: 'panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'chaos-support-title' },
      h(
        'div',
        { className: 'head' },
        h('h2', { id: 'chaos-support-title' }, this.title),
        h('button', { type: 'button', 'aria-label': 'Minimize chat', onclick: () => this.toggle(false) }, '–'),
      ),
      body,
    );
    panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.toggle(false);
    });
    this.container.append(panel);
    if (!this.conversation) {
      body.append(this.startForm());
      return;
    }
    this.statusEl = h('p', { className: 'status', role: 'status' });
    this.logEl = h('div', { className: 'log', role: 'log', 'aria-label': 'Conversation', 'aria-live': 'polite' });
    this.footerEl = h('div');
    body.append(this.statusEl, this.logEl);
    panel.append(this.footerEl);
    this.update();
  }

  private toggle(open: boolean) {
    this.expanded = open;
    this.render();
    const focus = open ? this.root.querySelector<HTMLElement>('input, textarea, .head button') : this.root.querySelector<HTMLElement>('.launcher');
    focus?.focus();
  }

  private startForm() {
    const error = h('p', { className: 'error', role: 'alert', hidden: true });
    const name = h('input', { name: 'name', required: true, maxlength: '100', autocomplete: 'name' });
    const email = h('input', { name: 'email', type: 'email', maxlength: '254', autocomplete: 'email' });
    const message = h('textarea', { name: 'message', required: true, maxlength: '4000' });
    const submit = h('button', { type: 'submit', className: 'primary' }, 'Start chat');
    const intro = h('p', { className: 'muted' }, 'Tell us who you are and how we can help. An agent answers as soon as one is free.');
    // The desk's own greeting, or its offline message while no agent is available. A failed read (a front door
    // restarting, a moment of overload) is tried again a few times so the guest still sees the desk's own words.
    const showIntro = (attempt: number): void => {
      this.api.info(this.o.communityId).then(
        (d) => {
          const text = d.agentsAvailable > 0 ? d.greeting : d.offlineMessage || d.greeting;
          if (text) intro.textContent = text;
        },
        () => {
          if (attempt < 5 && !this.conversation) setTimeout(() => showIntro(attempt + 1), 500 * 2 ** attempt);
        },
      );
    };
    showIntro(0);
    const form = h(
      'form',
      {
        onsubmit: async (e: Event) => {
          e.preventDefault();
          submit.disabled = true;
          error.hidden = true;
          try {
            const r = await this.api.start(this.o.communityId, name.value.trim(), email.value.trim() || undefined, message.value.trim());
            this.api.token = r.guestToken;
            this.save({ id: r.conversation.id, token: r.guestToken });
            this.conversation = r.conversation;
            this.messages = [];
            this.rated = false;
            this.render();
            this.root.querySelector<HTMLElement>('.composer textarea')?.focus();
            this.connect();
            await this.loadMessages();
            this.update();
          } catch (x) {
            error.textContent = x instanceof Error ? x.message : String(x);
            error.hidden = false;
            submit.disabled = false;
          }
        },
      },
      intro,
      h('label', {}, 'Your name', name),
      h('label', {}, 'E-mail (optional)', email),
      h('label', {}, 'How can we help?', message),
      error,
      submit,
    );
    return form;
  }

  private statusText(c: Conversation) {
    if (c.status === 'closed') return 'This conversation is closed.';
    if (c.status === 'assigned') return this.agentName ? `You are chatting with ${this.agentName}.` : 'An agent has joined the conversation.';
    return c.queuePosition ? `You are number ${c.queuePosition} in the queue.` : 'Waiting for an agent…';
  }

  /** Updates status, log and footer in place. */
  private update() {
    const c = this.conversation;
    if (!c || !this.statusEl || !this.logEl || !this.footerEl) return;
    const text = this.statusText(c);
    if (this.statusEl.textContent !== text) this.statusEl.textContent = text;
    this.statusEl.className = c.status === 'closed' ? 'status closed' : 'status';
    const shown = new Set(Array.from(this.logEl.children, (el) => (el as HTMLElement).dataset.id));
    for (const m of this.messages) {
      if (shown.has(m.id)) continue;
      const a = m.author;
      const mine = a.guest === true;
      const who = a.guest === true ? 'You' : a.displayName || a.username || 'Agent';
      const item = h('div', { className: mine ? 'msg mine' : 'msg', 'data-id': m.id }, h('span', { className: 'who' }, who), m.content);
      this.logEl.append(item);
      item.scrollIntoView?.({ block: 'end' });
    }
    const mode = c.status === 'closed' ? (this.rated ? 'thanks' : 'rate') : 'chat';
    if (this.footerEl.dataset.mode === mode) return;
    this.footerEl.dataset.mode = mode;
    this.footerEl.className = mode === 'chat' ? 'composer' : 'footer';
    if (mode === 'chat') this.footerEl.removeAttribute('tabindex');
    else this.footerEl.tabIndex = 0;
    this.footerEl.replaceChildren(...(mode === 'chat' ? this.composer() : mode === 'rate' ? this.ratingForm() : this.thanks()));
    if (mode === 'rate') this.footerEl.querySelector<HTMLElement>('.stars button')?.focus();
  }

  private composer(): Node[] {
    const box = h('textarea', { 'aria-label': 'Message', maxlength: '4000', placeholder: 'Write a message…' });
    const send = async () => {
      const content = box.value.trim();
      if (!content || !this.conversation) return;
      box.value = '';
      try {
        this.addMessage(await this.api.send(this.conversation.id, content), true);
      } catch (x) {
        box.value = content;
        this.showError(x);
      }
    };
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        void send();
      }
    });
    return [box, h('button', { type: 'button', className: 'primary', onclick: () => void send() }, 'Send')];
  }

  private ratingForm(): Node[] {
    let score = 0;
    const stars = [1, 2, 3, 4, 5].map((n) =>
      h(
        'button',
        {
          type: 'button',
          'aria-pressed': 'false',
          'aria-label': `${n} out of 5`,
          onclick: () => {
            score = n;
            stars.forEach((s, i) => s.setAttribute('aria-pressed', String(i + 1 === n)));
            submit.disabled = false;
          },
        },
        `${n}★`,
      ),
    );
    const comment = h('textarea', { maxlength: '1000' });
    const error = h('p', { className: 'error', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit', className: 'primary', disabled: true }, 'Send rating');
    const form = h(
      'form',
      {
        onsubmit: async (e: Event) => {
          e.preventDefault();
          if (!score || !this.conversation) return;
          submit.disabled = true;
          try {
            const c = await this.api.rate(this.conversation.id, score, comment.value.trim());
            this.rated = true;
            this.setConversation(c && typeof c === 'object' && 'id' in c ? c : { ...this.conversation, rating: { score } });
          } catch (x) {
            error.textContent = x instanceof Error ? x.message : String(x);
            error.hidden = false;
            submit.disabled = false;
          }
        },
      },
      h('fieldset', {}, h('legend', {}, 'How did we do?'), h('div', { className: 'stars', role: 'group', 'aria-label': 'Rating' }, ...stars)),
      h('label', {}, 'Comment (optional)', comment),
      error,
      submit,
    );
    return [form, this.transcriptButton(), this.newButton()];
  }

  private thanks(): Node[] {
    return [h('p', { className: 'muted' }, 'Thank you for your rating.'), this.transcriptButton(), this.newButton()];
  }

  private transcriptButton() {
    return h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          if (!this.conversation) return;
          try {
            const text = await this.api.transcript(this.conversation.id);
            const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
            const a = h('a', { href: url, download: 'transcript.txt' });
            a.click();
            setTimeout(() => URL.revokeObjectURL(url), 10_000);
          } catch (x) {
            this.showError(x);
          }
        },
      },
      'Download transcript',
    );
  }

  private newButton() {
    return h(
      'button',
      {
        type: 'button',
        onclick: () => {
          this.gateway?.stop();
          this.save(null);
          this.conversation = null;
          this.messages = [];
          this.agentName = null;
          this.api.token = '';
          this.render();
        },
      },
      'Start a new conversation',
    );
  }

  private showError(x: unknown) {
    if (!this.statusEl) return;
    const p = h('p', { className: 'error', role: 'alert' }, x instanceof Error ? x.message : String(x));
    this.statusEl.after(p);
    setTimeout(() => p.remove(), 8000);
  }

  destroy() {
    this.gateway?.stop();
    this.host.remove();
  }
}
