-- End-to-end encryption (docs/architecture.md#end-to-end-encryption): the MLS directory (devices, key packages) and the
-- delivery service's ordered handshake messages. The server stores public keys, credentials and ciphertext only.

-- At most 10 devices per user (the UserDevices grain keeps the bound). The last-resort key package lives on its device:
-- it is handed out when the one-time packages run out, and never consumed.
CREATE TABLE e2ee_devices (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    name text NOT NULL,
    identity_key bytea NOT NULL,
    credential bytea NOT NULL,
    last_resort bytea,
    created_at timestamptz NOT NULL,
    CONSTRAINT e2ee_devices_pkey PRIMARY KEY (id),
    CONSTRAINT e2ee_devices_name_length CHECK (char_length(name) BETWEEN 1 AND 64),
    CONSTRAINT e2ee_devices_identity_key_size CHECK (octet_length(identity_key) BETWEEN 1 AND 4096),
    CONSTRAINT e2ee_devices_credential_size CHECK (octet_length(credential) BETWEEN 1 AND 4096),
    CONSTRAINT e2ee_devices_last_resort_size CHECK (last_resort IS NULL OR octet_length(last_resort) BETWEEN 1 AND 8192)
);
CREATE INDEX e2ee_devices_user_idx ON e2ee_devices (user_id, id);

-- One-time key packages, at most 100 outstanding per device. A claim deletes the oldest row it can lock
-- (FOR UPDATE SKIP LOCKED), so racing claims take different rows and none waits for another.
CREATE TABLE e2ee_key_packages (
    device_id bigint NOT NULL,
    id bigint NOT NULL,
    key_package bytea NOT NULL,
    CONSTRAINT e2ee_key_packages_pkey PRIMARY KEY (device_id, id),
    CONSTRAINT e2ee_key_packages_size CHECK (octet_length(key_package) BETWEEN 1 AND 8192)
);

-- Commits, proposals and welcomes in the channel's seq (shared with its messages, never the same seq twice). A welcome
-- names the devices it is for; nobody else is sent it or can replay it.
CREATE TABLE mls_messages (
    channel_id bigint NOT NULL,
    seq bigint NOT NULL,
    kind smallint NOT NULL,
    epoch bigint NOT NULL,
    sender_user_id bigint NOT NULL,
    sender_device_id bigint NOT NULL,
    payload bytea NOT NULL,
    recipient_device_ids bigint[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    CONSTRAINT mls_messages_pkey PRIMARY KEY (channel_id, seq),
    CONSTRAINT mls_messages_seq_positive CHECK (seq > 0),
    CONSTRAINT mls_messages_kind CHECK (kind BETWEEN 0 AND 2),
    CONSTRAINT mls_messages_payload_size CHECK (octet_length(payload) BETWEEN 1 AND 131072)
);

-- The channel's epoch is one past its newest commit's: one descent of this partial index.
CREATE INDEX mls_messages_commits_idx ON mls_messages (channel_id, epoch) WHERE kind = 0;

-- Encrypted application messages: opaque bytes beside an always-empty content, so the search index never sees them.
ALTER TABLE messages ADD COLUMN ciphertext bytea;
ALTER TABLE messages ADD CONSTRAINT messages_ciphertext_size CHECK (ciphertext IS NULL OR octet_length(ciphertext) BETWEEN 1 AND 6144);
