using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Chaos.Api.Auth;

/// <summary>
/// The bearer token a request carries, and a cheap look at its audience before any scheme validates it
/// (docs/architecture.md#token-schemes). Each JWT scheme hands on only tokens of its own audience, so a user token never
/// reaches the guest scheme's validator and a guest token never reaches the user scheme's: a validation that fails
/// throws, and a reconnect storm would otherwise throw once per connection for the scheme that does not apply.
/// </summary>
public static class BearerTokens
{
    /// <summary>A payload longer than this is not one of ours; it is left to the user scheme, which refuses it.</summary>
    private const int MaxPayloadChars = 8192;

    /// <summary>
    /// The token in the <c>Authorization: Bearer</c> header, or on <c>/gateway</c> in the <c>access_token</c> query
    /// parameter (SignalR sends it there on WebSockets, docs/api.md#connecting); null when there is none.
    /// </summary>
    public static string? Find(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Path.StartsWithSegments("/gateway") && request.Query["access_token"] is [{ Length: > 0 } query])
        {
            return query;
        }

        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[7..].Trim();
        return token.Length > 0 ? token : null;
    }

    /// <summary>
    /// Whether a compact JWT names <paramref name="audience"/> in its <c>aud</c> claim, read without checking anything and
    /// without throwing for malformed input (false). Only a routing hint: the scheme it routes to validates fully.
    /// </summary>
    public static bool HasAudience(string token, string audience)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(audience);
        var span = token.AsSpan();
        var first = span.IndexOf('.');
        if (first < 0)
        {
            return false;
        }

        var rest = span[(first + 1)..];
        var second = rest.IndexOf('.');
        if (second <= 0 || second > MaxPayloadChars)
        {
            return false;
        }

        var payload = rest[..second];
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(payload.Length));
        try
        {
            if (Base64Url.DecodeFromChars(payload, buffer, out _, out var written) != OperationStatus.Done)
            {
                return false;
            }

            return NamesAudience(buffer.AsSpan(0, written), audience);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool NamesAudience(ReadOnlySpan<byte> json, string audience)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isAudience = reader.ValueTextEquals("aud"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (!isAudience)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType == JsonTokenType.String)
                {
                    return reader.ValueTextEquals(audience);
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return false;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    if (reader.ValueTextEquals(audience))
                    {
                        return true;
                    }
                }

                return false;
            }

            return false;
        }
        catch (JsonException)
        {
            // Not JSON: not a token of this audience.
            return false;
        }
    }
}
