using Chaos.Messages;
using Npgsql;

namespace Chaos.E2ee;

/// <summary>MLS handshake messages on the <c>mls_messages</c> table (migration 0060).</summary>
public sealed class PostgresMlsStore(NpgsqlDataSource dataSource) : IMlsStore
{
    internal const string SeqConstraint = "mls_messages_pkey";

    private const string Columns = "channel_id, seq, kind, epoch, sender_user_id, sender_device_id, payload, created_at";

    public async Task AppendAsync(MlsMessage message, IReadOnlyList<long> recipientDeviceIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(recipientDeviceIds);
        await using var command = dataSource.CreateCommand($"INSERT INTO mls_messages ({Columns}, recipient_device_ids) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        command.Parameters.AddWithValue(message.ChannelId);
        command.Parameters.AddWithValue(message.Seq);
        command.Parameters.AddWithValue((short)message.Kind);
        command.Parameters.AddWithValue(message.Epoch);
        command.Parameters.AddWithValue(message.SenderUserId);
        command.Parameters.AddWithValue(message.SenderDeviceId);
        command.Parameters.AddWithValue(message.Payload);
        command.Parameters.AddWithValue(message.CreatedAt.ToUniversalTime());
        command.Parameters.AddWithValue(recipientDeviceIds.ToArray());
        try
        {
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateMessageException(message.ChannelId, exception.ConstraintName, "An MLS message with the same seq already exists in its channel.", exception);
        }
    }

    public async Task<long> GetLastSeqAsync(long channelId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT COALESCE(max(seq), 0) FROM mls_messages WHERE channel_id = $1");
        command.Parameters.AddWithValue(channelId);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<long> GetEpochAsync(long channelId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT COALESCE(max(epoch) + 1, 0) FROM mls_messages WHERE channel_id = $1 AND kind = 0");
        command.Parameters.AddWithValue(channelId);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<IReadOnlyList<MlsMessage>> PageAsync(long channelId, long afterSeq, long? deviceId, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM mls_messages
            WHERE channel_id = $1 AND seq > $2 AND (kind <> 2 OR ($3::bigint IS NOT NULL AND recipient_device_ids @> ARRAY[$3::bigint]))
            ORDER BY seq LIMIT $4
            """);
        command.Parameters.AddWithValue(channelId);
        command.Parameters.AddWithValue(afterSeq);
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = deviceId });
        command.Parameters.AddWithValue(limit);
        var list = new List<MlsMessage>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new MlsMessage(
                reader.GetInt64(0),
                reader.GetInt64(1),
                (MlsKind)reader.GetInt16(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetFieldValue<byte[]>(6),
                reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return list;
    }
}
