using Chaos.Errors;
using Chaos.Ids;

namespace Chaos.Api.Errors;

/// <summary>Ids in routes and bodies are decimal strings; anything else is <c>validation_failed</c>, never a 404 or 500.</summary>
public static class RouteIds
{
    public static long Parse(string? value, string field) =>
        Snowflake.TryParse(value, out var id) ? id : throw ChaosException.Validation(field, $"{field} must be an id: a positive 64-bit integer written as a string.");

    public static long? ParseOptional(string? value, string field) => value is null ? null : Parse(value, field);

    public static int Limit(int? limit, int defaultLimit, int max) =>
        limit is null ? defaultLimit
        : limit is >= 1 && limit <= max ? limit.Value
        : throw ChaosException.Validation("limit", $"limit must be 1–{max}.");
}
