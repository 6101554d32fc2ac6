using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Chaos.Tests.Ai.Llama;

/// <summary>
/// Turns a JSON schema into a llama.cpp GBNF grammar, as Ollama does with a <c>format</c> schema, for the subset CHAOS
/// sends: objects whose properties are all required and nothing else allowed (written in the schema's order, without
/// whitespace), booleans, integers, and strings with an <c>enum</c> or a <c>maxLength</c>. Anything else is refused
/// rather than approximated.
/// </summary>
public static class JsonSchemaGrammar
{
    public static string From(JsonElement schema)
    {
        var rules = new List<string>();
        var root = Value(schema, rules, "root");
        rules.Insert(0, $"root ::= {root}");
        rules.Add("char ::= [^\"\\\\\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})");
        return string.Join('\n', rules);
    }

    private static string Value(JsonElement schema, List<string> rules, string name)
    {
        if (schema.TryGetProperty("enum", out var values))
        {
            return "(" + string.Join(" | ", values.EnumerateArray().Select(v => Literal(v.GetRawText()))) + ")";
        }

        var type = schema.GetProperty("type").GetString();
        switch (type)
        {
            case "boolean":
                return "(\"true\" | \"false\")";
            case "integer":
                return "(\"-\"? [0-9]{1,15})";
            case "string":
                var length = schema.TryGetProperty("maxLength", out var max) ? max.GetInt32() : 1000;
                return $"\"\\\"\" char{{0,{length.ToString(CultureInfo.InvariantCulture)}}} \"\\\"\"";
            case "object":
                var properties = schema.GetProperty("properties").EnumerateObject().ToList();
                var required = schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ToHashSet();
                if (properties.Any(p => !required.Contains(p.Name))
                    || !schema.TryGetProperty("additionalProperties", out var additional) || additional.ValueKind != JsonValueKind.False)
                {
                    throw new NotSupportedException("Only objects whose properties are all required and closed to others.");
                }

                var body = new StringBuilder("\"{\"");
                for (var i = 0; i < properties.Count; i++)
                {
                    var rule = $"{name}-{properties[i].Name.Replace('_', '-')}";
                    rules.Add($"{rule} ::= {Value(properties[i].Value, rules, rule)}");
                    body.Append(' ').Append(Literal((i > 0 ? "," : "") + JsonSerializer.Serialize(properties[i].Name) + ":")).Append(' ').Append(rule);
                }

                return body.Append(" \"}\"").ToString();
            default:
                throw new NotSupportedException($"JSON schema type '{type}'.");
        }
    }

    /// <summary>A GBNF string literal matching exactly <paramref name="text"/>.</summary>
    private static string Literal(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
