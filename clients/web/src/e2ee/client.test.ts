// @vitest-environment node
// Three E2eeClients (three browsers) against a small in-memory stand-in for the delivery service's REST routes
// (docs/api.md#end-to-end-encryption): only what the contract says the server does — device directory, one-time key
// packages, an MLS log ordered by seq with the epoch check, welcomes only to the addressed devices, and messages
// that carry ciphertext. The real server is exercised by the .NET tests and the browser end-to-end test.
import { describe, expect, test } from 'vitest';
import { Api } from '../api/client';
import { TokenStore } from '../api/http';
import { E2eeClient, UNDECRYPTABLE, type EncryptedMessage, type MlsEvent } from './client';
import { MemoryVault } from './vault';

interface StoredDevice { id: string; userId: string; name: string; identityKey: string; credential: string; createdAt: string; packages: string[]; lastResort?: string }

class FakeDeliveryService {
  devices: StoredDevice[] = [];
  seq = new Map<string, number>();
  epoch = new Map<string, number>();
  log = new Map<string, (MlsEvent & { recipients?: string[] })[]>();
  messages: EncryptedMessage[] = [];
  private ids = 1;

  private nextSeq(channelId: string) {
    const s = (this.seq.get(channelId) ?? 0) + 1;
    this.seq.set(channelId, s);
    return s;
  }

  fetcher(listeners: Map<string, (e: MlsEvent) => void>): typeof fetch {
    return async (input, init) => {
      const url = new URL(String(input));
      const path = url.pathname.replace('/api/v1', '');
      const user = String((init?.headers as Record<string, string>).authorization).replace('Bearer ', '');
      const deviceId = url.searchParams.get('deviceId') ?? '';
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      const ok = (status: number, data?: unknown) => new Response(data === undefined ? null : JSON.stringify(data), { status });
      const problem = (status: number, code: string, detail: string) => ok(status, { status, code, detail, title: code });
      const method = init?.method ?? 'GET';
      let m: RegExpMatchArray | null;
      if (method === 'POST' && path === '/users/@me/devices') {
        const d: StoredDevice = { id: String(this.ids++), userId: user, createdAt: new Date().toISOString(), packages: [], ...body };
        this.devices.push(d);
        return ok(201, { ...d, packages: undefined });
      }
      if (method === 'GET' && (m = path.match(/^\/users\/(\w+)\/devices$/))) {
        return ok(200, this.devices.filter((d) => d.userId === m![1]).map((d) => ({ ...d, packages: undefined })));
      }
      if (method === 'POST' && (m = path.match(/^\/users\/@me\/devices\/(\w+)\/key-packages$/))) {
        const d = this.devices.find((x) => x.id === m![1] && x.userId === user)!;
        d.packages.push(...body.keyPackages);
        if (body.lastResort) d.lastResort = body.lastResort;
        return ok(204);
      }
      if (method === 'GET' && (m = path.match(/^\/users\/@me\/devices\/(\w+)\/key-packages\/count$/))) {
        return ok(200, { count: this.devices.find((x) => x.id === m![1])!.packages.length });
      }
      if (method === 'POST' && (m = path.match(/^\/users\/(\w+)\/key-packages\/claim$/))) {
        return ok(200, this.devices.filter((d) => d.userId === m![1]).map((d) => ({ deviceId: d.id, keyPackage: d.packages.shift() ?? d.lastResort })));
      }
      if ((m = path.match(/^\/channels\/(\w+)\/mls$/))) {
        const channelId = m[1];
        const log = this.log.get(channelId) ?? [];
        this.log.set(channelId, log);
        if (method === 'GET') {
          const after = Number(url.searchParams.get('after') ?? 0);
          const limit = Number(url.searchParams.get('limit') ?? 100);
          return ok(200, log.filter((e) => e.seq > after && (!e.recipients || e.recipients.includes(deviceId))).slice(0, limit));
        }
        const current = this.epoch.get(channelId) ?? 0;
        if (body.kind === 'commit') {
          if (body.epoch !== current) return problem(409, 'conflict', `The channel is at epoch ${current}.`);
          this.epoch.set(channelId, current + 1);
        }
        const e = { channelId, seq: this.nextSeq(channelId), kind: body.kind, epoch: body.epoch, senderUserId: user, senderDeviceId: deviceId, payload: body.payload, recipients: body.recipientDeviceIds };
        log.push(e);
        for (const [dev, l] of listeners) if (!e.recipients || e.recipients.includes(dev)) l(e);
        return ok(201, { seq: e.seq, epoch: this.epoch.get(channelId) });
      }
      if (method === 'POST' && (m = path.match(/^\/channels\/(\w+)\/messages$/))) {
        if (body.content !== undefined) return problem(400, 'validation_failed', 'e2ee channels refuse content');
        const msg = { id: String(1000 + this.ids++), channelId: m[1], seq: this.nextSeq(m[1]), content: '', ciphertext: body.ciphertext, nonce: body.nonce, author: { id: user } } as unknown as EncryptedMessage;
        this.messages.push(msg);
        return ok(201, msg);
      }
      return problem(404, 'not_found', `${method} ${path}`);
    };
  }
}

function browser(ds: FakeDeliveryService, userId: string, members: string[], live: Map<string, (e: MlsEvent) => void>) {
  const tokens = new TokenStore(null);
  tokens.set({ accessToken: userId, refreshToken: 'r', expiresAt: new Date(Date.now() + 3600_000).toISOString(), userId });
  const api = new Api('http://ds', tokens, ds.fetcher(live));
  const vault = new MemoryVault();
  const client = new E2eeClient(api, () => ({ users: members, exact: false }), async () => vault);
  return { client, vault, members };
}

// Generous: real MLS crypto for three devices on a loaded shared machine.
describe('E2eeClient', { timeout: 120_000 }, () => {
  test('two devices exchange encrypted messages; a removed third cannot read what follows', async () => {
    const ds = new FakeDeliveryService();
    const live = new Map<string, (e: MlsEvent) => void>();
    const members = ['alice', 'bob', 'carol'];
    const alice = browser(ds, 'alice', members, live);
    const bob = browser(ds, 'bob', members, live);
    const carol = browser(ds, 'carol', members, live);
    for (const b of [alice, bob, carol]) {
      await b.client.start(b.client === alice.client ? 'alice' : b.client === bob.client ? 'bob' : 'carol');
      live.set(b.client.device!.deviceId!, (e) => void b.client.onMlsEvent(e));
    }
    expect(ds.devices).toHaveLength(3);
    expect(ds.devices.every((d) => d.packages.length === 30 && d.lastResort)).toBe(true);

    // Alice creates the group and adds everyone by one commit; the welcome goes to Bob's and Carol's devices only.
    await alice.client.sync('c1');
    expect(alice.client.members('c1').map((m) => m.userId).sort()).toEqual(['alice', 'bob', 'carol']);
    const welcome = ds.log.get('c1')!.find((e) => e.kind === 'welcome')!;
    expect(welcome.recipients?.sort()).toEqual([bob.client.device!.deviceId, carol.client.device!.deviceId].sort());

    const sentence = 'The owl flies at midnight over the silent harbour';
    const sent = await alice.client.send('c1', sentence, 'n1');
    expect(sent.content).toBe('');
    expect(JSON.stringify(ds.messages)).not.toContain('midnight');
    expect(await bob.client.decrypt(sent)).toBe(sentence);
    expect(await carol.client.decrypt(sent)).toBe(sentence);
    // Read once: kept on the device (MLS keys are deleted after use, so it could not be decrypted twice).
    expect(await bob.client.decrypt(sent)).toBe(sentence);

    // Safety numbers agree on both sides.
    const ab = await alice.client.safetyNumberWith('c1', 'bob');
    expect(ab).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(await bob.client.safetyNumberWith('c1', 'alice')).toBe(ab);

    // Bob removes Carol by a commit; Alice applies it; Carol's next message is unreadable to her.
    members.splice(members.indexOf('carol'), 1);
    await bob.client.removeUser('c1', 'carol');
    await alice.client.sync('c1');
    expect(alice.client.members('c1').map((m) => m.userId).sort()).toEqual(['alice', 'bob']);
    const after = await alice.client.send('c1', 'Carol must not read this', 'n2');
    expect(await bob.client.decrypt(after)).toBe('Carol must not read this');
    expect(await carol.client.decrypt(after)).toBe(UNDECRYPTABLE);
  });

  test('a device that was offline replays the log in seq order; concurrent commits for one epoch: one wins', async () => {
    const ds = new FakeDeliveryService();
    const live = new Map<string, (e: MlsEvent) => void>();
    const members = ['alice', 'bob'];
    const alice = browser(ds, 'alice', members, live);
    const bob = browser(ds, 'bob', members, live);
    await alice.client.start('alice');
    await bob.client.start('bob');
    // Nobody is live: Bob reads everything by replay.
    await alice.client.sync('c2');
    const m1 = await alice.client.send('c2', 'first', 'a');
    await bob.client.sync('c2');
    // Both re-key at the same epoch (both try to add Bob's second browser): the server takes one commit, the other
    // device catches up and retries on top of it.
    const bob2 = browser(ds, 'bob', members, live);
    // Same user, a second browser: its own vault, so it registers as a second device.
    await bob2.client.start('bob');
    const [a, b] = await Promise.all([alice.client.sync('c2'), bob.client.sync('c2')]);
    expect(a?.groupContext.epoch).toBe(b?.groupContext.epoch);
    expect(alice.client.members('c2')).toHaveLength(3);
    const m2 = await bob.client.send('c2', 'second', 'b');
    expect(await alice.client.decrypt(m2)).toBe('second');
    expect(await bob.client.decrypt(m1)).toBe('first');
    await bob2.client.sync('c2');
    expect(await bob2.client.decrypt(m2)).toBe('second');
    // Joined after it was sent: MLS gives no history to new members.
    expect(await bob2.client.decrypt(m1)).toBe(UNDECRYPTABLE);
  });
});
