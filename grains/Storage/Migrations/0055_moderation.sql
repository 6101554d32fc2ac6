-- AI moderation queue items (docs/architecture.md#ai-assistance). One row per flagged message; the unclassified
-- backlog is not here (it is bounded and lives in the community's Moderation grain).
CREATE TABLE moderation_items (
    id bigint NOT NULL,
    community_id bigint NOT NULL,
    channel_id bigint NOT NULL,
    message_id bigint NOT NULL,
    author_id bigint NOT NULL,
    category text NOT NULL,
    reason text NOT NULL,
    -- 0 open, 1 dismissed, 2 removed
    status smallint NOT NULL,
    created_at timestamptz NOT NULL,
    decided_by bigint NULL,
    decided_at timestamptz NULL,
    CONSTRAINT moderation_items_pkey PRIMARY KEY (id),
    CONSTRAINT moderation_items_message_key UNIQUE (message_id),
    CONSTRAINT moderation_items_reason_length CHECK (char_length(reason) <= 200),
    CONSTRAINT moderation_items_category_length CHECK (char_length(category) <= 32)
);

-- The moderators' page: a community's items newest first, optionally of one status.
CREATE INDEX moderation_items_community_idx ON moderation_items (community_id, id DESC);
CREATE INDEX moderation_items_open_idx ON moderation_items (community_id, id DESC) WHERE status = 0;
