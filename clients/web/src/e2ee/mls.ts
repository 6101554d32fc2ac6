// One browser's MLS device on top of ts-mls (docs/architecture.md#end-to-end-encryption-in-the-web-client): its
// signature identity, its key packages, and the per-channel group states, all kept in a Vault. No cryptography is
// written here: everything is a ts-mls call (checked against RFC 9420's test vectors in vectors.test.ts).
import {
  createApplicationMessage, createCommit, createGroup, decodeGroupState, decodeMlsMessage, defaultCapabilities,
  defaultLifetime, encodeGroupState, encodeMlsMessage, emptyPskIndex, generateKeyPackageWithKey, getCiphersuiteFromName,
  getCiphersuiteImpl, joinGroup, mlsExporter, processPrivateMessage, processPublicMessage,
} from 'ts-mls';
import type { CiphersuiteImpl, ClientState, KeyPackage, PrivateKeyPackage, Proposal } from 'ts-mls';
import { decodeKeyPackage, encodeKeyPackage, makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import { fromBase64, fromUtf8, json, parseJson, toBase64, toHex, utf8, type Vault } from './vault';

/** X25519 + AES-128-GCM + SHA-256 + Ed25519: MLS's mandatory suite, the one every RFC 9420 implementation has. */
export const CIPHER_SUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const;
let impl: Promise<CiphersuiteImpl> | null = null;
export const suite = () => (impl ??= getCiphersuiteImpl(getCiphersuiteFromName(CIPHER_SUITE)));

const CREDENTIAL_PREFIX = 'chaos-user:';
/** The basic credential of a device: the user's id. The device is told apart by its signature key (its identityKey). */
export const credentialFor = (userId: string) => utf8(CREDENTIAL_PREFIX + userId);
export function userIdOf(identity: Uint8Array): string | null {
  const s = fromUtf8(identity);
  return s.startsWith(CREDENTIAL_PREFIX) ? s.slice(CREDENTIAL_PREFIX.length) : null;
}

interface StoredIdentity {
  userId: string;
  deviceId?: string;
  signKey: string;
  publicKey: string;
}

interface StoredKeyPackage {
  publicPackage: string;
  init: string;
  hpke: string;
  lastResort: boolean;
}

/** A leaf of the group: who (user), which key (the device's identityKey), at which leaf index. */
export interface GroupMember {
  leafIndex: number;
  userId: string | null;
  identityKey: Uint8Array;
}

export type Incoming =
  | { kind: 'application'; plaintext: Uint8Array; state: ClientState }
  | { kind: 'handshake'; state: ClientState };

export class MlsDevice {
  private constructor(
    readonly vault: Vault,
    readonly cs: CiphersuiteImpl,
    private identity: StoredIdentity,
  ) {}

  /** Loads this browser's device for the user, or makes a new signature key pair (the device's identity key). */
  static async load(vault: Vault, userId: string): Promise<MlsDevice> {
    const cs = await suite();
    let identity = parseJson<StoredIdentity>(await vault.get('device', 'identity'));
    if (!identity || identity.userId !== userId) {
      const pair = await cs.signature.keygen();
      identity = { userId, signKey: toBase64(pair.signKey), publicKey: toBase64(pair.publicKey) };
      await vault.put('device', 'identity', json(identity));
    }
    return new MlsDevice(vault, cs, identity);
  }

  get userId() {
    return this.identity.userId;
  }
  get deviceId() {
    return this.identity.deviceId;
  }
  get identityKey() {
    return fromBase64(this.identity.publicKey);
  }
  get credential() {
    return credentialFor(this.identity.userId);
  }

  async setDeviceId(deviceId: string) {
    this.identity = { ...this.identity, deviceId };
    await this.vault.put('device', 'identity', json(this.identity));
  }

  /** Makes `count` key packages (and a last-resort one when asked); the private halves stay in the vault. */
  async makeKeyPackages(count: number, lastResort = false): Promise<{ keyPackages: string[]; lastResort?: string }> {
    const make = async (isLastResort: boolean) => {
      const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
        { credentialType: 'basic', identity: this.credential },
        defaultCapabilities(),
        defaultLifetime,
        [],
        { signKey: fromBase64(this.identity.signKey), publicKey: fromBase64(this.identity.publicKey) },
        this.cs,
      );
      const ref = toHex(await makeKeyPackageRef(publicPackage, this.cs.hash));
      const stored: StoredKeyPackage = {
        publicPackage: toBase64(encodeKeyPackage(publicPackage)),
        init: toBase64(privatePackage.initPrivateKey),
        hpke: toBase64(privatePackage.hpkePrivateKey),
        lastResort: isLastResort,
      };
      await this.vault.put('keyPackage', ref, json(stored));
      return toBase64(encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: publicPackage }));
    };
    const keyPackages: string[] = [];
    for (let i = 0; i < count; i++) keyPackages.push(await make(false));
    return { keyPackages, lastResort: lastResort ? await make(true) : undefined };
  }

  // ---- groups ----------------------------------------------------------------------------------------------------

  async loadGroup(channelId: string): Promise<ClientState | null> {
    const bytes = await this.vault.get('group', channelId);
    if (!bytes) return null;
    const decoded = decodeGroupState(bytes, 0);
    if (!decoded) return null;
    return { ...decoded[0], clientConfig: defaultClientConfig };
  }

  async saveGroup(channelId: string, state: ClientState) {
    await this.vault.put('group', channelId, encodeGroupState(state));
  }

  async forgetGroup(channelId: string) {
    await this.vault.delete('group', channelId);
  }

  /** A new group with only this device in it, at epoch 0; its id is the channel id. */
  async createGroup(channelId: string): Promise<ClientState> {
    const { keyPackages } = await this.makeKeyPackages(1);
    const mine = decodeMlsMessage(fromBase64(keyPackages[0]), 0)?.[0];
    if (mine?.wireformat !== 'mls_key_package') throw new Error('own key package did not decode');
    const ref = toHex(await makeKeyPackageRef(mine.keyPackage, this.cs.hash));
    const privates = await this.privatePackage(ref);
    await this.vault.delete('keyPackage', ref);
    return createGroup(utf8(channelId), mine.keyPackage, privates!.privatePackage, [], this.cs);
  }

  /**
   * One commit that adds the devices whose key packages are given and removes the given leaves. Returns the new state
   * (to keep only once the server accepted the commit), the commit and the welcome (when someone was added).
   */
  async commit(state: ClientState, add: string[], removeLeaves: number[] = []) {
    const proposals: Proposal[] = [];
    for (const kp of add) {
      const m = decodeMlsMessage(fromBase64(kp), 0)?.[0];
      if (m?.wireformat !== 'mls_key_package') throw new Error('a claimed key package did not decode');
      proposals.push({ proposalType: 'add', add: { keyPackage: m.keyPackage } });
    }
    for (const leaf of removeLeaves) proposals.push({ proposalType: 'remove', remove: { removed: leaf } });
    const result = await createCommit({ state, cipherSuite: this.cs }, { extraProposals: proposals, ratchetTreeExtension: true });
    return {
      state: result.newState,
      commit: encodeMlsMessage(result.commit),
      welcome: result.welcome ? encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: result.welcome }) : null,
    };
  }

  /** Joins from a welcome addressed to one of this device's key packages (null when none of ours is in it). */
  async join(welcomeBytes: Uint8Array): Promise<ClientState | null> {
    const m = decodeMlsMessage(welcomeBytes, 0)?.[0];
    if (m?.wireformat !== 'mls_welcome') throw new Error('not a welcome');
    for (const secret of m.welcome.secrets) {
      const ref = toHex(secret.newMember);
      const mine = await this.privatePackage(ref);
      if (!mine) continue;
      const state = await joinGroup(m.welcome, mine.publicPackage, mine.privatePackage, emptyPskIndex, this.cs);
      // A used key package is deleted (its init key must never open a second welcome); the last-resort one stays.
      if (!mine.lastResort) await this.vault.delete('keyPackage', ref);
      return state;
    }
    return null;
  }

  /** A commit, proposal or application message of the group. Throws when it cannot be processed (wrong epoch, not ours). */
  async process(state: ClientState, bytes: Uint8Array): Promise<Incoming> {
    const m = decodeMlsMessage(bytes, 0)?.[0];
    if (m?.wireformat === 'mls_private_message') {
      const r = await processPrivateMessage(state, m.privateMessage, emptyPskIndex, this.cs);
      return r.kind === 'applicationMessage' ? { kind: 'application', plaintext: r.message, state: r.newState } : { kind: 'handshake', state: r.newState };
    }
    if (m?.wireformat === 'mls_public_message') {
      const r = await processPublicMessage(state, m.publicMessage, emptyPskIndex, this.cs);
      return { kind: 'handshake', state: r.newState };
    }
    throw new Error('not an MLS group message');
  }

  async encrypt(state: ClientState, plaintext: Uint8Array) {
    const r = await createApplicationMessage(state, plaintext, this.cs);
    return { state: r.newState, bytes: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: r.privateMessage }) };
  }

  /** MLS-Exporter(label, context, length) of the state's epoch (RFC 9420 §8.5). */
  exporter(state: ClientState, label: string, context: Uint8Array, length: number) {
    return mlsExporter(state.keySchedule.exporterSecret, label, context, length, this.cs);
  }

  members(state: ClientState): GroupMember[] {
    const out: GroupMember[] = [];
    state.ratchetTree.forEach((node, i) => {
      if (i % 2 !== 0 || !node || node.nodeType !== 'leaf') return;
      const cred = node.leaf.credential;
      out.push({
        leafIndex: i / 2,
        userId: cred.credentialType === 'basic' ? userIdOf(cred.identity) : null,
        identityKey: node.leaf.signaturePublicKey,
      });
    });
    return out;
  }

  private async privatePackage(ref: string): Promise<{ publicPackage: KeyPackage; privatePackage: PrivateKeyPackage; lastResort: boolean } | null> {
    const stored = parseJson<StoredKeyPackage>(await this.vault.get('keyPackage', ref));
    if (!stored) return null;
    const kp = decodeKeyPackage(fromBase64(stored.publicPackage), 0);
    if (!kp) return null;
    return {
      publicPackage: kp[0],
      privatePackage: { initPrivateKey: fromBase64(stored.init), hpkePrivateKey: fromBase64(stored.hpke), signaturePrivateKey: fromBase64(this.identity.signKey) },
      lastResort: stored.lastResort,
    };
  }
}

/** The epoch of a commit or proposal (as the server wants it beside the payload). */
export function epochOf(bytes: Uint8Array): bigint | null {
  const m = decodeMlsMessage(bytes, 0)?.[0];
  if (m?.wireformat === 'mls_private_message') return m.privateMessage.epoch;
  if (m?.wireformat === 'mls_public_message') return m.publicMessage.content.epoch;
  return null;
}

/**
 * A safety number two people compare (the verify screen): SHA-256 over both users' ids and the identity keys their
 * devices have in the group, sorted so both sides compute the same digits; 60 digits in 12 groups of 5.
 */
export async function safetyNumber(a: { userId: string; keys: Uint8Array[] }, b: { userId: string; keys: Uint8Array[] }): Promise<string> {
  const part = (p: { userId: string; keys: Uint8Array[] }) => p.userId + ':' + p.keys.map(toHex).sort().join(',');
  const parts = [part(a), part(b)].sort();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8('chaos-safety-number-v1|' + parts.join('|'))));
  const groups: string[] = [];
  for (let i = 0; i < 12; i++) {
    // 20 bits per group → 5 decimal digits (mod 100000), the way Signal renders fingerprints.
    const n = ((digest[i * 2] << 12) | (digest[i * 2 + 1] << 4) | (digest[24 + (i % 8)] & 0x0f)) % 100000;
    groups.push(String(n).padStart(5, '0'));
  }
  return groups.join(' ');
}
