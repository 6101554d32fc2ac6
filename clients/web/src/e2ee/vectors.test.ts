// @vitest-environment node
// RFC 9420's published interoperability test vectors (github.com/mlswg/mls-implementations, test-vectors/),
// cipher suite 1, run against the ts-mls version in package.json. The web client trusts ts-mls only because
// these pass; docs/architecture.md#end-to-end-encryption-in-the-web-client lists which. The JSON under
// ./vectors is copied by scripts/mls-vectors.mjs.
import { describe, expect, test } from 'vitest';
import { getCiphersuiteImpl } from 'ts-mls';
import type { CiphersuiteImpl, KeyPackage, PrivateKeyPackage } from 'ts-mls';
import { getCiphersuiteFromId, getCiphersuiteNameFromId } from 'ts-mls/crypto/ciphersuite.js';
import type { CiphersuiteId } from 'ts-mls/crypto/ciphersuite.js';
import { left, nodeWidth, parent, right, root, sibling, toNodeIndex } from 'ts-mls/treemath.js';
import { signWithLabel, verifyWithLabel } from 'ts-mls/crypto/signature.js';
import { refhash } from 'ts-mls/crypto/hash.js';
import { deriveSecret, deriveTreeSecret, expandWithLabel } from 'ts-mls/crypto/kdf.js';
import { decryptWithLabel, encryptWithLabel } from 'ts-mls/crypto/hpke.js';
import { encodeGroupContext } from 'ts-mls/groupContext.js';
import type { GroupContext } from 'ts-mls/groupContext.js';
import { initializeEpoch, mlsExporter } from 'ts-mls/keySchedule.js';
import { expandSenderDataKey, expandSenderDataNonce } from 'ts-mls/sender.js';
import { createSecretTree, deriveKey, deriveNonce, ratchetUntil } from 'ts-mls/secretTree.js';
import { leafToNodeIndex, toLeafIndex } from 'ts-mls/treemath.js';
import { defaultKeyRetentionConfig } from 'ts-mls/keyRetentionConfig.js';
import { decodeMlsMessage, encodeMlsMessage } from 'ts-mls/message.js';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { verifyGroupInfoConfirmationTag, verifyGroupInfoSignature } from 'ts-mls/groupInfo.js';
import { decryptGroupInfo, decryptGroupSecrets } from 'ts-mls/welcome.js';
import { decodeAuthenticatedContent } from 'ts-mls/authenticatedContent.js';
import { createConfirmedHash, createInterimHash } from 'ts-mls/transcriptHash.js';
import { decodeCommit, encodeCommit } from 'ts-mls/commit.js';
import { decodeRatchetTree, encodeRatchetTree } from 'ts-mls/ratchetTree.js';
import { decodeGroupSecrets, encodeGroupSecrets } from 'ts-mls/groupSecrets.js';
import { decodeAdd, decodeRemove, decodeUpdate, encodeAdd, encodeRemove, encodeUpdate } from 'ts-mls/proposal.js';
import { joinGroup, makePskIndex } from 'ts-mls/clientState.js';
import { processPrivateMessage, processPublicMessage } from 'ts-mls/processMessages.js';
import treeMath from './vectors/tree-math.json';
import cryptoBasics from './vectors/crypto-basics.json';
import keySchedule from './vectors/key-schedule.json';
import secretTree from './vectors/secret-tree.json';
import welcome from './vectors/welcome.json';
import transcriptHashes from './vectors/transcript-hashes.json';
import messages from './vectors/messages.json';
import passiveWelcome from './vectors/passive-client-welcome.json';
import passiveCommit from './vectors/passive-client-handling-commit.json';

const hex = (s: string): Uint8Array => {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
};
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const suite = (id: number): Promise<CiphersuiteImpl> => getCiphersuiteImpl(getCiphersuiteFromId(id as CiphersuiteId));
const indexed = <T,>(xs: T[]): [number, T][] => xs.map((x, i) => [i, x]);

// Generous: the shared CI machine runs this beside browsers and builds.
describe('RFC 9420 test vectors against ts-mls', { timeout: 120_000 }, () => {
  test('every vector file holds cases (the copy is not empty)', () => {
    for (const xs of [treeMath, cryptoBasics, keySchedule, secretTree, welcome, transcriptHashes, messages,
      passiveWelcome, passiveCommit]) {
      expect(xs.length).toBeGreaterThan(0);
    }
  });

  test.each(indexed(treeMath))('tree-math %i', (_i, t) => {
    expect(nodeWidth(t.n_leaves)).toBe(t.n_nodes);
    expect(root(t.n_leaves)).toBe(t.root);
    const check = (expected: (number | null)[], f: (i: number) => number) => {
      for (const [i, want] of expected.entries()) {
        if (want === null) expect(() => f(i)).toThrow();
        else expect(f(i)).toBe(want);
      }
    };
    check(t.left, (i) => left(toNodeIndex(i)));
    check(t.right, (i) => right(toNodeIndex(i)));
    check(t.parent, (i) => parent(toNodeIndex(i), t.n_leaves));
    check(t.sibling, (i) => sibling(toNodeIndex(i), t.n_leaves));
  });

  test.each(indexed(cryptoBasics))('crypto-basics %i', async (_i, x) => {
    const cs = await suite(x.cipher_suite);
    expect(toHex(await refhash(x.ref_hash.label, hex(x.ref_hash.value), cs.hash))).toBe(x.ref_hash.out);
    expect(toHex(await deriveSecret(hex(x.derive_secret.secret), x.derive_secret.label, cs.kdf))).toBe(x.derive_secret.out);
    const dts = x.derive_tree_secret;
    expect(toHex(await deriveTreeSecret(hex(dts.secret), dts.label, dts.generation, cs.kdf.size, cs.kdf))).toBe(dts.out);
    const ewl = x.expand_with_label;
    expect(toHex(await expandWithLabel(hex(ewl.secret), ewl.label, hex(ewl.context), ewl.length, cs.kdf))).toBe(ewl.out);

    const enc = x.encrypt_with_label;
    const priv = await cs.hpke.importPrivateKey(hex(enc.priv));
    const pub = await cs.hpke.importPublicKey(hex(enc.pub));
    const opened = await decryptWithLabel(priv, enc.label, hex(enc.context), hex(enc.kem_output), hex(enc.ciphertext), cs.hpke);
    expect(toHex(new Uint8Array(opened))).toBe(enc.plaintext);
    const sealed = await encryptWithLabel(pub, enc.label, hex(enc.context), hex(enc.plaintext), cs.hpke);
    const reopened = await decryptWithLabel(priv, enc.label, hex(enc.context), sealed.enc, sealed.ct, cs.hpke);
    expect(toHex(new Uint8Array(reopened))).toBe(enc.plaintext);

    const sig = x.sign_with_label;
    expect(await verifyWithLabel(hex(sig.pub), sig.label, hex(sig.content), hex(sig.signature), cs.signature)).toBe(true);
    const mine = await signWithLabel(hex(sig.priv), sig.label, hex(sig.content), cs.signature);
    expect(await verifyWithLabel(hex(sig.pub), sig.label, hex(sig.content), mine, cs.signature)).toBe(true);
    // A flipped bit must not verify.
    const bad = hex(sig.signature);
    bad[0] = (bad[0] ?? 0) ^ 1;
    expect(await verifyWithLabel(hex(sig.pub), sig.label, hex(sig.content), bad, cs.signature)).toBe(false);
  });

  test.each(indexed(keySchedule))('key-schedule %i (every epoch, exporter included)', async (_i, x) => {
    const cs = await suite(x.cipher_suite);
    let initSecret = hex(x.initial_init_secret);
    for (const [index, e] of x.epochs.entries()) {
      const gc: GroupContext = {
        version: 'mls10',
        cipherSuite: getCiphersuiteNameFromId(x.cipher_suite as CiphersuiteId),
        groupId: hex(x.group_id),
        epoch: BigInt(index),
        treeHash: hex(e.tree_hash),
        confirmedTranscriptHash: hex(e.confirmed_transcript_hash),
        extensions: [],
      };
      expect(toHex(encodeGroupContext(gc))).toBe(e.group_context);
      const r = await initializeEpoch(initSecret, hex(e.commit_secret), gc, hex(e.psk_secret), cs.kdf);
      expect(toHex(r.joinerSecret)).toBe(e.joiner_secret);
      expect(toHex(r.welcomeSecret)).toBe(e.welcome_secret);
      expect(toHex(r.encryptionSecret)).toBe(e.encryption_secret);
      const k = r.keySchedule;
      expect(toHex(k.initSecret)).toBe(e.init_secret);
      expect(toHex(k.senderDataSecret)).toBe(e.sender_data_secret);
      expect(toHex(k.exporterSecret)).toBe(e.exporter_secret);
      expect(toHex(k.externalSecret)).toBe(e.external_secret);
      expect(toHex(k.confirmationKey)).toBe(e.confirmation_key);
      expect(toHex(k.membershipKey)).toBe(e.membership_key);
      expect(toHex(k.resumptionPsk)).toBe(e.resumption_psk);
      expect(toHex(k.epochAuthenticator)).toBe(e.epoch_authenticator);
      const { publicKey } = await cs.hpke.deriveKeyPair(hex(e.external_secret));
      expect(toHex(await cs.hpke.exportPublicKey(publicKey))).toBe(e.external_pub);
      // The exporter is what voice frame keys come from.
      const exported = await mlsExporter(k.exporterSecret, e.exporter.label, hex(e.exporter.context), e.exporter.length, cs);
      expect(toHex(exported)).toBe(e.exporter.secret);
      initSecret = k.initSecret;
    }
  });

  test.each(indexed(secretTree))('secret-tree %i', async (_i, x) => {
    const cs = await suite(x.cipher_suite);
    const sd = x.sender_data;
    expect(toHex(await expandSenderDataKey(cs, hex(sd.sender_data_secret), hex(sd.ciphertext)))).toBe(sd.key);
    expect(toHex(await expandSenderDataNonce(cs, hex(sd.sender_data_secret), hex(sd.ciphertext)))).toBe(sd.nonce);
    const tree = await createSecretTree(x.leaves.length, hex(x.encryption_secret), cs.kdf);
    for (const [index, leaf] of x.leaves.entries()) {
      const node = tree[leafToNodeIndex(toLeafIndex(index))]!;
      for (const g of leaf) {
        const [hs] = await ratchetUntil(node.handshake, g.generation, defaultKeyRetentionConfig, cs.kdf);
        expect(toHex(await deriveKey(hs.secret, hs.generation, cs))).toBe(g.handshake_key);
        expect(toHex(await deriveNonce(hs.secret, hs.generation, cs))).toBe(g.handshake_nonce);
        const [app] = await ratchetUntil(node.application, g.generation, defaultKeyRetentionConfig, cs.kdf);
        expect(toHex(await deriveKey(app.secret, app.generation, cs))).toBe(g.application_key);
        expect(toHex(await deriveNonce(app.secret, app.generation, cs))).toBe(g.application_nonce);
      }
    }
  });

  test.each(indexed(welcome))('welcome %i', async (_i, x) => {
    const cs = await suite(x.cipher_suite);
    const w = decodeMlsMessage(hex(x.welcome), 0)?.[0];
    const kp = decodeMlsMessage(hex(x.key_package), 0)?.[0];
    if (w?.wireformat !== 'mls_welcome' || kp?.wireformat !== 'mls_key_package') throw new Error('undecodable');
    const ref = await makeKeyPackageRef(kp.keyPackage, cs.hash);
    const secrets = await decryptGroupSecrets(await cs.hpke.importPrivateKey(hex(x.init_priv)), ref, w.welcome, cs.hpke);
    if (!secrets) throw new Error('group secrets did not decrypt');
    const psk = new Uint8Array(cs.kdf.size);
    const gi = await decryptGroupInfo(w.welcome, secrets.joinerSecret, psk, cs);
    if (!gi) throw new Error('group info did not decrypt');
    expect(await verifyGroupInfoConfirmationTag(gi, secrets.joinerSecret, psk, cs)).toBe(true);
    expect(await verifyGroupInfoSignature(gi, hex(x.signer_pub), cs.signature)).toBe(true);
  });

  test.each(indexed(transcriptHashes))('transcript-hashes %i', async (_i, x) => {
    const cs = await suite(x.cipher_suite);
    const auth = decodeAuthenticatedContent(hex(x.authenticated_content), 0)?.[0];
    if (!auth || auth.content.contentType !== 'commit' || auth.auth.contentType !== 'commit') throw new Error('undecodable');
    const tag = auth.auth.confirmationTag;
    expect(await cs.hash.verifyMac(hex(x.confirmation_key), tag, hex(x.confirmed_transcript_hash_after))).toBe(true);
    const confirmed = await createConfirmedHash(hex(x.interim_transcript_hash_before),
      { wireformat: auth.wireformat, content: auth.content, signature: auth.auth.signature }, cs.hash);
    expect(toHex(confirmed)).toBe(x.confirmed_transcript_hash_after);
    expect(toHex(await createInterimHash(confirmed, tag, cs.hash))).toBe(x.interim_transcript_hash_after);
  });

  test.each(indexed(messages))('messages %i (decode and re-encode byte for byte)', (_i, m) => {
    const wire: [string, string][] = [
      [m.mls_welcome, 'mls_welcome'], [m.mls_group_info, 'mls_group_info'], [m.mls_key_package, 'mls_key_package'],
      [m.public_message_application, 'mls_public_message'], [m.public_message_proposal, 'mls_public_message'],
      [m.public_message_commit, 'mls_public_message'], [m.private_message, 'mls_private_message'],
    ];
    for (const [h, format] of wire) {
      const decoded = decodeMlsMessage(hex(h), 0)?.[0];
      expect(decoded?.wireformat).toBe(format);
      expect(toHex(encodeMlsMessage(decoded!))).toBe(h);
    }
    const roundTrip = <T,>(h: string, dec: (b: Uint8Array, o: number) => [T, number] | undefined, enc: (t: T) => Uint8Array) => {
      const d = dec(hex(h), 0);
      if (!d) throw new Error('undecodable');
      expect(toHex(enc(d[0]))).toBe(h);
    };
    roundTrip(m.commit, decodeCommit, encodeCommit);
    roundTrip(m.ratchet_tree, decodeRatchetTree, encodeRatchetTree);
    roundTrip(m.group_secrets, decodeGroupSecrets, encodeGroupSecrets);
    roundTrip(m.add_proposal, decodeAdd, encodeAdd);
    roundTrip(m.update_proposal, decodeUpdate, encodeUpdate);
    roundTrip(m.remove_proposal, decodeRemove, encodeRemove);
  });

  interface Passive {
    cipher_suite: number;
    key_package: string;
    welcome: string;
    encryption_priv: string;
    init_priv: string;
    signature_priv: string;
    ratchet_tree: string | null;
    external_psks: { psk_id: string; psk: string }[];
    initial_epoch_authenticator: string;
    epochs: { proposals: string[]; commit: string; epoch_authenticator: string }[];
  }
  const passive = async (data: Passive) => {
    const cs = await suite(data.cipher_suite);
    const kp = decodeMlsMessage(hex(data.key_package), 0)?.[0];
    const w = decodeMlsMessage(hex(data.welcome), 0)?.[0];
    if (kp?.wireformat !== 'mls_key_package' || w?.wireformat !== 'mls_welcome') throw new Error('undecodable');
    const keys: PrivateKeyPackage = {
      hpkePrivateKey: hex(data.encryption_priv),
      initPrivateKey: hex(data.init_priv),
      signaturePrivateKey: hex(data.signature_priv),
    };
    const tree = data.ratchet_tree ? decodeRatchetTree(hex(data.ratchet_tree), 0)?.[0] : undefined;
    const psks: Record<string, Uint8Array> = {};
    for (const p of data.external_psks) {
      psks[btoa(String.fromCharCode(...hex(p.psk_id)))] = hex(p.psk);
    }
    let state = await joinGroup(w.welcome, kp.keyPackage as KeyPackage, keys, makePskIndex(undefined, psks), cs, tree);
    expect(toHex(state.keySchedule.epochAuthenticator)).toBe(data.initial_epoch_authenticator);
    for (const epoch of data.epochs) {
      for (const raw of [...epoch.proposals, epoch.commit]) {
        const msg = decodeMlsMessage(hex(raw), 0)?.[0];
        if (msg?.wireformat === 'mls_private_message') {
          state = (await processPrivateMessage(state, msg.privateMessage, makePskIndex(state, psks), cs)).newState;
        } else if (msg?.wireformat === 'mls_public_message') {
          state = (await processPublicMessage(state, msg.publicMessage, makePskIndex(state, psks), cs)).newState;
        } else {
          throw new Error('undecodable handshake message');
        }
      }
      expect(toHex(state.keySchedule.epochAuthenticator)).toBe(epoch.epoch_authenticator);
    }
  };
  test.each(indexed(passiveWelcome as Passive[]))('passive-client-welcome %i', (_i, x) => passive(x), 120_000);
  test.each(indexed(passiveCommit as Passive[]))('passive-client-handling-commit %i', (_i, x) => passive(x), 120_000);
});
