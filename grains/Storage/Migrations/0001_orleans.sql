-- Orleans ADO.NET schema and queries for PostgreSQL (ORLEANS_POSTGRES.md): written in a later commit.
SELECT 1;
