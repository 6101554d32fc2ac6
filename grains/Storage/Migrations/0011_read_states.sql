-- Read states: how far each user has read each channel. Counts are derived from the messages table when asked.
CREATE TABLE read_states (
    user_id bigint NOT NULL,
    channel_id bigint NOT NULL,
    last_read_message_id bigint NOT NULL,
    last_read_seq bigint NOT NULL,
    PRIMARY KEY (user_id, channel_id)
);
