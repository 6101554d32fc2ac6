-- Reactions, pins, search, the mentions inbox and notification settings (docs/architecture.md#reactions-pins-and-search).

-- One row per (message, emoji, user): counts are exact because they are counted, never kept as a running number.
-- The key leads with message_id: a page of history reads the reactions of its messages with one index range each.
CREATE TABLE message_reactions (
    message_id bigint NOT NULL,
    emoji text NOT NULL,
    user_id bigint NOT NULL,
    channel_id bigint NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT message_reactions_pkey PRIMARY KEY (message_id, emoji, user_id),
    CONSTRAINT message_reactions_emoji_length CHECK (char_length(emoji) <= 32)
);

-- At most 50 per channel (the Channel grain keeps the bound).
CREATE TABLE channel_pins (
    channel_id bigint NOT NULL,
    message_id bigint NOT NULL,
    pinned_at timestamptz NOT NULL,
    CONSTRAINT channel_pins_pkey PRIMARY KEY (channel_id, message_id)
);
CREATE INDEX channel_pins_message_idx ON channel_pins (message_id);

-- Search matches words of every script the same way: the simple parser and dictionary lower-case and split words,
-- with no stemming and no stop words (an English configuration would stem English and mangle everything else).
-- A configuration of our own, so an operator may add dictionaries (unaccent, for one) without touching the index SQL.
CREATE TEXT SEARCH CONFIGURATION chaos_search (COPY = pg_catalog.simple);

-- An expression index (no stored tsvector column, so sends write no more than before); partial, because deleted
-- messages are blank and never found.
CREATE INDEX messages_search_idx ON messages USING gin (to_tsvector('chaos_search'::regconfig, content)) WHERE NOT deleted;

-- The mentions inbox: messages naming a user (GIN on the array, only rows that mention anyone), and messages
-- mentioning @everyone or roles (flag bits 1 and 2, docs/api.md#message), rare enough for a small btree.
CREATE INDEX messages_mentions_idx ON messages USING gin (mentions) WHERE NOT deleted AND mentions <> '{}';
CREATE INDEX messages_mention_flags_idx ON messages (id) WHERE NOT deleted AND (flags & 3) <> 0;

-- A user's notification level and mute per community or channel; at most 500 rows per user (the grain keeps it).
CREATE TABLE notification_settings (
    user_id bigint NOT NULL,
    target_id bigint NOT NULL,
    level smallint NOT NULL,
    muted_until timestamptz,
    CONSTRAINT notification_settings_pkey PRIMARY KEY (user_id, target_id)
);
