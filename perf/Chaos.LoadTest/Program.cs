using System.CommandLine;
using Chaos.Client.Gateway;
using Chaos.LoadTest;
using Chaos.LoadTest.Scenarios;

var urls = new Option<string[]>("--url", "-u")
{
    Description = "Front-door base URL; repeat it for several front doors (connections are spread round-robin).",
    AllowMultipleArgumentsPerToken = true,
    DefaultValueFactory = _ => ["http://localhost:5080"],
    Recursive = true,
};
var duration = new Option<int>("--duration", "-d") { Description = "Seconds of measured load after setup (keep it short on a shared machine).", DefaultValueFactory = _ => 10, Recursive = true };
var protocol = new Option<GatewayProtocol>("--protocol") { Description = "Gateway protocol: Json or MessagePack.", DefaultValueFactory = _ => GatewayProtocol.Json, Recursive = true };
var output = new Option<string?>("--output", "-o") { Description = "Write the results as JSON to this file (default: chaos-load-<scenario>-<time>.json).", Recursive = true };
var setup = new Option<int>("--setup-concurrency") { Description = "Parallel REST calls and connects while creating users, communities and connections.", DefaultValueFactory = _ => 32, Recursive = true };
var pids = new Option<int[]>("--server-pid") { Description = "Process id of a front door on this machine (repeatable): its memory is read from /proc.", AllowMultipleArgumentsPerToken = true, Recursive = true };

var root = new RootCommand(
    "CHAOS load generator: drives front doors through the Chaos.Client SDK over real sockets. Each scenario creates its own users "
    + "and community, measures, prints a table and writes JSON results, then deletes its communities and logs its users out. "
    + "Run the server with --Chaos:RateLimits:Enabled=false (and a cheap --Chaos:Passwords cost for many users).");
root.Options.Add(urls);
root.Options.Add(duration);
root.Options.Add(protocol);
root.Options.Add(output);
root.Options.Add(setup);
root.Options.Add(pids);

LoadSettings Settings(ParseResult parse) => new(
    [.. parse.GetValue(urls)!.Select(u => new Uri(u))],
    TimeSpan.FromSeconds(parse.GetValue(duration)),
    parse.GetValue(protocol),
    parse.GetValue(output),
    parse.GetValue(setup),
    parse.GetValue(pids) ?? []);

Option<int> Int(string name, string description, int value) => new(name) { Description = description, DefaultValueFactory = _ => value };
Option<double> Rate(string name, string description, double value) => new(name) { Description = description, DefaultValueFactory = _ => value };

void Add(Command command, Func<ParseResult, Harness, ScenarioResult, Task> run, params Option[] options)
{
    foreach (var option in options)
    {
        command.Options.Add(option);
    }

    command.SetAction((parse, _) => Runner.RunAsync(command.Name, Settings(parse), (harness, result) => run(parse, harness, result)));
    root.Subcommands.Add(command);
}

var connections = Int("--connections", "Gateway connections to open and hold idle.", 1000);
var connUsers = Int("--users", "Distinct users the connections belong to (round-robin).", 100);
var connRate = Int("--connect-concurrency", "Connects in flight at once.", 64);
Add(new Command("connections", "N authenticated gateway connections held idle after Ready: connect rate and server memory per connection."),
    (p, h, r) => ConnectionsScenario.RunAsync(h, r, p.GetValue(connections), p.GetValue(connUsers), p.GetValue(connRate)), connections, connUsers, connRate);

var members = Int("--members", "Members of the channel, each with a gateway connection.", 200);
var senders = Int("--senders", "Members that send (over their gateway).", 5);
var rate = Rate("--rate", "Total messages per second over all senders; 0 sends as fast as acknowledgements allow.", 0);
var inflight = Int("--inflight", "Sends in flight per sender.", 4);
Add(new Command("fanout", "One channel with M members; S senders at total rate R: deliveries/s, send→receive latency, lost/duplicated/out-of-order by seq."),
    (p, h, r) => FanoutScenario.RunAsync(h, r, p.GetValue(members), p.GetValue(senders), p.GetValue(rate), p.GetValue(inflight)), members, senders, rate, inflight);

var channelCount = Int("--channels", "Channels, each visible only to its own members.", 100);
var perChannel = Int("--members-per-channel", "Members of each channel (k).", 5);
var channelRate = Rate("--rate", "Messages per second per channel (r), sent by one member of the channel.", 1);
var channelUsers = Int("--users", "Distinct users; channels share users when this is below channels × k.", 500);
Add(new Command("channels", "C channels of k members each at r messages/s per channel: send→receive latency and delivery accounting."),
    (p, h, r) => ChannelsScenario.RunAsync(h, r, p.GetValue(channelCount), p.GetValue(perChannel), p.GetValue(channelRate), p.GetValue(channelUsers)), channelCount, perChannel, channelRate, channelUsers);

var acceptSenders = Int("--senders", "Sending users.", 8);
var acceptChannels = Int("--channels", "Channels the senders spread over (each channel group-commits on its own).", 4);
var acceptInflight = Int("--inflight", "Sends in flight per sender.", 8);
var viaRest = new Option<bool>("--rest") { Description = "Send with POST /channels/{id}/messages instead of the gateway's SendMessage." };
Add(new Command("accept", "Durable message accepts/s as fast as acknowledgements allow, and ack latency (acknowledged = durable in PostgreSQL)."),
    (p, h, r) => AcceptScenario.RunAsync(h, r, p.GetValue(acceptSenders), p.GetValue(acceptChannels), p.GetValue(acceptInflight), p.GetValue(viaRest)), acceptSenders, acceptChannels, acceptInflight, viaRest);

var rooms = Int("--rooms", "Voice rooms (voice channels).", 4);
var participants = Int("--participants", "Participants per room.", 10);
var speakers = Int("--speakers", "Active speakers per room, each sending 50 Opus frames/s.", 2);
Add(new Command("voice", "Voice rooms with active speakers at 50 frames/s of real Opus: forwarded frames/s, server-added latency, drops. Reports cleanly when the server has no voice."),
    async (p, h, r) => await VoiceScenario.RunAsync(h, r, p.GetValue(rooms), p.GetValue(participants), p.GetValue(speakers)), rooms, participants, speakers);

var editMembers = Int("--members", "Members of the channel, each with a gateway connection.", 50);
var editors = Int("--editors", "Members that each edit a message of their own.", 5);
var editRate = Rate("--rate", "Edits per second per editor.", 10);
Add(new Command("edits", "The stream path timed: E editors edit their own message at r/s in a channel of M connected members; edit request → MessageUpdated at every member."),
    (p, h, r) => EditsScenario.RunAsync(h, r, p.GetValue(editMembers), p.GetValue(editors), p.GetValue(editRate)), editMembers, editors, editRate);

var seedMessages = Int("--messages", "Messages to seed the channel with before reading (N).", 5000);
var readers = Int("--readers", "Concurrent page readers (closed loop).", 4);
var writers = Int("--writers", "Concurrent writers during the reads.", 2);
var writeRate = Rate("--write-rate", "Messages per second per writer.", 20);
Add(new Command("history", "Page latency (50-message keyset pages at random points) on a channel of N messages under concurrent writes; seeds what it needs."),
    (p, h, r) => HistoryScenario.RunAsync(h, r, p.GetValue(seedMessages), p.GetValue(readers), p.GetValue(writers), p.GetValue(writeRate)), seedMessages, readers, writers, writeRate);

var searchDatabase = new Option<string>("--database") { Description = "Connection string of the server's PostgreSQL (the history is bulk-inserted there).", Required = true };
var searchMessages = Int("--messages", "Messages to seed the community with (N).", 1_000_000);
var searchChannels = Int("--channels", "Text channels the messages spread over; the reader cannot see the last one.", 10);
var searchReaders = Int("--readers", "Concurrent searchers (closed loop).", 4);
Add(new Command("search", "Search latency (GET /communities/{id}/messages/search) on a community of N bulk-inserted messages: rare, common, two-word, prefix and non-Latin queries."),
    (p, h, r) => SearchScenario.RunAsync(h, r, p.GetValue(searchDatabase)!, p.GetValue(searchMessages), p.GetValue(searchChannels), p.GetValue(searchReaders)), searchDatabase, searchMessages, searchChannels, searchReaders);

var hostileMembers = Int("--members", "Real members of the busy channel, each with a gateway connection.", 50);
var hostileSenders = Int("--senders", "Members that send (over their gateway).", 5);
var hostileRate = Rate("--rate", "Total messages per second over all senders.", 100);
var slowSockets = Int("--slow-sockets", "Gateway connections that complete the handshake and never read (ten per user).", 200);
var reopenSlow = new Option<bool>("--slow-reopen") { Description = "Replace each non-reading socket the server closes with a new one, so the attack keeps them all for its whole duration." };
var floodLanes = Int("--flood-lanes", "Concurrent loops posting logins with random usernames.", 16);
var reconnectors = Int("--reconnectors", "Users that connect, wait for Ready and disconnect in a loop.", 20);
var hostileDrain = Int("--drain", "Seconds to wait after the attack stops for every acknowledged message to arrive; what is still missing then counts as lost.", 120);
Add(new Command("hostile", "Members chat while logins with random usernames, guessed tokens and invites, non-reading sockets and a reconnect storm hit the edge: real logins, lost/duplicated/out-of-order by seq, slow consumers closed, server memory."),
    (p, h, r) => HostileScenario.RunAsync(h, r, p.GetValue(hostileMembers), p.GetValue(hostileSenders), p.GetValue(hostileRate), p.GetValue(slowSockets), p.GetValue(reopenSlow), p.GetValue(floodLanes), p.GetValue(reconnectors), TimeSpan.FromSeconds(p.GetValue(hostileDrain))),
    hostileMembers, hostileSenders, hostileRate, slowSockets, reopenSlow, floodLanes, reconnectors, hostileDrain);

return await root.Parse(args).InvokeAsync();
