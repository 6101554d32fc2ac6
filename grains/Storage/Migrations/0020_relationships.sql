-- Relationships: one row per user per other user they have a relationship with (that user's view). Lists grow to
-- thousands per user, so they live here, not in grain state; the lower id's User grain writes both rows of a pair.
CREATE TABLE relationships (
    user_id bigint NOT NULL,
    other_id bigint NOT NULL,
    type smallint NOT NULL,
    since timestamptz NOT NULL,
    PRIMARY KEY (user_id, other_id)
);
