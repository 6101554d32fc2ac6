-- Attachments of a message (voice messages first): a small JSON array of Attachment objects (docs/api.md#attachment), null for none.
-- Metadata only; the bytes live in the blob store. Adding a nullable column without a default is instant.
ALTER TABLE messages ADD COLUMN attachments jsonb;
