using System.Text.Json;
using System.Text.RegularExpressions;
using Chaos.Errors;

namespace Chaos.Api.Errors;

/// <summary>
/// Turns a JSON body the serializer refused into <c>validation_failed</c> with <c>errors</c> naming the field, the same
/// shape as every other invalid field (docs/api.md#errors).
/// </summary>
public static partial class JsonFieldErrors
{
    /// <summary>The key used when the body as a whole is at fault (not JSON, or not an object).</summary>
    public const string BodyField = "$";

    public static ChaosException From(JsonException json)
    {
        var field = FieldOf(json.Path);
        var message = MessageOf(json.Message);
        if (message == NotJson)
        {
            field = BodyField;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] };
        var detail = field == BodyField ? $"The JSON body is not valid: {message}." : $"The JSON body is not valid at {field}: {message}.";
        return new ChaosException(ErrorCodes.ValidationFailed, detail, null, errors, null);
    }

    /// <summary><c>$.roles[0].name</c> becomes <c>roles[0].name</c>; the root stays <c>$</c>.</summary>
    public static string FieldOf(string? path) =>
        path is { Length: > 2 } && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..]
        : path is { Length: > 1 } && path.StartsWith("$[", StringComparison.Ordinal) ? path[1..]
        : BodyField;

    private const string NotJson = "is not well-formed JSON";

    private static string MessageOf(string message)
    {
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return "is not a known field";
        }

        var converted = ConvertedTo().Match(message);
        if (converted.Success)
        {
            return converted.Groups[1].Value switch
            {
                "System.String" => "must be a string",
                "System.Int16" or "System.Int32" or "System.Int64" or "System.Double" or "System.Single" or "System.Decimal" or "System.Byte" => "must be a number",
                "System.Boolean" => "must be true or false",
                var type when type.StartsWith("System.Collections.Generic.", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) => "must be an array",
                _ => "has the wrong type",
            };
        }

        if (message.Contains("LineNumber:", StringComparison.Ordinal))
        {
            // The reader's own syntax errors ("'x' is an invalid start of a value", "Expected depth to be zero ..."): the
            // body is not JSON at all, whatever the path says.
            return NotJson;
        }

        // Our converters' own words ("Expected an id written as a string of digits."), without the final period.
        return message.TrimEnd('.');
    }

    [GeneratedRegex(@"^The JSON value could not be converted to ([^\s]+)\. Path:", RegexOptions.CultureInvariant)]
    private static partial Regex ConvertedTo();
}
