-- Who is in which DM or group DM, for Ready and GET /users/@me/channels (the channel grain holds the recipient list).
CREATE TABLE private_channel_recipients (
    user_id bigint NOT NULL,
    channel_id bigint NOT NULL,
    PRIMARY KEY (user_id, channel_id)
);
