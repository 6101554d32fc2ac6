using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using static Chaos.Tests.E2ee.E2eeSteps;

namespace Chaos.Tests.E2ee;

/// <summary>The MLS directory through REST: devices, their bounds, key packages handed out once, last resort, hostile input.</summary>
[Collection(E2eeServer.Name)]
public sealed class DeviceDirectoryTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task Devices_AreRegisteredListedToThoseWhoShareSomething_AndRemoved()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(ada);
        await GatewayTests.JoinAsync(ada, bob, community);

        var identityKey = RandomBase64(32);
        var response = await ada.Http.PostAsJsonAsync("/api/v1/users/@me/devices", new { name = "phone", identityKey, credential = RandomBase64(80) });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var device = await response.Content.ReadFromJsonAsync<JsonElement>();
        device.GetProperty("name").GetString().ShouldBe("phone");
        device.GetProperty("identityKey").GetString().ShouldBe(identityKey);
        device.GetProperty("createdAt").GetString().ShouldNotBeNull();
        var deviceId = device.GetProperty("id").GetString()!;

        // Bob shares a community with Ada: he sees her device for safety numbers. Eve shares nothing.
        var listed = await bob.Http.GetFromJsonAsync<JsonElement>($"/api/v1/users/{ada.Id}/devices");
        listed.EnumerateArray().Select(d => (d.GetProperty("id").GetString(), d.GetProperty("identityKey").GetString())).ShouldBe([(deviceId, identityKey)]);
        await Problem.ExpectAsync(await eve.Http.GetAsync($"/api/v1/users/{ada.Id}/devices"), 403, "forbidden");
        (await ada.Http.GetFromJsonAsync<JsonElement>("/api/v1/users/@me/devices")).GetArrayLength().ShouldBe(1);

        // Nobody removes another's device; the owner does.
        await Problem.ExpectAsync(await bob.Http.DeleteAsync($"/api/v1/users/@me/devices/{deviceId}"), 404, "not_found");
        (await ada.Http.DeleteAsync($"/api/v1/users/@me/devices/{deviceId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await bob.Http.GetFromJsonAsync<JsonElement>($"/api/v1/users/{ada.Id}/devices")).GetArrayLength().ShouldBe(0);
        await Problem.ExpectAsync(await ada.Http.DeleteAsync($"/api/v1/users/@me/devices/{deviceId}"), 404, "not_found");
    }

    [Fact]
    public async Task Devices_AreBoundedPerUser_AndHostileBodiesAreRefused()
    {
        var ada = await Server.RegisterAsync();
        for (var i = 0; i < 10; i++)
        {
            await RegisterDeviceAsync(ada, $"device {i}");
        }

        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync("/api/v1/users/@me/devices", new { name = "eleventh", identityKey = RandomBase64(32), credential = RandomBase64(32) }), 409, "conflict");

        var bob = await Server.RegisterAsync();
        async Task RefusedAsync(object body, string field)
        {
            var problem = await Problem.ExpectAsync(await bob.Http.PostAsJsonAsync("/api/v1/users/@me/devices", body), 400, "validation_failed");
            problem.Body.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.Body.ToString());
        }

        await RefusedAsync(new { name = "x", identityKey = "not base64!!", credential = RandomBase64(8) }, "identityKey");
        await RefusedAsync(new { name = "x", identityKey = RandomBase64(4097), credential = RandomBase64(8) }, "identityKey");
        await RefusedAsync(new { name = "x", identityKey = RandomBase64(32), credential = RandomBase64(5000) }, "credential");
        await RefusedAsync(new { name = "", identityKey = RandomBase64(32), credential = RandomBase64(8) }, "name");
        await RefusedAsync(new { name = new string('n', 65), identityKey = RandomBase64(32), credential = RandomBase64(8) }, "name");
        await RefusedAsync(new { name = "x", credential = RandomBase64(8) }, "identityKey");
        (await bob.Http.GetFromJsonAsync<JsonElement>("/api/v1/users/@me/devices")).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task KeyPackages_RacingClaims_GetDistinctPackages_ThenTheLastResort()
    {
        var ada = await Server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(ada);
        var claimers = new List<TestUser>();
        for (var i = 0; i < 6; i++)
        {
            var claimer = await Server.RegisterAsync();
            await GatewayTests.JoinAsync(ada, claimer, community);
            claimers.Add(claimer);
        }

        var device = await RegisterDeviceAsync(ada);
        var packages = Enumerable.Range(0, 30).Select(_ => RandomBase64(300)).ToList();
        var lastResort = RandomBase64(300);
        var upload = await ada.Http.PostAsJsonAsync($"/api/v1/users/@me/devices/{device}/key-packages", new { keyPackages = packages, lastResort });
        upload.StatusCode.ShouldBe(HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
        (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32().ShouldBe(30);

        // 42 claims at once for 30 packages: each package goes to exactly one claim, the other 12 get the last resort.
        var claims = await Task.WhenAll(Enumerable.Range(0, 42).Select(async i =>
        {
            var response = await claimers[i % claimers.Count].Http.PostAsync($"/api/v1/users/{ada.Id}/key-packages/claim", null);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
            var claimed = JsonDocument.Parse(body).RootElement.EnumerateArray().Single();
            claimed.GetProperty("deviceId").GetString().ShouldBe(device);
            return claimed.GetProperty("keyPackage").GetString()!;
        }));

        var oneTime = claims.Where(c => c != lastResort).ToList();
        oneTime.Count.ShouldBe(30);
        oneTime.Distinct().Count().ShouldBe(30);
        oneTime.Order().ShouldBe(packages.Order());
        claims.Count(c => c == lastResort).ShouldBe(12);

        var count = await ada.Http.GetFromJsonAsync<JsonElement>($"/api/v1/users/@me/devices/{device}/key-packages/count");
        count.GetProperty("count").GetInt32().ShouldBe(0);
        count.GetProperty("lastResort").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task KeyPackages_AreBoundedPerDevice_OnlyTheOwnerUploads_AndStrangersCannotClaim()
    {
        var ada = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var device = await RegisterDeviceAsync(ada);
        var eveDevice = await RegisterDeviceAsync(eve);
        string Url(string d) => $"/api/v1/users/@me/devices/{d}/key-packages";

        (await ada.Http.PostAsJsonAsync(Url(device), new { keyPackages = Enumerable.Range(0, 90).Select(_ => RandomBase64(64)) })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync(Url(device), new { keyPackages = Enumerable.Range(0, 11).Select(_ => RandomBase64(64)) }), 409, "conflict");
        (await ada.Http.PostAsJsonAsync(Url(device), new { keyPackages = Enumerable.Range(0, 10).Select(_ => RandomBase64(64)) })).StatusCode.ShouldBe(HttpStatusCode.OK);

        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync(Url(device), new { keyPackages = new[] { RandomBase64(8193) } }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync(Url(device), new { keyPackages = new[] { "%%%%" } }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync(Url(device), new { keyPackages = Array.Empty<string>() }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync(Url(device), new { lastResort = "" }), 400, "validation_failed");

        // Another user's device id is simply unknown to Ada.
        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync(Url(eveDevice), new { keyPackages = new[] { RandomBase64(64) } }), 404, "not_found");
        await Problem.ExpectAsync(await ada.Http.GetAsync($"{Url(eveDevice)}/count"), 404, "not_found");
        await Problem.ExpectAsync(await ada.Http.GetAsync($"{Url("12x")}/count"), 400, "validation_failed");

        await Problem.ExpectAsync(await eve.Http.PostAsync($"/api/v1/users/{ada.Id}/key-packages/claim", null), 403, "forbidden");
        (await ada.Http.GetFromJsonAsync<JsonElement>($"{Url(device)}/count")).GetProperty("count").GetInt32().ShouldBe(100);
    }
}
