-- Message history: append-only rows keyed by (channel_id, id); edits and deletes update a row in place.
-- The primary key leads with channel_id so every page of a channel is one index range scan (keyset on id).
-- fillfactor 90 leaves room on each page for edits and soft deletes to be HOT updates: none of the columns
-- they change (content, mentions, edited_at, deleted) is indexed, so the indexes are not touched.
CREATE TABLE messages (
    channel_id bigint NOT NULL,
    id bigint NOT NULL,
    seq bigint NOT NULL,
    author_id bigint NOT NULL,
    content text NOT NULL,
    created_at timestamptz NOT NULL,
    edited_at timestamptz,
    reply_to_id bigint,
    nonce text,
    mentions bigint[] NOT NULL DEFAULT '{}',
    flags integer NOT NULL DEFAULT 0,
    deleted boolean NOT NULL DEFAULT false,
    CONSTRAINT messages_pkey PRIMARY KEY (channel_id, id),
    CONSTRAINT messages_channel_seq_key UNIQUE (channel_id, seq),
    CONSTRAINT messages_seq_positive CHECK (seq > 0),
    CONSTRAINT messages_nonce_length CHECK (nonce IS NULL OR char_length(nonce) <= 64)
) WITH (
    fillfactor = 90,
    -- An insert-mostly table is otherwise vacuumed rarely, which leaves the visibility map stale and turns
    -- index-only scans (last seq, pages) into heap visits; vacuum it after a smaller share of inserts.
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_vacuum_scale_factor = 0.05,
    -- Pages are only index scans if the planner knows a channel can be big; without statistics it picks a bitmap
    -- scan plus sort of the whole channel per page. Re-analyze after 2% new rows instead of 10%.
    autovacuum_analyze_scale_factor = 0.02
);

-- Channel sizes are skewed (a few huge channels, many small): keep more most-common values so the huge ones are
-- estimated as huge.
ALTER TABLE messages ALTER COLUMN channel_id SET STATISTICS 1000;

-- Nonce idempotency (docs/api.md#message-routes: the same nonce from the same author in the same channel within 10 minutes).
-- Partial: most messages carry no nonce, and they would only bloat the index.
CREATE INDEX messages_nonce_idx ON messages (channel_id, author_id, nonce, created_at) WHERE nonce IS NOT NULL;
