-- Attachments of a message (voice messages first): a small JSON array of API.md Attachment objects, null for none.
-- Metadata only; the bytes live in the blob store. Adding a nullable column without a default is instant.
ALTER TABLE messages ADD COLUMN attachments jsonb;
