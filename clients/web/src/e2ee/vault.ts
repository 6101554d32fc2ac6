// Where a browser keeps its end-to-end encryption secrets (docs/architecture.md#end-to-end-encryption-in-the-web-client).
// IndexedDB, every value sealed with AES-GCM under one wrapping key that WebCrypto generated as NON-EXTRACTABLE:
// script can use it but never read it, and it never leaves this browser profile. The MLS private keys themselves
// (Ed25519 signature key, X25519 HPKE keys) have to be raw bytes because ts-mls computes with bytes, so they are
// stored sealed under that key rather than as CryptoKeys.

export type VaultStore = 'device' | 'group' | 'keyPackage' | 'plain' | 'cursor';
const STORES: VaultStore[] = ['device', 'group', 'keyPackage', 'plain', 'cursor'];

export interface Vault {
  get(store: VaultStore, key: string): Promise<Uint8Array | undefined>;
  put(store: VaultStore, key: string, value: Uint8Array): Promise<void>;
  delete(store: VaultStore, key: string): Promise<void>;
  keys(store: VaultStore): Promise<string[]>;
}

/** For tests and for browsers without IndexedDB (private windows of some browsers): nothing survives a reload. */
export class MemoryVault implements Vault {
  private readonly data = new Map<string, Uint8Array>();
  async get(store: VaultStore, key: string) {
    return this.data.get(`${store}/${key}`);
  }
  async put(store: VaultStore, key: string, value: Uint8Array) {
    this.data.set(`${store}/${key}`, value.slice());
  }
  async delete(store: VaultStore, key: string) {
    this.data.delete(`${store}/${key}`);
  }
  async keys(store: VaultStore) {
    return [...this.data.keys()].filter((k) => k.startsWith(`${store}/`)).map((k) => k.slice(store.length + 1));
  }
}

const req = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/** One IndexedDB database per user (`chaos-e2ee-<userId>`), values sealed under a non-extractable AES-GCM key. */
export class IndexedDbVault implements Vault {
  private constructor(private readonly db: IDBDatabase, private readonly key: CryptoKey) {}

  static async open(userId: string): Promise<IndexedDbVault> {
    const open = indexedDB.open(`chaos-e2ee-${userId}`, 1);
    open.onupgradeneeded = () => {
      for (const s of [...STORES, 'wrap']) if (!open.result.objectStoreNames.contains(s)) open.result.createObjectStore(s);
    };
    const db = await req(open);
    let key = await req(db.transaction('wrap').objectStore('wrap').get('key') as IDBRequest<CryptoKey | undefined>);
    if (!key) {
      // extractable: false — the raw key can never be exported, only used for encrypt/decrypt.
      key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      await req(db.transaction('wrap', 'readwrite').objectStore('wrap').put(key, 'key'));
    }
    return new IndexedDbVault(db, key);
  }

  async get(store: VaultStore, key: string) {
    const sealed = await req(this.db.transaction(store).objectStore(store).get(key) as IDBRequest<ArrayBuffer | undefined>);
    if (!sealed) return undefined;
    const bytes = new Uint8Array(sealed);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData: enc(`${store}/${key}`) }, this.key, bytes.slice(12));
    return new Uint8Array(plain);
  }

  async put(store: VaultStore, key: string, value: Uint8Array) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: enc(`${store}/${key}`) }, this.key, value.slice()));
    const out = new Uint8Array(12 + sealed.length);
    out.set(iv);
    out.set(sealed, 12);
    await req(this.db.transaction(store, 'readwrite').objectStore(store).put(out.buffer, key));
  }

  async delete(store: VaultStore, key: string) {
    await req(this.db.transaction(store, 'readwrite').objectStore(store).delete(key));
  }

  async keys(store: VaultStore) {
    return (await req(this.db.transaction(store).objectStore(store).getAllKeys())).map(String);
  }
}

const enc = (s: string) => new TextEncoder().encode(s);
export const utf8 = enc;
export const fromUtf8 = (b: Uint8Array) => new TextDecoder().decode(b);
export const json = (v: unknown) => enc(JSON.stringify(v));
export const parseJson = <T,>(b: Uint8Array | undefined): T | undefined => (b ? (JSON.parse(fromUtf8(b)) as T) : undefined);

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
