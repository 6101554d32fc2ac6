-- Mention index for read states (docs/architecture.md#read-states): one row per (mentioned user, channel, seq) of a
-- visible message, so a read state's mention count is a range scan over that user's own rows instead of a scan of every
-- message after the read point. Kept by triggers, so every writer (batched INSERT, COPY, edits, soft deletes) keeps it
-- exact without knowing about it.
CREATE TABLE IF NOT EXISTS message_mentions (
    user_id bigint NOT NULL,
    channel_id bigint NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (user_id, channel_id, seq)
);

-- Statement-level with a transition table: one INSERT ... SELECT per batch of messages, and nothing for batches that
-- mention nobody.
CREATE OR REPLACE FUNCTION chaos_message_mentions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO message_mentions (user_id, channel_id, seq)
    SELECT DISTINCT u, n.channel_id, n.seq
    FROM inserted n CROSS JOIN LATERAL unnest(n.mentions) AS u
    WHERE cardinality(n.mentions) > 0 AND NOT n.deleted
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

-- Edits replace the mentions; soft deletes blank them (and a hard delete, should one ever happen, removes them).
CREATE OR REPLACE FUNCTION chaos_message_mentions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND cardinality(OLD.mentions) > 0 THEN
        DELETE FROM message_mentions
        WHERE user_id = ANY(OLD.mentions) AND channel_id = OLD.channel_id AND seq = OLD.seq;
    END IF;
    IF TG_OP = 'UPDATE' AND cardinality(NEW.mentions) > 0 AND NOT NEW.deleted THEN
        INSERT INTO message_mentions (user_id, channel_id, seq)
        SELECT DISTINCT u, NEW.channel_id, NEW.seq FROM unnest(NEW.mentions) AS u
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS messages_mentions_inserted ON messages;
CREATE TRIGGER messages_mentions_inserted AFTER INSERT ON messages
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION chaos_message_mentions_inserted();

DROP TRIGGER IF EXISTS messages_mentions_updated ON messages;
CREATE TRIGGER messages_mentions_updated AFTER UPDATE OF mentions, deleted ON messages
    FOR EACH ROW WHEN (OLD.mentions IS DISTINCT FROM NEW.mentions OR OLD.deleted IS DISTINCT FROM NEW.deleted)
    EXECUTE FUNCTION chaos_message_mentions_changed();

DROP TRIGGER IF EXISTS messages_mentions_deleted ON messages;
CREATE TRIGGER messages_mentions_deleted AFTER DELETE ON messages
    FOR EACH ROW WHEN (cardinality(OLD.mentions) > 0)
    EXECUTE FUNCTION chaos_message_mentions_changed();

-- An existing database: index the mentions already written (one pass over the messages that mention anyone).
INSERT INTO message_mentions (user_id, channel_id, seq)
SELECT DISTINCT u, m.channel_id, m.seq
FROM messages m CROSS JOIN LATERAL unnest(m.mentions) AS u
WHERE cardinality(m.mentions) > 0 AND NOT m.deleted
ON CONFLICT DO NOTHING;
