using System.Globalization;
using Chaos.BareHub;
using Microsoft.AspNetCore.SignalR;

// A bare ASP.NET Core SignalR hub that broadcasts to a group: the floor under CHAOS's fan-out. It speaks just enough of
// the CHAOS API for the peer harness (register/login, a community with one channel, one invite, SendMessage →
// MessageCreated), all in memory: no Orleans, no storage, no permissions. Run: perf/fanout/run.sh bare (docs/benchmarks.md).
// Also plain WebSockets at /raw (RawSockets), the floor of Kestrel alone: perf/idle/raw-floor.sh.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<BareState>();
builder.Services.AddSignalR(o => o.MaximumParallelInvocationsPerClient = 16).AddMessagePackProtocol();
builder.Services.AddSingleton<RawSockets>();
builder.Services.AddHostedService(services => services.GetRequiredService<RawSockets>());
var app = builder.Build();
var state = app.Services.GetRequiredService<BareState>();
var hub = app.Services.GetRequiredService<IHubContext<BareGatewayHub>>();

app.MapGet("/health/ready", () => "Healthy");
app.MapGet("/health/live", () => "Healthy");
app.MapPost("/api/v1/auth/register", (Credentials body) =>
{
    var user = new BareUser(state.NextId(), body.Username, body.Password, Guid.NewGuid().ToString("N"));
    if (!state.UsersByName.TryAdd(body.Username, user))
    {
        return Results.Problem(statusCode: 409, title: "username_taken", extensions: new Dictionary<string, object?> { ["code"] = "username_taken" });
    }

    state.UsersByToken[user.Token] = user;
    return Results.Json(Session(user), statusCode: 201);
});
app.MapPost("/api/v1/auth/login", (Credentials body) =>
    state.UsersByName.TryGetValue(body.Username, out var user) && user.Password == body.Password
        ? Results.Json(Session(user))
        : Results.Problem(statusCode: 401, title: "invalid_credentials"));
app.MapGet("/api/v1/users/@me", (HttpRequest request) =>
    state.Authenticate(request.Headers.Authorization) is { } me ? Results.Json(new { id = Id(me.Id), username = me.Username }) : Results.Unauthorized());
app.MapGet("/api/v1/users/@me/communities", (HttpRequest request) =>
    state.Authenticate(request.Headers.Authorization) is { } me
        ? Results.Json(state.Rooms.Values.Where(r => r.Members.ContainsKey(me.Id)).Select(r => r.View()).ToList())
        : Results.Unauthorized());
app.MapPost("/api/v1/communities", (HttpRequest request, RoomRequest body) =>
{
    if (state.Authenticate(request.Headers.Authorization) is not { } me)
    {
        return Results.Unauthorized();
    }

    var room = new BareRoom(state.NextId(), body.Name, me.Id, state.NextId());
    room.Members[me.Id] = true;
    state.Rooms[room.Id] = room;
    state.RoomsByChannel[room.ChannelId] = room;
    return Results.Json(room.View(), statusCode: 201);
});
app.MapGet("/api/v1/communities/{id:long}", (HttpRequest request, long id) =>
    state.Authenticate(request.Headers.Authorization) is not null && state.Rooms.TryGetValue(id, out var room) ? Results.Json(room.View()) : Results.NotFound());
app.MapDelete("/api/v1/communities/{id:long}", (HttpRequest request, long id) =>
{
    if (state.Authenticate(request.Headers.Authorization) is { } me && state.Rooms.TryGetValue(id, out var room) && room.OwnerId == me.Id)
    {
        state.Rooms.TryRemove(id, out _);
        state.RoomsByChannel.TryRemove(room.ChannelId, out _);
        return Results.NoContent();
    }

    return Results.NotFound();
});
app.MapPost("/api/v1/communities/{id:long}/invites", (HttpRequest request, long id) =>
{
    if (state.Authenticate(request.Headers.Authorization) is null || !state.Rooms.TryGetValue(id, out var room))
    {
        return Results.NotFound();
    }

    var code = Guid.NewGuid().ToString("N")[..10];
    state.Invites[code] = room;
    return Results.Json(new { code, communityId = Id(room.Id), maxUses = 0, uses = 0 }, statusCode: 201);
});
app.MapPost("/api/v1/invites/{code}", async (HttpRequest request, string code) =>
{
    if (state.Authenticate(request.Headers.Authorization) is not { } me || !state.Invites.TryGetValue(code, out var room))
    {
        return Results.NotFound();
    }

    room.Members[me.Id] = true;
    if (state.Connections.TryGetValue(me.Id, out var connections))
    {
        foreach (var connection in connections.Keys)
        {
            await hub.Groups.AddToGroupAsync(connection, "c:" + Id(room.ChannelId));
        }

        await hub.Clients.Clients([.. connections.Keys]).SendAsync("MemberJoined", new { communityId = Id(room.Id), user = new { id = Id(me.Id), username = me.Username } });
    }

    return Results.Json(room.View());
});
app.MapHub<BareGatewayHub>("/gateway");

// Plain WebSockets, no SignalR (RawSockets): what Kestrel alone costs per idle connection.
var raw = app.Services.GetRequiredService<RawSockets>();
app.Map("/raw", branch =>
{
    branch.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
    branch.Run(raw.AcceptAsync);
});
app.MapGet("/raw-count", () => raw.Count);
app.Run();

static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

static object Session(BareUser user) => new
{
    user = new { id = Id(user.Id), username = user.Username },
    accessToken = user.Token,
    refreshToken = user.Token,
    expiresAt = DateTimeOffset.UtcNow.AddDays(1),
};
