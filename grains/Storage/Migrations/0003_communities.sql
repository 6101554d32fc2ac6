-- Public profiles, so member lists and message authors resolve in one query instead of a grain call per user.
CREATE TABLE users (
    id bigint PRIMARY KEY,
    username text NOT NULL UNIQUE,
    display_name text NOT NULL,
    created_at timestamptz NOT NULL
);

-- Members live here, not in grain state: a community may have hundreds of thousands.
CREATE TABLE community_members (
    community_id bigint NOT NULL,
    user_id bigint NOT NULL,
    nickname text NULL,
    role_ids bigint[] NOT NULL DEFAULT '{}',
    joined_at timestamptz NOT NULL,
    PRIMARY KEY (community_id, user_id)
);
CREATE INDEX community_members_by_user ON community_members (user_id, community_id);

CREATE TABLE community_bans (
    community_id bigint NOT NULL,
    user_id bigint NOT NULL,
    actor_id bigint NOT NULL,
    reason text NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (community_id, user_id)
);

CREATE TABLE audit_log (
    id bigint NOT NULL,
    community_id bigint NOT NULL,
    actor_id bigint NOT NULL,
    action text NOT NULL,
    target_id bigint NULL,
    reason text NULL,
    changes jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    PRIMARY KEY (community_id, id)
);
