-- Node ids for snowflake generation, leased by each running process (docs/architecture.md#ids: never configured by hand).
CREATE TABLE chaos_node_leases (
    node_id integer PRIMARY KEY CHECK (node_id BETWEEN 0 AND 1023),
    holder text NOT NULL,
    expires_at timestamptz NOT NULL
);

-- Cluster-wide generated secrets (the JWT signing key when none is configured), so every front door agrees.
CREATE TABLE chaos_secrets (
    name text PRIMARY KEY,
    value text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
