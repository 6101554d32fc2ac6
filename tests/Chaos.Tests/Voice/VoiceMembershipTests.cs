using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Chaos.Voice;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Chaos.Tests.Voice;

/// <summary>
/// What voice keeps per member of a community (server mute and deafen, the Speak permission) and what connecting costs
/// (Ready reads the community's voice index, never the rooms): two front doors of one cluster, real SignalR clients.
/// </summary>
[Collection(RealTimeVoiceTests.Name)]
public sealed class VoiceMembershipTests(TwoFrontDoorsFixture fixture, ITestOutputHelper output) : IClassFixture<TwoFrontDoorsFixture>
{
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private ChaosServer A => fixture.A;

    private ChaosServer B => fixture.B;

    [Fact]
    public async Task ServerMuteAndDeafen_OutliveLeavingAndRejoining_AndEndWithTheMembership()
    {
        var room = await VoiceTestCommunity.CreateAsync(A, members: 1);
        var member = room.Members[0];
        await using var client = await VoiceClient.ConnectAsync(B, member);
        await client.JoinAsync(room.Voice);
        (await room.ModerateAsync(room.Owner, member, new { mute = true, deaf = true })).StatusCode.ShouldBe(HttpStatusCode.OK);

        await client.Connection.InvokeAsync("LeaveVoice");
        var again = Me(await client.JoinAsync(room.Voice), member);
        again.GetProperty("mute").GetBoolean().ShouldBeTrue("a server mute is the member's, not the visit's");
        again.GetProperty("deaf").GetBoolean().ShouldBeTrue();

        // Another voice channel of the same community: still muted and deafened.
        var other = await room.CreateVoiceChannelAsync("Other");
        var there = Me(await client.JoinAsync(other), member);
        there.GetProperty("mute").GetBoolean().ShouldBeTrue();

        // Lifting one keeps the other, also across a new connection.
        (await room.ModerateAsync(room.Owner, member, new { mute = false })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await client.Connection.InvokeAsync("LeaveVoice");
        await using (var second = await VoiceClient.ConnectAsync(A, member))
        {
            var back = Me(await second.JoinAsync(room.Voice), member);
            back.GetProperty("mute").GetBoolean().ShouldBeFalse();
            back.GetProperty("deaf").GetBoolean().ShouldBeTrue();
            await second.Connection.InvokeAsync("LeaveVoice");
        }

        // Kicked and invited back: a new member starts without them.
        (await room.Owner.Http.DeleteAsync($"/api/v1/communities/{room.Id}/members/{member.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await GatewayTests.JoinAsync(room.Owner, member, room.Community);
        await using var rejoined = await VoiceClient.ConnectAsync(B, member);
        var fresh = Me(await rejoined.JoinAsync(room.Voice), member);
        fresh.GetProperty("mute").GetBoolean().ShouldBeFalse();
        fresh.GetProperty("deaf").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task MemberWithoutSpeak_IsHeardByNobody_AndItsFramesAreCountedAsDropped()
    {
        using var drops = new VoiceDropCounter();
        var room = await VoiceTestCommunity.CreateAsync(A, members: 2);
        var silent = room.Members[0];
        var speak = (1L << 16).ToString(CultureInfo.InvariantCulture);
        var deny = await room.Owner.Http.PutAsJsonAsync($"/api/v1/channels/{room.Voice}/overwrites/{silent.Id}", new { type = "member", allow = "0", deny = speak });
        deny.StatusCode.ShouldBe(HttpStatusCode.OK, await deny.Content.ReadAsStringAsync());

        await using var owner = await VoiceClient.ConnectAsync(A, room.Owner);
        await using var talker = await VoiceClient.ConnectAsync(B, silent);
        await using var listener = await VoiceClient.ConnectAsync(B, room.Members[1], messagePack: true);
        foreach (var client in new[] { owner, talker, listener })
        {
            await client.JoinAsync(room.Voice);
            await client.StartReceivingAsync();
        }

        // Connect is enough to be in the room; without Speak nothing said reaches anyone.
        var frames = OpusSignal.Frames(20, 300);
        var before = drops[VoiceMetrics.NoSpeak];
        await Task.WhenAll(talker.SendAsync(frames, 1, Pace), owner.SendAsync(frames, 1, Pace));
        await Eventually.ReturnsAsync(() => Task.FromResult(listener.SequencesFrom(room.Owner.Id).Count), n => n == 20, Deadline, $"the listener to hear the owner ({drops})");
        await Eventually.ReturnsAsync(() => Task.FromResult(drops[VoiceMetrics.NoSpeak] - before), n => n >= 20, Deadline, $"the frames without Speak to be counted ({drops})");
        listener.SequencesFrom(silent.Id).ShouldBeEmpty();
        owner.SequencesFrom(silent.Id).ShouldBeEmpty();
        (await VoiceTestCommunity.ParticipantsAsync(room.Owner, room.Voice)).ShouldContain(silent.Id);

        // Granted again (the overwrite removed): on rejoining the member is heard.
        (await room.Owner.Http.DeleteAsync($"/api/v1/channels/{room.Voice}/overwrites/{silent.Id}")).IsSuccessStatusCode.ShouldBeTrue();
        await talker.JoinAsync(room.Voice);
        await talker.SendAsync(frames, 101, Pace);
        await Eventually.ReturnsAsync(() => Task.FromResult(listener.SequencesFrom(silent.Id).Count(s => s >= 101)), n => n == 20, Deadline, $"the listener to hear the member with Speak ({drops})");
        output.WriteLine(drops.ToString());
    }

    [Fact]
    public async Task Ready_WithManyVoiceChannels_WakesNoRoom_AndStillCarriesTheVoiceStates()
    {
        const int idle = 40;
        var room = await VoiceTestCommunity.CreateAsync(A, members: 1);
        var member = room.Members[0];
        var idleRooms = new List<long>();
        for (var i = 0; i < idle; i++)
        {
            idleRooms.Add(long.Parse(await room.CreateVoiceChannelAsync($"Idle {i}"), CultureInfo.InvariantCulture));
        }

        await using var talker = await VoiceClient.ConnectAsync(B, member);
        await talker.JoinAsync(room.Voice);
        (await room.ModerateAsync(room.Owner, member, new { mute = true })).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Connect on both front doors: each builds its own Ready.
        foreach (var server in new[] { A, B })
        {
            await using var watcher = await GatewayClient.ConnectAsync(server.BaseAddress, room.Owner.AccessToken);
            var states = watcher.Events[0].Payload.GetProperty("voiceStates").EnumerateArray().ToList();
            var state = states.ShouldHaveSingleItem();
            state.GetProperty("userId").GetString().ShouldBe(member.Id);
            state.GetProperty("channelId").GetString().ShouldBe(room.Voice);
            state.GetProperty("mute").GetBoolean().ShouldBeTrue("Ready shows the moderator's mute");
        }

        var grains = A.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var active = new List<long>();
        foreach (var id in idleRooms)
        {
            if (await management.GetActivationAddress(grains.GetGrain<IVoiceRoomGrain>(id)) is not null)
            {
                active.Add(id);
            }
        }

        active.ShouldBeEmpty("connecting must not wake a room per visible voice channel");
        (await management.GetActivationAddress(grains.GetGrain<IVoiceRoomGrain>(long.Parse(room.Voice, CultureInfo.InvariantCulture)))).ShouldNotBeNull();

        // Leaving empties the index: the next Ready carries nobody.
        await talker.Connection.InvokeAsync("LeaveVoice");
        await using var late = await GatewayClient.ConnectAsync(A.BaseAddress, room.Owner.AccessToken);
        late.Events[0].Payload.GetProperty("voiceStates").GetArrayLength().ShouldBe(0);
    }

    private static JsonElement Me(JsonElement joined, TestUser user) =>
        joined.GetProperty("participants").EnumerateArray().Single(p => p.GetProperty("userId").GetString() == user.Id);
}
