-- Orleans 10.4.2 ADO.NET clustering, grain persistence and reminders on PostgreSQL 15.
-- Written to the contract in docs/architecture.md#orleans-on-postgresql; the contract tests are tests/Chaos.Tests/Storage/OrleansSqlContractTests.cs.
--
-- Orleans bootstraps with the unquoted `SELECT QueryKey, QueryText FROM OrleansQuery`, so every identifier here is
-- unquoted lower case. Orleans then runs the stored texts verbatim with named DbParameters (@Name) and reads result
-- columns by name through Npgsql's case-insensitive GetOrdinal fallback.
-- SchemaMigrator runs this file inside one transaction: no BEGIN/COMMIT here. Each stored query is a single
-- statement (data-modifying CTEs where two steps must be atomic), so it needs no transaction control of its own.

CREATE TABLE orleansquery (
    querykey varchar(64) NOT NULL PRIMARY KEY,
    querytext text NOT NULL
);

---------------------------------------------------------------------------------------------------
-- Clustering
---------------------------------------------------------------------------------------------------

-- One row per deployment (ClusterId): the table-wide optimistic-concurrency version.
CREATE TABLE orleansmembershipversiontable (
    deploymentid varchar(150) NOT NULL PRIMARY KEY,
    timestamp timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 0
);

-- One row per silo incarnation.
CREATE TABLE orleansmembershiptable (
    deploymentid varchar(150) NOT NULL REFERENCES orleansmembershipversiontable (deploymentid),
    address varchar(45) NOT NULL,
    port integer NOT NULL,
    generation integer NOT NULL,
    siloname varchar(150) NOT NULL,
    hostname varchar(150) NOT NULL,
    status integer NOT NULL,
    -- Orleans always writes it and reads it with GetInt32, so it is never NULL.
    proxyport integer NOT NULL DEFAULT 0,
    suspecttimes varchar(8000) NULL,
    starttime timestamptz NOT NULL,
    iamalivetime timestamptz NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

---------------------------------------------------------------------------------------------------
-- Grain persistence
---------------------------------------------------------------------------------------------------

CREATE TABLE orleansstorage (
    grainidhash integer NOT NULL,
    grainidn0 bigint NOT NULL,
    grainidn1 bigint NOT NULL,
    graintypehash integer NOT NULL,
    graintypestring varchar(512) NOT NULL,
    grainidextensionstring varchar(512) NULL,
    serviceid varchar(150) NOT NULL,
    payloadbinary bytea NULL,
    modifiedon timestamptz NOT NULL DEFAULT now(),
    version integer NULL
);

-- The logical identity. Unique so that two racing activations cannot both take the insert path; NULL and ''
-- extensions are one identity (the queries below compare them the same way, so reads and the index agree).
CREATE UNIQUE INDEX ux_orleansstorage_identity
    ON orleansstorage (serviceid, graintypestring, grainidn0, grainidn1, (COALESCE(grainidextensionstring, '')));

---------------------------------------------------------------------------------------------------
-- Reminders
---------------------------------------------------------------------------------------------------

CREATE TABLE orleansreminderstable (
    serviceid varchar(150) NOT NULL,
    -- GrainId.ToString(): Guid and compound keys get long, so text rather than varchar(150).
    grainid text NOT NULL,
    remindername varchar(150) NOT NULL,
    starttime timestamptz NOT NULL,
    -- Milliseconds; Orleans reads it with GetInt64.
    period bigint NOT NULL,
    -- GetUniformHashCode() (a uint) cast to int: signed, may be negative, and the ranges compare it signed.
    grainhash integer NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (serviceid, grainid, remindername)
);

CREATE INDEX ix_orleansreminderstable_hash ON orleansreminderstable (serviceid, grainhash);

---------------------------------------------------------------------------------------------------
-- Queries: clustering (9 keys, all required, also by the gateway list provider of a client)
---------------------------------------------------------------------------------------------------

INSERT INTO orleansquery (querykey, querytext) VALUES

('InsertMembershipVersionKey', $q$
WITH inserted AS (
    INSERT INTO orleansmembershipversiontable (deploymentid, timestamp, version)
    VALUES (@DeploymentId, now(), 0)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer FROM inserted
$q$),

-- The version row LEFT JOIN its silos: one row with NULL silo columns when there are none, and zero rows only
-- when the version row itself is missing (Orleans always inserts it first).
('MembershipReadAllKey', $q$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m ON m.deploymentid = v.deploymentid
WHERE v.deploymentid = @DeploymentId
$q$),

-- The silo filter sits in the join condition so that the version row comes back even without that silo.
('MembershipReadRowKey', $q$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status, m.proxyport,
       m.suspecttimes, m.starttime, m.iamalivetime, v.version
FROM orleansmembershipversiontable v
LEFT JOIN orleansmembershiptable m
       ON m.deploymentid = v.deploymentid
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
WHERE v.deploymentid = @DeploymentId
$q$),

-- Bump the version only when it is the one Orleans read and the silo row does not exist yet, and insert the row
-- only from that bump, so both happen or neither. Concurrent writers serialize on the version row lock: the loser
-- re-checks `version = @Version` after the winner commits and matches nothing. Should a row with the same key
-- appear anyway, the INSERT fails with a unique violation and the whole statement rolls back.
('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE orleansmembershipversiontable
    SET version = version + 1, timestamp = now()
    WHERE deploymentid = @DeploymentId
      AND version = @Version
      AND NOT EXISTS (
          SELECT 1 FROM orleansmembershiptable
          WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
    RETURNING deploymentid
), inserted AS (
    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname, status, proxyport, suspecttimes, starttime, iamalivetime)
    SELECT deploymentid, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, NULL, @StartTime, @IAmAliveTime
    FROM bumped
    RETURNING 1
)
SELECT count(*)::integer FROM inserted
$q$),

-- Lock the silo row first (so it cannot vanish between the two steps), bump the version only when it is current
-- and the silo exists, and update the silo only from that bump.
('UpdateMembershipKey', $q$
WITH silo AS (
    SELECT deploymentid, address, port, generation
    FROM orleansmembershiptable
    WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
    FOR UPDATE
), bumped AS (
    UPDATE orleansmembershipversiontable
    SET version = version + 1, timestamp = now()
    WHERE deploymentid = @DeploymentId
      AND version = @Version
      AND EXISTS (SELECT 1 FROM silo)
    RETURNING deploymentid
), updated AS (
    UPDATE orleansmembershiptable m
    SET status = @Status, suspecttimes = @SuspectTimes, iamalivetime = @IAmAliveTime
    FROM silo s, bumped b
    WHERE m.deploymentid = s.deploymentid AND m.address = s.address AND m.port = s.port AND m.generation = s.generation
      AND b.deploymentid = s.deploymentid
    RETURNING 1
)
SELECT count(*)::integer FROM updated
$q$),

-- The heartbeat: no version bump.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleansmembershiptable
SET iamalivetime = @IAmAliveTime
WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),

('GatewaysQueryKey', $q$
SELECT address, proxyport, generation
FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0
$q$),

('DeleteMembershipTableEntriesKey', $q$
WITH silos AS (
    DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId
)
DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId
$q$),

-- Old rows of silos that are no longer Active (3); a live silo's row is never purged, however stale.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId AND iamalivetime < @IAmAliveTime AND status <> 3
$q$),

---------------------------------------------------------------------------------------------------
-- Queries: grain persistence (identity = ServiceId, GrainTypeString, N0, N1, extension with NULL = '' = NULL;
-- the hashes are stored but not matched, so rows stay reachable whichever hasher wrote them)
---------------------------------------------------------------------------------------------------

-- PayloadBinary before Version: Orleans may read with CommandBehavior.SequentialAccess.
('ReadFromStorageKey', $q$
SELECT payloadbinary, version
FROM orleansstorage
WHERE serviceid = @ServiceId
  AND graintypestring = @GrainTypeString
  AND grainidn0 = @GrainIdN0
  AND grainidn1 = @GrainIdN1
  AND COALESCE(grainidextensionstring, '') = COALESCE(@GrainIdExtensionString, '')
$q$),

-- No ETag: insert version 1 unless the identity exists (ON CONFLICT on the unique index, which also settles races)
-- and return NULL when nothing was inserted. ETag v: update where version = v and return v + 1, or v on a miss.
('WriteToStorageKey', $q$
WITH inserted AS (
    INSERT INTO orleansstorage
        (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid,
         payloadbinary, modifiedon, version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId,
           @PayloadBinary, now(), 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT (serviceid, graintypestring, grainidn0, grainidn1, (COALESCE(grainidextensionstring, ''))) DO NOTHING
    RETURNING version
), updated AS (
    UPDATE orleansstorage
    SET payloadbinary = @PayloadBinary, modifiedon = now(), version = version + 1
    WHERE @GrainStateVersion IS NOT NULL
      AND version = @GrainStateVersion
      AND serviceid = @ServiceId
      AND graintypestring = @GrainTypeString
      AND grainidn0 = @GrainIdN0
      AND grainidn1 = @GrainIdN1
      AND COALESCE(grainidextensionstring, '') = COALESCE(@GrainIdExtensionString, '')
    RETURNING version
)
SELECT CASE
           WHEN @GrainStateVersion IS NULL THEN (SELECT version FROM inserted)
           ELSE COALESCE((SELECT version FROM updated), @GrainStateVersion)
       END AS newgrainstateversion
$q$),

-- Keeps the row with a NULL payload; no row back means a version conflict.
('ClearStorageKey', $q$
UPDATE orleansstorage
SET payloadbinary = NULL, modifiedon = now(), version = version + 1
WHERE version = @GrainStateVersion
  AND serviceid = @ServiceId
  AND graintypestring = @GrainTypeString
  AND grainidn0 = @GrainIdN0
  AND grainidn1 = @GrainIdN1
  AND COALESCE(grainidextensionstring, '') = COALESCE(@GrainIdExtensionString, '')
RETURNING version AS newgrainstateversion
$q$),

-- For DeleteStateOnClear = true: returns a value different from the sent version (old + 1), no row on conflict.
('DeleteStorageKey', $q$
DELETE FROM orleansstorage
WHERE version = @GrainStateVersion
  AND serviceid = @ServiceId
  AND graintypestring = @GrainTypeString
  AND grainidn0 = @GrainIdN0
  AND grainidn1 = @GrainIdN1
  AND COALESCE(grainidextensionstring, '') = COALESCE(@GrainIdExtensionString, '')
RETURNING version + 1 AS newgrainstateversion
$q$),

---------------------------------------------------------------------------------------------------
-- Queries: reminders (7 keys, all required)
---------------------------------------------------------------------------------------------------

('ReadReminderRowsKey', $q$
SELECT grainid, remindername, starttime, period, version
FROM orleansreminderstable
WHERE serviceid = @ServiceId AND grainid = @GrainId
$q$),

('ReadReminderRowKey', $q$
SELECT grainid, remindername, starttime, period, version
FROM orleansreminderstable
WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName
$q$),

-- Used when (int)begin < (int)end.
('ReadRangeRows1Key', $q$
SELECT grainid, remindername, starttime, period, version
FROM orleansreminderstable
WHERE serviceid = @ServiceId AND grainhash > @BeginHash AND grainhash <= @EndHash
$q$),

-- Used otherwise: the range wraps around the ring.
('ReadRangeRows2Key', $q$
SELECT grainid, remindername, starttime, period, version
FROM orleansreminderstable
WHERE serviceid = @ServiceId AND (grainhash > @BeginHash OR grainhash <= @EndHash)
$q$),

('UpsertReminderRowKey', $q$
INSERT INTO orleansreminderstable (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
SET starttime = excluded.starttime,
    period = excluded.period,
    grainhash = excluded.grainhash,
    version = orleansreminderstable.version + 1
RETURNING version
$q$),

('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleansreminderstable
    WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName AND version = @Version
    RETURNING 1
)
SELECT count(*)::integer FROM deleted
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM orleansreminderstable WHERE serviceid = @ServiceId
$q$);
