using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Infrastructure;
using Chaos.Voice;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Chaos.Tests.Voice;

/// <summary>Voice rooms and the media path over real SignalR clients on two front doors of one cluster.</summary>
[Collection(RealTimeVoiceTests.Name)]
public sealed class VoiceRoomTests(TwoFrontDoorsFixture fixture, ITestOutputHelper output) : IClassFixture<TwoFrontDoorsFixture>
{
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private ChaosServer A => fixture.A;

    private ChaosServer B => fixture.B;

    [Fact]
    public async Task ThreeSpeakers_OnTwoFrontDoors_HearEveryOtherSpeakerInOrder_AndNeverThemselves()
    {
        using var drops = new VoiceDropCounter();
        var room = await VoiceTestCommunity.CreateAsync(A, members: 2);
        await using var first = await VoiceClient.ConnectAsync(A, room.Owner);
        await using var second = await VoiceClient.ConnectAsync(B, room.Members[0], messagePack: true);
        await using var third = await VoiceClient.ConnectAsync(B, room.Members[1]);
        var clients = new[] { first, second, third };

        var joined = await first.JoinAsync(room.Voice);
        joined.GetProperty("channelId").GetString().ShouldBe(room.Voice);
        var codec = joined.GetProperty("codec");
        codec.GetProperty("name").GetString().ShouldBe("opus");
        codec.GetProperty("sampleRate").GetInt32().ShouldBe(48000);
        codec.GetProperty("channels").GetInt32().ShouldBe(1);
        codec.GetProperty("frameMs").GetInt32().ShouldBe(20);
        codec.GetProperty("maxBitrate").GetInt32().ShouldBeGreaterThan(0);
        (await second.JoinAsync(room.Voice)).GetProperty("participants").GetArrayLength().ShouldBe(2);
        var participants = (await third.JoinAsync(room.Voice)).GetProperty("participants").EnumerateArray().ToList();
        participants.Select(p => p.GetProperty("userId").GetString()).ShouldBe([room.Owner.Id, room.Members[0].Id, room.Members[1].Id], ignoreOrder: true);
        participants.ShouldAllBe(p => p.GetProperty("channelId").GetString() == room.Voice && !p.GetProperty("selfMute").GetBoolean() && !p.GetProperty("speaking").GetBoolean());

        foreach (var client in clients)
        {
            await client.StartReceivingAsync();
        }

        const int count = 150;
        var frames = new[] { OpusSignal.Frames(count, 220), OpusSignal.Frames(count, 330), OpusSignal.Frames(count, 440) };
        var sentAt = new ConcurrentDictionary<(string, uint), long>();
        await Task.WhenAll(clients.Select((c, i) => c.SendAsync(frames[i], 1, Pace, sentAt)));

        foreach (var listener in clients)
        {
            await Eventually.ReturnsAsync(() => Task.FromResult(listener.Received.Count), n => n >= 2 * count, Deadline, $"{listener.User.Username} to hear both others ({drops})");
        }

        output.WriteLine(drops.ToString());
        for (var l = 0; l < clients.Length; l++)
        {
            var listener = clients[l];
            listener.SequencesFrom(listener.User.Id).ShouldBeEmpty("a speaker never hears itself");
            for (var s = 0; s < clients.Length; s++)
            {
                if (s == l)
                {
                    continue;
                }

                var heard = listener.Received.Where(h => h.UserId == clients[s].User.Id).ToList();
                heard.Select(h => h.Sequence).ShouldBe(Enumerable.Range(1, count).Select(i => (uint)i), $"{listener.User.Username} hears every frame of {clients[s].User.Username}, in order, once ({drops})");
                heard.ShouldAllBe(h => h.Payload.SequenceEqual(frames[s][(int)h.Sequence - 1]), "payloads arrive byte for byte");
            }
        }

        // speaking was derived from frame activity and reached the room's viewers.
        foreach (var speaker in clients)
        {
            await third.Gateway.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == speaker.User.Id && e.GetProperty("speaking").GetBoolean());
            await third.Gateway.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == speaker.User.Id && !e.GetProperty("speaking").GetBoolean() && e.GetProperty("channelId").GetString() == room.Voice);
        }

        // Latency between the two front doors: sender's write to the listener's receipt, same clock, loopback sockets.
        var crossDoor = new List<double>();
        foreach (var listener in clients)
        {
            var listenerDoor = listener == first ? "A" : "B";
            foreach (var heard in listener.Received)
            {
                var speakerDoor = heard.UserId == first.User.Id ? "A" : "B";
                if (speakerDoor != listenerDoor && sentAt.TryGetValue((heard.UserId, heard.Sequence), out var sent))
                {
                    crossDoor.Add((heard.At - sent) * 1000.0 / Stopwatch.Frequency);
                }
            }
        }

        // Every frame heard across the doors was one a speaker sent (two speakers on B heard by the listener on A, the
        // speaker on A heard by both listeners on B).
        crossDoor.Count.ShouldBe(4 * count);
        crossDoor.ShouldAllBe(ms => ms > 0, "each frame is heard after its speaker handed it over, so the figures below are real");
        crossDoor.Sort();
        var p50 = crossDoor[crossDoor.Count / 2];
        var p99 = crossDoor[(int)(crossDoor.Count * 0.99)];
        // Printed, not asserted: wall-clock figures on a shared machine measure the machine (timing belongs to the
        // benchmarks, docs/benchmarks.md). Order, completeness and bytes are asserted above.
        output.WriteLine($"voice frame latency client→client across front doors: n={crossDoor.Count} p50={p50:0.00} ms p99={p99:0.00} ms max={crossDoor[^1]:0.00} ms");
    }

    [Fact]
    public async Task VoiceStates_ReachViewers_Ready_AndTheRestRoute_ButNotOutsiders()
    {
        var room = await VoiceTestCommunity.CreateAsync(A, members: 1);
        var member = room.Members[0];
        var outsider = await A.RegisterAsync();
        await using var watcher = await GatewayClient.ConnectAsync(B.BaseAddress, member.AccessToken);
        await using var stranger = await GatewayClient.ConnectAsync(B.BaseAddress, outsider.AccessToken);
        await using var speaker = await VoiceClient.ConnectAsync(A, room.Owner);

        await speaker.JoinAsync(room.Voice);
        var update = await watcher.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == room.Owner.Id);
        update.GetProperty("channelId").GetString().ShouldBe(room.Voice);
        foreach (var field in new[] { "selfMute", "selfDeaf", "mute", "deaf", "speaking" })
        {
            update.GetProperty(field).ValueKind.ShouldBe(JsonValueKind.False);
        }

        (await VoiceTestCommunity.ParticipantsAsync(member, room.Voice)).ShouldBe([room.Owner.Id]);
        await Problem.ExpectAsync(await outsider.Http.GetAsync($"/api/v1/channels/{room.Voice}/voice-states"), 403, "not_a_member");
        await Problem.ExpectAsync(await member.Http.GetAsync("/api/v1/channels/123/voice-states"), 404, "not_found");
        await Problem.ExpectAsync(await member.Http.GetAsync("/api/v1/channels/abc/voice-states"), 400, "validation_failed");

        await using (var late = await GatewayClient.ConnectAsync(A.BaseAddress, member.AccessToken))
        {
            var states = late.Events[0].Payload.GetProperty("voiceStates").EnumerateArray().ToList();
            states.Single().GetProperty("userId").GetString().ShouldBe(room.Owner.Id);
            states.Single().GetProperty("channelId").GetString().ShouldBe(room.Voice);
        }

        var muted = await speaker.Connection.InvokeAsync<JsonElement>("SetVoiceState", true, false);
        muted.GetProperty("selfMute").GetBoolean().ShouldBeTrue();
        await watcher.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == room.Owner.Id && e.GetProperty("selfMute").GetBoolean());

        await speaker.Connection.InvokeAsync("LeaveVoice");
        await watcher.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == room.Owner.Id && e.GetProperty("channelId").ValueKind == JsonValueKind.Null);
        (await VoiceTestCommunity.ParticipantsAsync(member, room.Voice)).ShouldBeEmpty();
        stranger.Payloads("VoiceStateUpdated").ShouldBeEmpty();

        (await Should.ThrowAsync<HubException>(() => speaker.Connection.InvokeAsync<object>("SetVoiceState", false, false))).Message.ShouldContain("not_found");
        var receive = Should.ThrowAsync<HubException>(async () =>
        {
            await foreach (var _ in speaker.Connection.StreamAsync<JsonElement>("ReceiveVoice"))
            {
            }
        });
        (await receive).Message.ShouldContain("not_found");
    }

    [Fact]
    public async Task JoinVoice_NeedsConnect_AVoiceChannel_AndJoiningAnotherRoomLeavesTheFirst()
    {
        var room = await VoiceTestCommunity.CreateAsync(A, members: 1);
        var member = room.Members[0];
        var other = await room.CreateVoiceChannelAsync("Other");
        await using var owner = await VoiceClient.ConnectAsync(A, room.Owner);
        await using var client = await VoiceClient.ConnectAsync(B, member);

        (await Should.ThrowAsync<HubException>(() => client.JoinAsync(room.Text))).Message.ShouldContain("validation_failed");
        (await Should.ThrowAsync<HubException>(() => client.JoinAsync("999"))).Message.ShouldContain("not_found");
        (await Should.ThrowAsync<HubException>(() => client.JoinAsync("nope"))).Message.ShouldContain("validation_failed");
        var deny = await room.Owner.Http.PutAsJsonAsync($"/api/v1/channels/{other}/overwrites/{member.Id}", new { type = "member", allow = "0", deny = (1L << 15).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        deny.StatusCode.ShouldBe(HttpStatusCode.OK, await deny.Content.ReadAsStringAsync());
        (await Should.ThrowAsync<HubException>(() => client.JoinAsync(other))).Message.ShouldContain("missing_permission");

        await owner.JoinAsync(room.Voice);
        await owner.JoinAsync(other);
        await client.Gateway.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == room.Owner.Id && e.GetProperty("channelId").ValueKind == JsonValueKind.Null);
        (await VoiceTestCommunity.ParticipantsAsync(member, room.Voice)).ShouldBeEmpty();
        (await VoiceTestCommunity.ParticipantsAsync(room.Owner, other)).ShouldBe([room.Owner.Id]);
    }

    [Fact]
    public async Task SelfAndModeratorMute_DropFrames_DeafenedListenersGetNothing_AndHierarchyIsRespected()
    {
        var room = await VoiceTestCommunity.CreateAsync(A, members: 2);
        await using var owner = await VoiceClient.ConnectAsync(A, room.Owner);
        await using var talker = await VoiceClient.ConnectAsync(B, room.Members[0]);
        await using var listener = await VoiceClient.ConnectAsync(B, room.Members[1], messagePack: true);
        foreach (var client in new[] { owner, talker, listener })
        {
            await client.JoinAsync(room.Voice);
            await client.StartReceivingAsync();
        }

        var frames = OpusSignal.Frames(20, 300);

        // Self mute: dropped at the talker's front door.
        await talker.Connection.InvokeAsync<JsonElement>("SetVoiceState", true, false);
        await RoundAsync(1);
        listener.SequencesFrom(talker.User.Id).ShouldBeEmpty();
        owner.SequencesFrom(talker.User.Id).ShouldBeEmpty();

        // Moderator mute outlives the talker's own unmute.
        await talker.Connection.InvokeAsync<JsonElement>("SetVoiceState", false, false);
        var muted = await room.ModerateAsync(room.Owner, talker.User, new { mute = true });
        muted.StatusCode.ShouldBe(HttpStatusCode.OK, await muted.Content.ReadAsStringAsync());
        (await muted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mute").GetBoolean().ShouldBeTrue();
        await RoundAsync(101);
        listener.SequencesFrom(talker.User.Id).ShouldBeEmpty();

        // Unmuted: the talker is heard again.
        (await room.ModerateAsync(room.Owner, talker.User, new { mute = false })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await RoundAsync(201);
        // Heard frames are awaited, not assumed: the talker's last frames may land just after the owner's last one.
        await Eventually.ReturnsAsync(() => Task.FromResult(listener.SequencesFrom(talker.User.Id).Count), n => n >= 20, Deadline, "the listener to hear the unmuted talker");
        listener.SequencesFrom(talker.User.Id).ShouldBe(Enumerable.Range(201, 20).Select(i => (uint)i));

        // A deafened listener gets nothing, while others on the same front door still hear.
        (await room.ModerateAsync(room.Owner, listener.User, new { deaf = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await owner.SendAsync(frames, 301, Pace);
        await Eventually.ReturnsAsync(() => Task.FromResult(talker.SequencesFrom(owner.User.Id).Count(s => s >= 301)), n => n == 20, Deadline, "the talker to hear the owner");
        listener.SequencesFrom(owner.User.Id).ShouldNotContain(s => s >= 301);

        // Members of equal rank cannot moderate each other; nobody outranks the owner.
        await Problem.ExpectAsync(await room.ModerateAsync(talker.User, listener.User, new { mute = true }), 403, "forbidden");
        await Problem.ExpectAsync(await room.ModerateAsync(talker.User, room.Owner, new { deaf = true }), 403, "forbidden");
        await Problem.ExpectAsync(await room.ModerateAsync(room.Owner, talker.User, new { }), 400, "validation_failed");
        await Problem.ExpectAsync(await room.Owner.Http.PatchAsJsonAsync($"/api/v1/communities/{room.Id}/voice-states/{talker.User.Id}", new { mute = "yes" }), 400, "validation_failed");

        // Each round: the talker and the owner send interleaved; once the listener has the owner's frames, anything the
        // talker got through would have arrived too.
        async Task RoundAsync(uint first)
        {
            await Task.WhenAll(talker.SendAsync(frames, first, Pace), owner.SendAsync(frames, first, Pace));
            await Eventually.ReturnsAsync(() => Task.FromResult(listener.SequencesFrom(owner.User.Id).Count(s => s >= first)), n => n == 20, Deadline, "the listener to hear the owner");
        }
    }

    [Fact]
    public async Task ModeratorMove_KeepsTheStreamInTheNewRoom_AndDisconnect_EndsIt()
    {
        var room = await VoiceTestCommunity.CreateAsync(A, members: 1);
        var other = await room.CreateVoiceChannelAsync("Elsewhere");
        await using var owner = await VoiceClient.ConnectAsync(A, room.Owner);
        await using var moved = await VoiceClient.ConnectAsync(B, room.Members[0]);
        await owner.JoinAsync(room.Voice);
        await moved.JoinAsync(room.Voice);
        await moved.StartReceivingAsync();
        (await room.ModerateAsync(room.Owner, moved.User, new { mute = true })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await room.ModerateAsync(room.Owner, moved.User, new { channelId = other });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var landed = await response.Content.ReadFromJsonAsync<JsonElement>();
        landed.GetProperty("channelId").GetString().ShouldBe(other);
        landed.GetProperty("mute").GetBoolean().ShouldBeTrue("a server mute follows the member to the room they are moved to");
        await moved.Gateway.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == moved.User.Id && e.GetProperty("channelId").GetString() == other);
        (await VoiceTestCommunity.ParticipantsAsync(room.Owner, room.Voice)).ShouldBe([room.Owner.Id]);
        (await VoiceTestCommunity.ParticipantsAsync(room.Owner, other)).ShouldBe([moved.User.Id]);

        // The owner follows; the moved member hears them on the stream opened in the first room.
        await owner.JoinAsync(other);
        await owner.SendAsync(OpusSignal.Frames(10, 500), 1, Pace);
        await Eventually.ReturnsAsync(() => Task.FromResult(moved.SequencesFrom(owner.User.Id).Count), n => n == 10, Deadline, "the moved member to hear the owner");

        var disconnect = await room.ModerateAsync(room.Owner, moved.User, new { channelId = (string?)null });
        disconnect.StatusCode.ShouldBe(HttpStatusCode.OK, await disconnect.Content.ReadAsStringAsync());
        (await disconnect.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("channelId").ValueKind.ShouldBe(JsonValueKind.Null);
        await owner.Gateway.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == moved.User.Id && e.GetProperty("channelId").ValueKind == JsonValueKind.Null);
        (await VoiceTestCommunity.ParticipantsAsync(room.Owner, other)).ShouldBe([room.Owner.Id]);
        await Eventually.ReturnsAsync(
            async () => (await Should.ThrowAsync<HubException>(() => moved.Connection.InvokeAsync<object>("SetVoiceState", false, false))).Message,
            m => m.Contains("not_found", StringComparison.Ordinal), Deadline, "the disconnected member to be out of voice");
        await Problem.ExpectAsync(await room.ModerateAsync(room.Owner, moved.User, new { mute = true }), 404, "not_found");
    }

    [Fact]
    public async Task KickedMember_IsTakenOutOfVoice()
    {
        var room = await VoiceTestCommunity.CreateAsync(A, members: 1);
        await using var owner = await GatewayClient.ConnectAsync(A.BaseAddress, room.Owner.AccessToken);
        await using var kicked = await VoiceClient.ConnectAsync(B, room.Members[0]);
        await kicked.JoinAsync(room.Voice);
        await kicked.StartReceivingAsync();
        (await VoiceTestCommunity.ParticipantsAsync(room.Owner, room.Voice)).ShouldBe([kicked.User.Id]);

        (await room.Owner.Http.DeleteAsync($"/api/v1/communities/{room.Id}/members/{kicked.User.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await owner.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == kicked.User.Id && e.GetProperty("channelId").ValueKind == JsonValueKind.Null);
        (await VoiceTestCommunity.ParticipantsAsync(room.Owner, room.Voice)).ShouldBeEmpty();
        await Eventually.ReturnsAsync(
            async () => (await Should.ThrowAsync<HubException>(() => kicked.Connection.InvokeAsync<object>("SetVoiceState", false, false))).Message,
            m => m.Contains("not_found", StringComparison.Ordinal), Deadline, "the kicked member's connection to be out of voice");
    }

    [Fact]
    public async Task LosingViewChannel_TakesTheParticipantOutOfTheRoom()
    {
        var room = await VoiceTestCommunity.CreateAsync(A, members: 2);
        await using var owner = await GatewayClient.ConnectAsync(A.BaseAddress, room.Owner.AccessToken);
        await using var hidden = await VoiceClient.ConnectAsync(B, room.Members[0]);
        await using var stays = await VoiceClient.ConnectAsync(A, room.Members[1]);
        await hidden.JoinAsync(room.Voice);
        await stays.JoinAsync(room.Voice);
        await hidden.StartReceivingAsync();
        (await VoiceTestCommunity.ParticipantsAsync(room.Owner, room.Voice)).ShouldBe([hidden.User.Id, stays.User.Id], ignoreOrder: true);

        var deny = await room.Owner.Http.PutAsJsonAsync($"/api/v1/channels/{room.Voice}/overwrites/{hidden.User.Id}", new { type = "member", allow = "0", deny = "2" });
        deny.StatusCode.ShouldBe(HttpStatusCode.OK);

        await owner.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == hidden.User.Id && e.GetProperty("channelId").ValueKind == JsonValueKind.Null);
        (await VoiceTestCommunity.ParticipantsAsync(room.Owner, room.Voice)).ShouldBe([stays.User.Id]);
        await Eventually.ReturnsAsync(
            async () => (await Should.ThrowAsync<HubException>(() => hidden.Connection.InvokeAsync<object>("SetVoiceState", false, false))).Message,
            m => m.Contains("not_found", StringComparison.Ordinal), Deadline, "the hidden member's connection to be out of voice");
    }

    [Fact]
    public async Task LastConnectionDropping_LeavesTheRoom_WithinSeconds()
    {
        var room = await VoiceTestCommunity.CreateAsync(A, members: 1);
        await using var owner = await GatewayClient.ConnectAsync(A.BaseAddress, room.Owner.AccessToken);
        var leaver = await VoiceClient.ConnectAsync(B, room.Members[0]);
        await leaver.JoinAsync(room.Voice);
        await owner.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == leaver.User.Id);

        var dropped = Stopwatch.StartNew();
        await leaver.DisposeAsync();
        await owner.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == leaver.User.Id && e.GetProperty("channelId").ValueKind == JsonValueKind.Null, TimeSpan.FromSeconds(10));
        output.WriteLine($"left the room {dropped.ElapsedMilliseconds} ms after the connection closed");
        (await VoiceTestCommunity.ParticipantsAsync(room.Owner, room.Voice)).ShouldBeEmpty();
    }

    [Fact]
    public async Task HostileFrames_AreDropped_ExcessRateIsCut_AndRepeatOffendersAreDisconnected()
    {
        using var drops = new VoiceDropCounter();
        var room = await VoiceTestCommunity.CreateAsync(A, members: 1);
        await using var sender = await VoiceClient.ConnectAsync(A, room.Owner);
        await using var listener = await VoiceClient.ConnectAsync(B, room.Members[0]);
        await sender.JoinAsync(room.Voice);
        await listener.JoinAsync(room.Voice);
        await listener.StartReceivingAsync();

        var valid = OpusSignal.Frames(10, 400);
        byte[][] invalid = [[], new byte[1276], [0x03, 0x00], [0x03], [0x02, 0xFF], [0x01, 0x00, 0x00, 0x00]];
        var mixed = new List<byte[]>();
        for (var i = 0; i < valid.Count; i++)
        {
            mixed.Add(valid[i]);
            mixed.Add(invalid[i % invalid.Length]);
        }

        await sender.SendAsync(mixed, 1, Pace);
        await Eventually.ReturnsAsync(() => Task.FromResult(listener.SequencesFrom(sender.User.Id).Count), n => n >= valid.Count, Deadline, "the valid frames");
        listener.SequencesFrom(sender.User.Id).ShouldBe(Enumerable.Range(0, valid.Count).Select(i => (uint)(1 + (2 * i))), "only the valid frames, in order");
        (await Eventually.ReturnsAsync(() => Task.FromResult(drops[VoiceMetrics.Invalid]), n => n >= valid.Count, Deadline, "the invalid frames to be counted")).ShouldBe(valid.Count);

        // Frames at once: the burst allowance passes, the rest is over ~60 frames/s and dropped.
        const int burst = VoiceRules.FrameBurst + 40;
        await sender.SendAsync(OpusSignal.Frames(burst, 400), 1000, TimeSpan.Zero);
        await Eventually.ReturnsAsync(() => Task.FromResult(drops[VoiceMetrics.OverRate]), n => n > 0, Deadline, $"frames over the rate to be dropped ({drops})");

        // Paced again: once the bucket has refilled (60/s against 50/s sent), every frame passes.
        await sender.SendAsync(OpusSignal.Frames(30, 400), 2000, Pace);
        await Eventually.ReturnsAsync(() => Task.FromResult(listener.SequencesFrom(sender.User.Id).Count(s => s >= 2015)), n => n == 15, Deadline, $"the paced frames after the burst ({drops})");
        var passed = listener.SequencesFrom(sender.User.Id).Count(s => s is >= 1000 and < 2000);
        output.WriteLine($"{passed} of {burst} burst frames passed the rate limit; {drops}");
        passed.ShouldBeInRange(VoiceRules.FrameBurst, burst - 1);
        (passed + drops[VoiceMetrics.OverRate]).ShouldBeGreaterThanOrEqualTo(burst, "every burst frame was either forwarded or counted as over the rate");

        // A flood of garbage ends the connection.
        var closed = new TaskCompletionSource();
        sender.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await sender.SendAsync(Enumerable.Repeat(new byte[] { 0x03, 0x00 }, 300).ToList(), 5000, TimeSpan.Zero);
        await closed.Task.WaitAsync(Deadline);
        sender.Connection.State.ShouldBe(HubConnectionState.Disconnected);
        await listener.Gateway.WaitForAsync("VoiceStateUpdated", e => e.GetProperty("userId").GetString() == sender.User.Id && e.GetProperty("channelId").ValueKind == JsonValueKind.Null);
    }
}
