-- Group DMs per user are capped (docs/api.md#limits): mark group rows so they can be counted without the channel grains.
-- Rows of an existing database are marked by their recipient count: a DM always has exactly two, a group has three or
-- more when created (a group that has since shrunk to two members is not counted for those two).
ALTER TABLE private_channel_recipients ADD COLUMN IF NOT EXISTS is_group boolean NOT NULL DEFAULT false;

UPDATE private_channel_recipients SET is_group = true
WHERE channel_id IN (SELECT channel_id FROM private_channel_recipients GROUP BY channel_id HAVING count(*) > 2);

CREATE INDEX IF NOT EXISTS private_channel_recipients_groups_idx ON private_channel_recipients (user_id) WHERE is_group;
