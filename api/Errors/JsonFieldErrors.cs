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

    /// <param name="json">What the serializer threw.</param>
    /// <param name="bodyType">The endpoint's body type when known: the expected type of the field is read from it, since
    /// the serializer's message names the declaring record rather than the field's type.</param>
    public static ChaosException From(JsonException json, Type? bodyType = null)
    {
        var field = FieldOf(json.Path);
        var message = MessageOf(json.Message, bodyType is null ? null : TypeAt(bodyType, field));
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

    private static string MessageOf(string message, Type? expected)
    {
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return "is not a known field";
        }

        if (ConvertedTo().IsMatch(message))
        {
            expected = expected is null ? null : Nullable.GetUnderlyingType(expected) ?? expected;
            return expected switch
            {
                null => "has the wrong type",
                _ when expected == typeof(string) => "must be a string",
                _ when expected == typeof(bool) => "must be true or false",
                _ when expected.IsPrimitive || expected == typeof(decimal) => "must be a number",
                _ when expected != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(expected) => "must be an array",
                _ when expected.IsClass => "must be an object",
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

    /// <summary>The declared type at a field path like <c>roles[0].name</c> inside <paramref name="root"/>, or null.</summary>
    public static Type? TypeAt(Type root, string field)
    {
        if (field == BodyField)
        {
            return root;
        }

        Type? current = root;
        foreach (var segment in field.Split('.'))
        {
            var name = segment;
            var indexes = 0;
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                name = segment[..bracket];
                indexes = segment.Count(c => c == '[');
            }

            if (name.Length > 0)
            {
                current = current?.GetProperty(name, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase)?.PropertyType;
            }

            for (var i = 0; i < indexes && current is not null; i++)
            {
                current = ElementOf(current);
            }

            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    [GeneratedRegex(@"^The JSON value could not be converted to ([^\s]+)\. Path:", RegexOptions.CultureInvariant)]
    private static partial Regex ConvertedTo();
}
