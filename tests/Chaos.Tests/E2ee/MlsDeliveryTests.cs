using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using static Chaos.Tests.E2ee.E2eeSteps;
using static Chaos.Tests.Personal.Personal;

namespace Chaos.Tests.E2ee;

/// <summary>
/// The Delivery Service black-box: commits ordered by the channel's seq with epoch checks, welcomes only to the addressed
/// devices, replay for devices that were offline, and nothing for a removed member after the removing commit.
/// </summary>
[Collection(E2eeServer.Name)]
public sealed class MlsDeliveryTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task RacingCommitsForOneEpoch_ExactlyOneWins_TheRestGetConflictWithTheCurrentEpoch()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var adaDevice = await RegisterDeviceAsync(ada);
        var bobDevice = await RegisterDeviceAsync(bob);
        var dm = await OpenE2eeChannelAsync(ada, bob);

        var first = await PostMlsOkAsync(ada, dm, adaDevice, "commit", 0);
        first.GetProperty("epoch").GetInt64().ShouldBe(1);
        first.GetProperty("seq").GetInt64().ShouldBe(1);

        var racers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => i % 2 == 0
            ? PostMlsAsync(ada, dm, adaDevice, new { kind = "commit", epoch = 1, payload = RandomBase64(100) })
            : PostMlsAsync(bob, dm, bobDevice, new { kind = "commit", epoch = 1, payload = RandomBase64(100) })));
        racers.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        foreach (var lost in racers.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            (await Problem.ExpectAsync(lost, 409, "conflict")).Detail.ShouldNotBeNull().ShouldContain("epoch 2");
        }

        // Stale proposals and commits are refused alike; a message and the next commit share the channel's seq.
        await Problem.ExpectAsync(await PostMlsAsync(bob, dm, bobDevice, new { kind = "proposal", epoch = 1, payload = RandomBase64(50) }), 409, "conflict");
        await Problem.ExpectAsync(await PostMlsAsync(bob, dm, bobDevice, new { kind = "commit", epoch = 0, payload = RandomBase64(50) }), 409, "conflict");
        (await PostMlsOkAsync(bob, dm, bobDevice, "proposal", 2)).GetProperty("epoch").GetInt64().ShouldBe(2);
        var message = await SendCiphertextAsync(ada, dm, RandomBase64(64));
        var next = await PostMlsOkAsync(ada, dm, adaDevice, "commit", 2);
        next.GetProperty("seq").GetInt64().ShouldBe(message.GetProperty("seq").GetInt64() + 1);
        next.GetProperty("epoch").GetInt64().ShouldBe(3);

        var replayed = await ReplayAsync(bob, dm, bobDevice);
        replayed.Select(m => m.GetProperty("seq").GetInt64()).ShouldBe([1, 2, 3, next.GetProperty("seq").GetInt64()]);
        replayed.Select(m => m.GetProperty("kind").GetString()).ShouldBe(["commit", "commit", "proposal", "commit"]);
        replayed.Select(m => m.GetProperty("epoch").GetInt64()).ShouldBe([0, 1, 2, 2]);
    }

    [Fact]
    public async Task Welcome_ReachesOnlyTheAddressedDevice_LiveAndOnReplay()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var adaDevice = await RegisterDeviceAsync(ada);
        var bobPhone = await RegisterDeviceAsync(bob, "phone");
        var bobLaptop = await RegisterDeviceAsync(bob, "laptop");
        var dm = await OpenE2eeChannelAsync(ada, bob);
        await using var phone = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken, deviceId: bobPhone);
        await using var laptop = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken, deviceId: bobLaptop);
        await using var anonymous = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);

        var commit = await PostMlsOkAsync(ada, dm, adaDevice, "commit", 0);
        var welcomePayload = RandomBase64(500);
        var welcome = await PostMlsOkAsync(ada, dm, adaDevice, "welcome", 1, welcomePayload, [bobPhone]);
        var after = await PostMlsOkAsync(ada, dm, adaDevice, "commit", 1);

        var heard = await phone.WaitForAsync("MlsMessage", m => m.GetProperty("kind").GetString() == "welcome");
        heard.GetProperty("payload").GetString().ShouldBe(welcomePayload);
        heard.GetProperty("seq").GetInt64().ShouldBe(welcome.GetProperty("seq").GetInt64());
        heard.GetProperty("senderDeviceId").GetString().ShouldBe(adaDevice);
        heard.GetProperty("senderUserId").GetString().ShouldBe(ada.Id);
        heard.GetProperty("channelId").GetString().ShouldBe(dm);

        // Events of one channel arrive in seq order: once the later commit is here, the welcome would have been too.
        foreach (var other in new[] { laptop, anonymous })
        {
            await other.WaitForAsync("MlsMessage", m => m.GetProperty("seq").GetInt64() == after.GetProperty("seq").GetInt64());
            other.Payloads("MlsMessage").Select(m => m.GetProperty("kind").GetString()).ShouldBe(["commit", "commit"]);
        }

        await phone.WaitForAsync("MlsMessage", m => m.GetProperty("seq").GetInt64() == after.GetProperty("seq").GetInt64());
        phone.Payloads("MlsMessage").Select(m => m.GetProperty("seq").GetInt64())
            .ShouldBe([commit.GetProperty("seq").GetInt64(), welcome.GetProperty("seq").GetInt64(), after.GetProperty("seq").GetInt64()]);

        (await ReplayAsync(bob, dm, bobPhone)).Count(m => m.GetProperty("kind").GetString() == "welcome").ShouldBe(1);
        (await ReplayAsync(bob, dm, bobLaptop)).Count(m => m.GetProperty("kind").GetString() == "welcome").ShouldBe(0);
        (await ReplayAsync(bob, dm, null)).Count.ShouldBe(2);

        // Ada's sending device is hers; naming Bob's device is not accepted from her, nor a replay with it.
        await Problem.ExpectAsync(await PostMlsAsync(ada, dm, bobPhone, new { kind = "commit", epoch = 2, payload = RandomBase64(10) }), 404, "not_found");
        var foreignReplay = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/channels/{dm}/mls") { Headers = { { "deviceId", bobPhone } } };
        await Problem.ExpectAsync(await ada.Http.SendAsync(foreignReplay), 404, "not_found");

        // Connecting as another user's device is refused.
        (await RefusalAsync(ada, bobPhone)).ShouldContain("not_found");
        (await RefusalAsync(ada, "not-an-id")).ShouldContain("validation_failed");
    }

    [Fact]
    public async Task OfflineDevice_ReplaysHandshakeAndMessagesInSeqOrder_AfterReconnecting()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var adaDevice = await RegisterDeviceAsync(ada);
        var bobDevice = await RegisterDeviceAsync(bob);
        var dm = await OpenE2eeChannelAsync(ada, bob);

        var client = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken, deviceId: bobDevice);
        await PostMlsOkAsync(ada, dm, adaDevice, "commit", 0);
        var seen = (await client.WaitForAsync("MlsMessage", _ => true)).GetProperty("seq").GetInt64();
        await client.DisposeAsync();

        // While Bob's device is away: a welcome for it, a message, a commit, another message.
        await PostMlsOkAsync(ada, dm, adaDevice, "welcome", 1, null, [bobDevice]);
        var m1 = await SendCiphertextAsync(ada, dm, RandomBase64(80));
        await PostMlsOkAsync(ada, dm, adaDevice, "commit", 1);
        var m2 = await SendCiphertextAsync(ada, dm, RandomBase64(80));

        await using var back = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken, deviceId: bobDevice);
        var handshake = await ReplayAsync(bob, dm, bobDevice, seen);
        handshake.Select(m => m.GetProperty("kind").GetString()).ShouldBe(["welcome", "commit"]);
        var messages = await bob.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{dm}/messages?after={m1.GetProperty("id").GetString()}");
        messages.EnumerateArray().Select(m => m.GetProperty("id").GetString()).ShouldBe([m2.GetProperty("id").GetString()]);

        // Together they fill the channel's seq without a gap.
        var all = handshake.Select(m => m.GetProperty("seq").GetInt64())
            .Concat([m1.GetProperty("seq").GetInt64(), m2.GetProperty("seq").GetInt64()]).Order().ToList();
        all.ShouldBe(Enumerable.Range((int)seen + 1, 4).Select(i => (long)i).ToList());

        // Live again: the next commit arrives on the reconnected device.
        var live = await PostMlsOkAsync(ada, dm, adaDevice, "commit", 2);
        await back.WaitForAsync("MlsMessage", m => m.GetProperty("seq").GetInt64() == live.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task RemovedMember_DevicesGetNothingAfterTheRemovingCommit()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var cat = await Server.RegisterAsync();
        await BefriendAsync(ada, bob);
        await BefriendAsync(ada, cat);
        var adaDevice = await RegisterDeviceAsync(ada);
        var bobDevice = await RegisterDeviceAsync(bob);
        var catDevice = await RegisterDeviceAsync(cat);
        var group = await OpenE2eeChannelAsync(ada, bob, cat);
        await using var bobClient = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken, deviceId: bobDevice);
        await using var catClient = await GatewayClient.ConnectAsync(Server.BaseAddress, cat.AccessToken, deviceId: catDevice);

        await PostMlsOkAsync(ada, group, adaDevice, "commit", 0);
        await PostMlsOkAsync(ada, group, adaDevice, "welcome", 1, null, [bobDevice, catDevice]);
        var before = await SendCiphertextAsync(ada, group, RandomBase64(64));
        await catClient.WaitForAsync("MessageCreated", m => m.GetProperty("id").GetString() == before.GetProperty("id").GetString());

        // Ada removes Cat from the group, then commits Cat's removal and keeps talking.
        (await ada.Http.DeleteAsync($"/api/v1/channels/{group}/recipients/{cat.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var removing = await PostMlsOkAsync(ada, group, adaDevice, "commit", 1);
        var afterMessage = await SendCiphertextAsync(ada, group, RandomBase64(64));
        var later = await PostMlsOkAsync(ada, group, adaDevice, "commit", 2);

        await bobClient.WaitForAsync("MlsMessage", m => m.GetProperty("seq").GetInt64() == later.GetProperty("seq").GetInt64());
        bobClient.Payloads("MessageCreated").Select(m => m.GetProperty("id").GetString()).ShouldContain(afterMessage.GetProperty("id").GetString());

        // After the removal Cat's device hears nothing of the group at all (one front door, one stream: Bob's later event
        // being here means everything of the group before it was dispatched to every connection still listening).
        var removingSeq = removing.GetProperty("seq").GetInt64();
        catClient.Payloads("MlsMessage").Where(m => m.GetProperty("seq").GetInt64() >= removingSeq).ShouldBeEmpty();
        catClient.Payloads("MessageCreated").Where(m => m.GetProperty("channelId").GetString() == group && m.GetProperty("seq").GetInt64() >= removingSeq).ShouldBeEmpty();
        await Problem.ExpectAsync(await cat.Http.GetAsync($"/api/v1/channels/{group}/mls"), 403, "missing_permission");
        await Problem.ExpectAsync(await cat.Http.GetAsync($"/api/v1/channels/{group}/messages"), 403, "missing_permission");
        await Problem.ExpectAsync(await PostMlsAsync(cat, group, catDevice, new { kind = "commit", epoch = 3, payload = RandomBase64(10) }), 403, "missing_permission");

        // And Cat's devices can no longer be addressed by a welcome of this group.
        await Problem.ExpectAsync(await PostMlsAsync(ada, group, adaDevice, new { kind = "welcome", epoch = 3, payload = RandomBase64(10), recipientDeviceIds = new[] { catDevice } }), 400, "validation_failed");
    }

    [Fact]
    public async Task HostileHandshakeRequests_AreRefusedWithStableCodes()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var adaDevice = await RegisterDeviceAsync(ada);
        var eveDevice = await RegisterDeviceAsync(eve);
        var dm = await OpenE2eeChannelAsync(ada, bob);
        var plain = (await OpenChannelOkAsync(ada, bob)).GetProperty("id").GetString()!;

        async Task RefusedAsync(object body, string field, string? device = null)
        {
            var problem = await Problem.ExpectAsync(await PostMlsAsync(ada, dm, device ?? adaDevice, body), 400, "validation_failed");
            problem.Body.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.Body.ToString());
        }

        await RefusedAsync(new { kind = "commit", epoch = 0, payload = "***" }, "payload");
        await RefusedAsync(new { kind = "commit", epoch = 0, payload = RandomBase64(131_073) }, "payload");
        await RefusedAsync(new { kind = "commit", epoch = -1, payload = RandomBase64(10) }, "epoch");
        await RefusedAsync(new { kind = "commit", epoch = "soon", payload = RandomBase64(10) }, "epoch");
        await RefusedAsync(new { kind = "commit", payload = RandomBase64(10) }, "epoch");
        await RefusedAsync(new { epoch = 0, payload = RandomBase64(10) }, "kind");
        await RefusedAsync(new { kind = "welcome", epoch = 0, payload = RandomBase64(10) }, "recipientDeviceIds");
        await RefusedAsync(new { kind = "commit", epoch = 0, payload = RandomBase64(10), recipientDeviceIds = new[] { adaDevice } }, "recipientDeviceIds");
        await RefusedAsync(new { kind = "welcome", epoch = 0, payload = RandomBase64(10), recipientDeviceIds = new[] { eveDevice } }, "recipientDeviceIds");
        await RefusedAsync(new { kind = "welcome", epoch = 0, payload = RandomBase64(10), recipientDeviceIds = new[] { "123" } }, "recipientDeviceIds");
        await RefusedAsync(new { kind = "welcome", epoch = 0, payload = RandomBase64(10), recipientDeviceIds = new[] { "x" } }, "recipientDeviceIds");
        await Problem.ExpectAsync(await PostMlsAsync(ada, dm, null, new { kind = "commit", epoch = 0, payload = RandomBase64(10) }), 400, "validation_failed");
        await Problem.ExpectAsync(await PostMlsAsync(ada, dm, "nope", new { kind = "commit", epoch = 0, payload = RandomBase64(10) }), 400, "validation_failed");
        await Problem.ExpectAsync(await PostMlsAsync(ada, dm, eveDevice, new { kind = "commit", epoch = 0, payload = RandomBase64(10) }), 404, "not_found");
        await Problem.ExpectAsync(await PostMlsAsync(ada, dm, adaDevice, new { kind = "shout", epoch = 0, payload = RandomBase64(10) }), 400, "validation_failed");

        // Not a member, not an e2ee channel, not a channel.
        await Problem.ExpectAsync(await PostMlsAsync(eve, dm, eveDevice, new { kind = "commit", epoch = 0, payload = RandomBase64(10) }), 403, "missing_permission");
        await Problem.ExpectAsync(await PostMlsAsync(ada, plain, adaDevice, new { kind = "commit", epoch = 0, payload = RandomBase64(10) }), 400, "validation_failed");
        await Problem.ExpectAsync(await PostMlsAsync(ada, "1234567", adaDevice, new { kind = "commit", epoch = 0, payload = RandomBase64(10) }), 404, "not_found");
        await Problem.ExpectAsync(await ada.Http.GetAsync($"/api/v1/channels/{dm}/mls?after=-5"), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.GetAsync($"/api/v1/channels/{dm}/mls?limit=1000"), 400, "validation_failed");
        await Problem.ExpectAsync(await eve.Http.GetAsync($"/api/v1/channels/{dm}/mls"), 403, "missing_permission");

        // None of it moved the channel: the first commit is still for epoch 0.
        (await PostMlsOkAsync(ada, dm, adaDevice, "commit", 0)).GetProperty("seq").GetInt64().ShouldBe(1);
    }

    /// <summary>Connects naming <paramref name="deviceId"/>; the error the server closed with, or a note that Ready arrived.</summary>
    private async Task<string> RefusalAsync(TestUser user, string deviceId)
    {
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Server.BaseAddress, $"/gateway?deviceId={deviceId}"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(user.AccessToken);
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        connection.On<object>("Ready", _ => ready.TrySetResult());
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync();
        }
        catch (Exception exception)
        {
            return exception.Message;
        }

        var finished = await Task.WhenAny(closed.Task, ready.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        return finished == closed.Task ? (await closed.Task)?.Message ?? "closed without an error" : "accepted (or neither Ready nor a close within 60 s)";
    }
}
