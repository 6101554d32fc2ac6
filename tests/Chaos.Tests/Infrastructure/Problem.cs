using System.Net.Http.Json;
using System.Text.Json;

namespace Chaos.Tests.Infrastructure;

/// <summary>Reads an RFC 9457 problem response and checks its status, media type and stable code.</summary>
public sealed record Problem(int Status, string? Code, string? Title, string? Detail, JsonElement Body)
{
    public static async Task<Problem> ReadAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", $"body: {await response.Content.ReadAsStringAsync()}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        string? Get(string name) => body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        body.GetProperty("status").GetInt32().ShouldBe((int)response.StatusCode);
        return new Problem((int)response.StatusCode, Get("code"), Get("title"), Get("detail"), body);
    }

    public static async Task<Problem> ExpectAsync(HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);
        var problem = await ReadAsync(response);
        problem.Code.ShouldBe(code, text);
        text.ShouldNotContain("   at ", Case.Sensitive, "a stack trace leaked");
        return problem;
    }
}
