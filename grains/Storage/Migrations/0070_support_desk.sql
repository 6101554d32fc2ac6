-- Live-chat support desk (docs/architecture.md#support-desk). One row per conversation: the durable routing state of
-- a desk. The desk grain reloads its queue (queued rows in id order) and its agents' loads (assigned rows) from here,
-- so a silo that dies mid-routing loses and duplicates nothing. Messages live in `messages` under channel_id = id.
CREATE TABLE support_conversations (
    id bigint PRIMARY KEY,
    community_id bigint NOT NULL,
    guest_name text NOT NULL,
    guest_email text,
    -- 0 queued, 1 assigned, 2 closed
    status smallint NOT NULL,
    agent_id bigint,
    created_at timestamptz NOT NULL,
    assigned_at timestamptz,
    closed_at timestamptz,
    rating_score smallint,
    rating_comment text,
    CONSTRAINT support_conversations_status CHECK (status BETWEEN 0 AND 2),
    CONSTRAINT support_conversations_rating CHECK (rating_score IS NULL OR rating_score BETWEEN 1 AND 5),
    CONSTRAINT support_conversations_assigned CHECK (status <> 1 OR agent_id IS NOT NULL)
);

-- What a desk grain reads on activation: its open conversations, in arrival order.
CREATE INDEX support_conversations_open_idx ON support_conversations (community_id, id) WHERE status < 2;
-- Agents' lists by status, and the dashboard's recent figures.
CREATE INDEX support_conversations_community_idx ON support_conversations (community_id, status, id);
