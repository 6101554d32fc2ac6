// The web client's side of end-to-end encryption (docs/architecture.md#end-to-end-encryption-in-the-web-client):
// registers this browser as a device, keeps its key packages topped up, keeps one MLS group per e2ee channel in step
// with the channel's MLS log (ordered by seq, epoch-checked by the server), adds and removes members by commits, and
// encrypts and decrypts messages. The server only ever sees ciphertext, commits and welcomes.
import { mlsExporter, type ClientState } from 'ts-mls';
import type { Api } from '../api/client';
import { ApiError } from '../api/http';
import type { Message } from '../api/types';
import { MlsDevice, safetyNumber, type GroupMember } from './mls';
import { IndexedDbVault, MemoryVault, fromBase64, fromUtf8, json, parseJson, toBase64, toHex, utf8, type Vault } from './vault';
import { FrameCrypto } from './frameCrypto';

export interface Device {
  id: string;
  name: string;
  identityKey: string;
  credential: string;
  createdAt: string;
}

export interface MlsEvent {
  channelId: string;
  seq: number;
  kind: 'commit' | 'proposal' | 'welcome';
  epoch: number;
  senderUserId: string;
  senderDeviceId: string;
  payload: string;
}

/** Messages of e2ee channels carry `ciphertext` instead of content (docs/api.md#end-to-end-encryption). */
export type EncryptedMessage = Message & { ciphertext?: string | null };

/** Shown in place of a message this device cannot read (sent before it joined, or after it was removed). */
export const UNDECRYPTABLE = 'This message cannot be decrypted on this device.';

const KEY_PACKAGE_TARGET = 30;
const KEY_PACKAGE_LOW = 10;

const q = (params: Record<string, string | number | undefined>) =>
  '?' + Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');

/**
 * The membership a channel's group should have. `exact` (voice rooms: whoever is in the room): devices of other users
 * are removed by a commit. Otherwise (DMs and groups) `users` seed a new group; afterwards the group itself says who
 * is in it — new devices of its users are added, and people leave only by an explicit remove commit.
 */
export type MembersOf = (channelId: string) => { users: string[]; exact: boolean } | null;

export class E2eeClient {
  device: MlsDevice | null = null;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly states = new Map<string, ClientState>();
  private readonly cursors = new Map<string, number>();
  /** Exporter secrets of each channel's last few epochs (memory only), so voice frames crossing a commit still open. */
  private readonly exporterSecrets = new Map<string, Map<bigint, Uint8Array>>();
  /** Plaintext of messages already read (or sent) on this device, by message id; also in the vault. */
  private readonly plain = new Map<string, string>();
  private readonly pendingSends = new Map<string, string>();
  private readonly listeners = new Set<(channelId: string) => void>();
  private starting: Promise<void> | null = null;

  constructor(
    private readonly api: Api,
    readonly membersOf: MembersOf,
    private readonly openVault: (userId: string) => Promise<Vault> = defaultVault,
  ) {}

  /** Called with a channel id whenever its group changed epoch or membership (voice re-keys, the header redraws). */
  onGroupChanged(listener: (channelId: string) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private r<T>(method: string, path: string, body?: unknown) {
    return this.api.http.request<T>(method, path, body);
  }

  private withDevice(path: string, extra: Record<string, string | number | undefined> = {}) {
    return path + q({ ...extra, deviceId: this.device?.deviceId });
  }

  // ---- device and key packages -------------------------------------------------------------------------------------

  /** Loads or registers this browser's device for the user and tops up its key packages. Idempotent. */
  start(userId: string): Promise<void> {
    if (this.device?.userId === userId && this.device.deviceId) return Promise.resolve();
    this.starting ??= this.doStart(userId).finally(() => (this.starting = null));
    return this.starting;
  }

  private async doStart(userId: string) {
    // Another user logged in in this tab: nothing of the previous one's groups may linger.
    this.states.clear();
    this.cursors.clear();
    this.plain.clear();
    this.exporterSecrets.clear();
    const vault = await this.openVault(userId);
    const device = await MlsDevice.load(vault, userId);
    this.device = device;
    const mine = await this.r<Device[]>('GET', `/users/${userId}/devices`).catch(() => [] as Device[]);
    const known = mine.find((d) => d.id === device.deviceId && d.identityKey === toBase64(device.identityKey));
    if (!known) {
      const created = await this.r<Device>('POST', '/users/@me/devices', {
        name: browserName(),
        identityKey: toBase64(device.identityKey),
        credential: toBase64(device.credential),
      });
      await device.setDeviceId(created.id);
      const first = await device.makeKeyPackages(KEY_PACKAGE_TARGET, true);
      await this.r('POST', `/users/@me/devices/${created.id}/key-packages`, first);
    } else {
      await this.replenish();
    }
    for (const key of await vault.keys('plain')) {
      const text = parseJson<{ text: string }>(await vault.get('plain', key));
      if (text) this.plain.set(key, text.text);
    }
  }

  /** Uploads fresh key packages when fewer than KEY_PACKAGE_LOW are left on the server. */
  async replenish() {
    const device = this.device;
    if (!device?.deviceId) return;
    const answer = await this.r<number | { count: number }>('GET', `/users/@me/devices/${device.deviceId}/key-packages/count`);
    const count = typeof answer === 'number' ? answer : answer.count;
    if (count >= KEY_PACKAGE_LOW) return;
    const batch = await device.makeKeyPackages(KEY_PACKAGE_TARGET - count);
    await this.r('POST', `/users/@me/devices/${device.deviceId}/key-packages`, batch);
  }

  devices(userId: string) {
    return this.r<Device[]>('GET', `/users/${userId}/devices`);
  }

  // ---- per channel, strictly one thing at a time ---------------------------------------------------------------------

  private serial<T>(channelId: string, work: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(channelId) ?? Promise.resolve();
    const next = prev.then(work, work);
    this.queues.set(channelId, next.catch(() => undefined));
    return next;
  }

  private async state(channelId: string): Promise<ClientState | null> {
    const cached = this.states.get(channelId);
    if (cached) return cached;
    const loaded = await this.device!.loadGroup(channelId);
    if (loaded) {
      this.states.set(channelId, loaded);
      this.exporterSecrets.set(channelId, new Map([[loaded.groupContext.epoch, loaded.keySchedule.exporterSecret]]));
    }
    if (!this.cursors.has(channelId)) {
      this.cursors.set(channelId, parseJson<{ seq: number }>(await this.device!.vault.get('cursor', channelId))?.seq ?? 0);
    }
    return loaded;
  }

  private async keep(channelId: string, state: ClientState | null, cursor?: number) {
    if (state) {
      const recent = this.exporterSecrets.get(channelId) ?? new Map<bigint, Uint8Array>();
      recent.set(state.groupContext.epoch, state.keySchedule.exporterSecret);
      for (const e of recent.keys()) if (e + 2n < state.groupContext.epoch) recent.delete(e);
      this.exporterSecrets.set(channelId, recent);
      this.states.set(channelId, state);
      await this.device!.saveGroup(channelId, state);
    } else {
      this.states.delete(channelId);
      await this.device!.forgetGroup(channelId);
    }
    if (cursor !== undefined) {
      this.cursors.set(channelId, cursor);
      await this.device!.vault.put('cursor', channelId, json({ seq: cursor }));
    }
    for (const l of this.listeners) l(channelId);
  }

  /** Applies one MLS event of the channel's log (a gateway `MlsMessage` or a replayed one), in seq order. */
  onMlsEvent(e: MlsEvent) {
    if (!this.device) return Promise.resolve();
    return this.serial(e.channelId, async () => {
      await this.state(e.channelId);
      const cursor = this.cursors.get(e.channelId) ?? 0;
      if (e.seq <= cursor) return;
      // Messages share the channel's seq, so seq gaps are normal; an epoch ahead of ours means a missed commit
      // (offline, or the event raced a replay): read the log from the cursor instead.
      const state = this.states.get(e.channelId);
      if (state && e.kind !== 'welcome' && BigInt(e.epoch) > state.groupContext.epoch) return this.catchUp(e.channelId);
      await this.apply(e);
    });
  }

  private async apply(e: MlsEvent) {
    const device = this.device!;
    let state = this.states.get(e.channelId) ?? null;
    const payload = fromBase64(e.payload);
    if (e.kind === 'welcome') {
      if (!state) {
        const joined = await device.join(payload).catch(() => null);
        if (joined) state = joined;
      }
    } else if (state && BigInt(e.epoch) === state.groupContext.epoch) {
      if (e.senderDeviceId === device.deviceId && e.kind === 'commit') {
        // Our own commit: its new state was kept when the server accepted it (see commitAndSend); nothing to do.
      } else {
        try {
          state = (await device.process(state, payload)).state;
          // A commit that removed this device: the group goes on without us.
          const mine = toHex(device.identityKey);
          if (!device.members(state).some((m) => toHex(m.identityKey) === mine)) state = null;
        } catch {
          // A commit we cannot apply (e.g. the one that removed us): we are out of the group from here on.
          state = e.kind === 'commit' ? null : state;
        }
      }
    }
    await this.keep(e.channelId, state, e.seq);
  }

  /** Reads the channel's MLS log after this device's cursor and applies it (after being offline, or on a gap). */
  private async catchUp(channelId: string) {
    for (;;) {
      const after = this.cursors.get(channelId) ?? 0;
      const page = await this.r<MlsEvent[]>('GET', this.withDevice(`/channels/${channelId}/mls`, { after, limit: 100 }));
      for (const e of page) if (e.seq > (this.cursors.get(channelId) ?? 0)) await this.apply(e);
      if (page.length < 100) return;
    }
  }

  /** After a reconnect: applies whatever the channel's MLS log gained while this device was away. */
  resync(channelId: string) {
    if (!this.device) return Promise.resolve();
    return this.serial(channelId, async () => {
      await this.state(channelId);
      await this.catchUp(channelId);
    });
  }

  /** Catches up, then creates the group if nobody has, then adds and removes devices until it matches the channel. */
  sync(channelId: string): Promise<ClientState | null> {
    if (!this.device?.deviceId) return Promise.reject(new Error('This browser is not registered for end-to-end encryption yet.'));
    return this.serial(channelId, async () => {
      await this.state(channelId);
      await this.catchUp(channelId);
      for (let attempt = 0; attempt < 4; attempt++) {
        try {
          return await this.reconcile(channelId);
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 409)) throw e;
          // Another device committed first: read its commit and try again on top of it.
          await this.catchUp(channelId);
        }
      }
      return this.states.get(channelId) ?? null;
    });
  }

  private async reconcile(channelId: string): Promise<ClientState | null> {
    const device = this.device!;
    const wanted = this.membersOf(channelId);
    let state = this.states.get(channelId) ?? null;
    if (!state) {
      // Only the first device creates the group (its commit for epoch 0 wins; everyone else waits for a welcome).
      if ((this.cursors.get(channelId) ?? 0) > 0 && (await this.hasCommits(channelId))) return null;
      state = await device.createGroup(channelId);
    }
    if (!wanted) return state;
    const fresh = !this.states.has(channelId);
    const members = device.members(state);
    const inGroup = new Set(members.map((m) => toHex(m.identityKey)));
    const users = fresh || wanted.exact ? wanted.users : members.map((m) => m.userId).filter((u): u is string => !!u);
    const remove = wanted.exact ? members.filter((m) => m.userId && !wanted.users.includes(m.userId)).map((m) => m.leafIndex) : [];
    const add: string[] = [];
    const addDevices: string[] = [];
    for (const userId of new Set([...users, device.userId])) {
      const devices = await this.devices(userId).catch(() => [] as Device[]);
      const missing = devices.filter((d) => !inGroup.has(toHex(fromBase64(d.identityKey))));
      if (missing.length === 0) continue;
      const claimed = await this.r<{ deviceId: string; keyPackage: string }[]>('POST', `/users/${userId}/key-packages/claim`);
      for (const c of claimed) {
        if (missing.some((d) => d.id === c.deviceId) && c.deviceId !== device.deviceId) {
          add.push(c.keyPackage);
          addDevices.push(c.deviceId);
        }
      }
    }
    if (add.length === 0 && remove.length === 0 && !fresh) return state;
    return this.commitAndSend(channelId, state, add, addDevices, remove);
  }

  private async hasCommits(channelId: string) {
    const page = await this.r<MlsEvent[]>('GET', this.withDevice(`/channels/${channelId}/mls`, { limit: 1 }));
    return page.some((e) => e.kind === 'commit');
  }

  private async commitAndSend(channelId: string, state: ClientState, add: string[], addDevices: string[], remove: number[]) {
    const device = this.device!;
    const epoch = Number(state.groupContext.epoch);
    const result = await device.commit(state, add, remove);
    const accepted = await this.r<{ seq: number; epoch: number }>('POST', this.withDevice(`/channels/${channelId}/mls`), {
      kind: 'commit', epoch, payload: toBase64(result.commit),
    });
    await this.keep(channelId, result.state, accepted.seq);
    if (result.welcome && addDevices.length > 0) {
      const w = await this.r<{ seq: number }>('POST', this.withDevice(`/channels/${channelId}/mls`), {
        kind: 'welcome', epoch: epoch + 1, payload: toBase64(result.welcome), recipientDeviceIds: addDevices,
      });
      this.cursors.set(channelId, Math.max(this.cursors.get(channelId) ?? 0, w.seq));
      await device.vault.put('cursor', channelId, json({ seq: this.cursors.get(channelId) }));
    }
    return result.state;
  }

  /** Removes a user's devices from the channel's group (a commit): they cannot read anything sent afterwards. */
  removeUser(channelId: string, userId: string) {
    return this.serial(channelId, async () => {
      await this.state(channelId);
      await this.catchUp(channelId);
      const state = this.states.get(channelId);
      if (!state) throw new Error('This device is not in the encrypted group.');
      const leaves = this.device!.members(state).filter((m) => m.userId === userId).map((m) => m.leafIndex);
      if (leaves.length) await this.commitAndSend(channelId, state, [], [], leaves);
    });
  }

  // ---- messages --------------------------------------------------------------------------------------------------

  /** Encrypts and sends a message in an e2ee channel (POST with `ciphertext`, never `content`). */
  async send(channelId: string, text: string, nonce: string): Promise<EncryptedMessage> {
    await this.sync(channelId);
    return this.serial(channelId, async () => {
      const state = this.states.get(channelId);
      if (!state) throw new Error('The encrypted group of this conversation is not ready yet; try again in a moment.');
      const sealed = await this.device!.encrypt(state, utf8(JSON.stringify({ text })));
      await this.keep(channelId, sealed.state);
      this.pendingSends.set(nonce, text);
      try {
        const m = await this.r<EncryptedMessage>('POST', this.withDevice(`/channels/${channelId}/messages`), { ciphertext: toBase64(sealed.bytes), nonce });
        await this.remember(m.id, text);
        return m;
      } finally {
        this.pendingSends.delete(nonce);
      }
    });
  }

  /** The plaintext of a message if this device already has it (sent here, or decrypted before). */
  known(m: EncryptedMessage): string | undefined {
    return this.plain.get(m.id) ?? (m.nonce ? this.pendingSends.get(m.nonce) : undefined);
  }

  /** Decrypts a message of an e2ee channel after applying the MLS log up to it; UNDECRYPTABLE when it cannot. */
  decrypt(m: EncryptedMessage): Promise<string> {
    const known = this.known(m);
    if (known !== undefined) return Promise.resolve(known);
    if (!m.ciphertext || !this.device) return Promise.resolve(UNDECRYPTABLE);
    return this.serial(m.channelId, async () => {
      const again = this.known(m);
      if (again !== undefined) return again;
      await this.state(m.channelId);
      if ((this.cursors.get(m.channelId) ?? 0) < m.seq) await this.catchUp(m.channelId).catch(() => undefined);
      const state = this.states.get(m.channelId);
      if (!state) return UNDECRYPTABLE;
      try {
        const r = await this.device!.process(state, fromBase64(m.ciphertext!));
        if (r.kind !== 'application') return UNDECRYPTABLE;
        await this.keep(m.channelId, r.state);
        const text = (JSON.parse(fromUtf8(r.plaintext)) as { text: string }).text;
        await this.remember(m.id, text);
        return text;
      } catch {
        return UNDECRYPTABLE;
      }
    });
  }

  private async remember(messageId: string, text: string) {
    this.plain.set(messageId, text);
    await this.device?.vault.put('plain', messageId, json({ text }));
  }

  // ---- what the UI shows -----------------------------------------------------------------------------------------

  members(channelId: string): GroupMember[] {
    const state = this.states.get(channelId);
    return state && this.device ? this.device.members(state) : [];
  }

  epoch(channelId: string): bigint | null {
    return this.states.get(channelId)?.groupContext.epoch ?? null;
  }

  /** The safety number of this user and another, over the identity keys both have in the channel's group. */
  async safetyNumberWith(channelId: string, otherUserId: string): Promise<string | null> {
    await this.state(channelId);
    const members = this.members(channelId);
    const me = this.device!.userId;
    const keysOf = (u: string) => members.filter((m) => m.userId === u).map((m) => m.identityKey);
    if (keysOf(otherUserId).length === 0) return null;
    return safetyNumber({ userId: me, keys: keysOf(me) }, { userId: otherUserId, keys: keysOf(otherUserId) });
  }

  /** Frame encryption for an e2ee voice channel, keyed by the group's exporter secret (frameCrypto.ts). */
  frameCrypto(channelId: string): FrameCrypto {
    const exporters = new Map<string, Promise<Uint8Array | null>>();
    const self = this;
    return new FrameCrypto(
      {
        get epoch() {
          return self.states.get(channelId)?.groupContext.epoch ?? -1n;
        },
        exporter(epoch, label, context) {
          const secret = self.exporterSecrets.get(channelId)?.get(epoch);
          if (!secret) return Promise.resolve(null);
          const id = `${epoch}/${label}/${toHex(context)}`;
          let p = exporters.get(id);
          if (!p) {
            p = mlsExporter(secret, label, context, 16, self.device!.cs);
            exporters.set(id, p);
          }
          return p;
        },
      },
      this.device!.userId,
    );
  }
}

async function defaultVault(userId: string): Promise<Vault> {
  if (typeof indexedDB === 'undefined') return new MemoryVault();
  try {
    return await IndexedDbVault.open(userId);
  } catch {
    return new MemoryVault();
  }
}

function browserName() {
  const ua = typeof navigator === 'undefined' ? '' : navigator.userAgent;
  const name = /Firefox\//.test(ua) ? 'Firefox' : /Edg\//.test(ua) ? 'Edge' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  return `${name} on ${typeof navigator === 'undefined' ? 'this computer' : navigator.platform || 'this computer'}`.slice(0, 64);
}
