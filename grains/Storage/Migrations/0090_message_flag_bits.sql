-- Message flag bits as the contract has them (docs/api.md#message): `hidden` (AI moderation) is value 1; the mention
-- bits move from values 1 and 2 to 256 and 512. Old layout: 1 @everyone, 2 role mention, 4 hidden.
UPDATE messages
SET flags = (flags & ~7) | ((flags & 1) << 8) | ((flags & 2) << 8) | ((flags & 4) >> 2)
WHERE (flags & 7) <> 0;

-- The mentions inbox's partial index follows the mention bits.
DROP INDEX IF EXISTS messages_mention_flags_idx;
CREATE INDEX messages_mention_flags_idx ON messages (id) WHERE NOT deleted AND (flags & 768) <> 0;
