using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.E2ee;

/// <summary>Shared steps of the end-to-end encryption tests, all through the public REST API with opaque random bytes.</summary>
internal static class E2eeSteps
{
    public static string RandomBase64(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));

    public static async Task<string> RegisterDeviceAsync(TestUser user, string name = "laptop")
    {
        var response = await user.Http.PostAsJsonAsync("/api/v1/users/@me/devices", new { name, identityKey = RandomBase64(32), credential = RandomBase64(64) });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>A DM (one recipient) or group (more) with <c>e2ee: true</c>.</summary>
    public static async Task<string> OpenE2eeChannelAsync(TestUser owner, params TestUser[] recipients)
    {
        var response = await owner.Http.PostAsJsonAsync("/api/v1/users/@me/channels", new { recipientIds = recipients.Select(r => r.Id).ToArray(), e2ee = true });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var channel = JsonDocument.Parse(body).RootElement;
        channel.GetProperty("e2ee").GetBoolean().ShouldBeTrue();
        channel.GetProperty("aiExcluded").GetBoolean().ShouldBeTrue();
        return channel.GetProperty("id").GetString()!;
    }

    public static Task<HttpResponseMessage> PostMlsAsync(TestUser user, string channelId, string? deviceId, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/channels/{channelId}/mls") { Content = JsonContent.Create(body) };
        if (deviceId is not null)
        {
            request.Headers.Add("deviceId", deviceId);
        }

        return user.Http.SendAsync(request);
    }

    public static async Task<JsonElement> PostMlsOkAsync(TestUser user, string channelId, string deviceId, string kind, long epoch, string? payload = null, string[]? recipientDeviceIds = null)
    {
        var response = await PostMlsAsync(user, channelId, deviceId, new { kind, epoch, payload = payload ?? RandomBase64(200), recipientDeviceIds });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<List<JsonElement>> ReplayAsync(TestUser user, string channelId, string? deviceId, long after = 0)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/channels/{channelId}/mls?after={after}&limit=100");
        if (deviceId is not null)
        {
            request.Headers.Add("deviceId", deviceId);
        }

        var response = await user.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return [.. JsonDocument.Parse(body).RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    public static async Task<JsonElement> SendCiphertextAsync(TestUser user, string channelId, string ciphertext)
    {
        var response = await user.Http.PostAsJsonAsync($"/api/v1/channels/{channelId}/messages", new { ciphertext });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
