using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Chaos.Client;
using Chaos.Client.Gateway;

namespace Chaos.LoadTest.Scenarios;

/// <summary>
/// Real members chat in one channel while the edge is attacked: a login flood with random usernames, guessed refresh
/// tokens and invite codes, gateway connections that never read, and a reconnect storm. Measures whether real logins
/// still succeed, whether members lose, duplicate or reorder anything acknowledged, how many non-reading sockets were
/// closed as slow consumers, and the servers' memory (docs/benchmarks.md#hostile-traffic).
/// </summary>
internal static class HostileScenario
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Password = "load-test-password";

    /// <summary>A SignalR ping frame (JSON protocol).</summary>
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    public static async Task RunAsync(Harness harness, ScenarioResult result, int members, int senders, double rate, int slowSockets, bool reopenSlowSockets, int floodLanes, int reconnectors, TimeSpan drain)
    {
        result.Settings["members"] = members;
        result.Settings["senders"] = senders;
        result.Settings["rate"] = rate;
        result.Settings["nonReadingSockets"] = slowSockets;
        result.Settings["reopenNonReadingSockets"] = reopenSlowSockets;
        result.Settings["floodLanes"] = floodLanes;
        result.Settings["reconnectors"] = reconnectors;
        var slowOwners = (slowSockets + 9) / 10;
        var users = await harness.RegisterAsync(members + slowOwners + reconnectors);
        var community = await harness.CommunityAsync(users[0], users);
        var channelId = community.Channels.First(c => c.Type == Client.Communities.ChannelType.Text).Id;
        var memberClients = users.Take(members).ToArray();
        var doors = harness.Settings.Urls.Count;
        var senderDoors = Enumerable.Range(0, senders).Select(i => i % doors).ToArray();
        var receivers = memberClients.Select((_, i) => new Receiver(i % doors, senderDoors)).ToArray();
        var gateways = await harness.ConnectAsync(memberClients, (i, g) =>
        {
            g.RawMessageCreated += receivers[i].OnMessage;
            g.MessageCreated += receivers[i].OnApplicationMessage;
        });

        // A user whose password the login probe knows.
        var probeName = "ltprobe" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 16);
        using (var probe = new ChaosClient(harness.Settings.Url(0)))
        {
            await probe.RegisterAsync(probeName, Password);
        }

        // The servers' memory once a second from here to the end, with marks, so growth with the attack's duration shows.
        await using var sampler = new ServerSampler(harness.Settings.ServerPids, harness.Settings.Urls);
        var rssBefore = ServerMemory.ResidentBytes(harness.Settings.ServerPids);
        sampler.Mark("sockets opening");
        var slowBefore = await SlowConsumersAsync(harness.Settings.Urls);

        // Sockets that finish the handshake and then never read: ten per user (the per-user cap).
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var invoker = new HttpMessageInvoker(handler);
        using var http = new HttpClient();
        var sockets = new ConcurrentBag<ClientWebSocket>();
        var firstSockets = new ClientWebSocket[slowSockets];
        var phase = harness.Phase($"open {slowSockets} non-reading sockets", slowSockets);
        await harness.ForEachAsync(Enumerable.Range(0, slowSockets), async i =>
        {
            var owner = users[members + (i / 10)];
            sockets.Add(firstSockets[i] = await OpenNonReadingAsync(http, invoker, harness.Settings.Url(i), (await owner.GetAccessTokenAsync())!));
            phase.Increment(1);
        });
        sampler.Mark("sockets open");

        using var stop = new CancellationTokenSource();
        var counts = new ConcurrentDictionary<string, long>();
        void Count(string key) => counts.AddOrUpdate(key, 1, (_, n) => n + 1);
        var realLogins = new LatencyRecorder();
        var attacks = new List<Task>();

        // With --slow-reopen, each non-reading socket that the server closes is replaced by a new one, so the attack keeps
        // its 200 non-reading sockets for its whole duration. A socket notices its close by a ping it sends (never by
        // reading): the server answers data on a closed connection with a reset.
        if (reopenSlowSockets)
        {
            attacks.AddRange(firstSockets.Select((first, i) => Task.Run(async () =>
            {
                var socket = first;
                var owner = users[members + (i / 10)];
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(1000, stop.Token);
                        await socket.SendAsync(Ping, WebSocketMessageType.Text, true, stop.Token);
                        continue;
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    catch (Exception exception) when (exception is WebSocketException or IOException or ObjectDisposedException)
                    {
                        socket.Abort();
                    }

                    while (!stop.IsCancellationRequested)
                    {
                        try
                        {
                            socket = await OpenNonReadingAsync(http, invoker, harness.Settings.Url(i), (await owner.GetAccessTokenAsync())!);
                            sockets.Add(socket);
                            Count("non-reading reopened");
                            break;
                        }
                        catch (Exception exception) when (exception is HttpRequestException or WebSocketException or IOException or OperationCanceledException)
                        {
                            // Refused (the owner's old connection still counts against its cap until cut) or failed: again later.
                            Count("non-reading reopen failed");
                            await Task.Delay(1000, CancellationToken.None);
                        }
                    }
                }
            })));
        }

        // Login flood with random usernames.
        attacks.AddRange(Enumerable.Range(0, floodLanes).Select(lane => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var name = "x" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 20);
                var status = await PostAsync(http, harness.Settings.Url(lane), "/api/v1/auth/login", new { username = name, password = "guess-guess-guess" });
                Count("flood " + status);
            }
        })));

        // Guessed refresh tokens and invite codes.
        attacks.Add(Task.Run(async () =>
        {
            for (long n = 0; !stop.IsCancellationRequested; n++)
            {
                var url = harness.Settings.Url((int)n);
                var token = $"{Random.Shared.NextInt64(1L << 40, 1L << 62)}.{Base64Url(16)}.{Base64Url(32)}.{Base64Url(16)}";
                Count("guessed refresh " + await PostAsync(http, url, "/api/v1/auth/refresh", new { refreshToken = token }));
                using var preview = await http.GetAsync(new Uri(url, "/api/v1/invites/" + RandomNumberGenerator.GetString(Alphabet, 16)));
                Count("guessed invite " + (int)preview.StatusCode);
            }
        }));

        // A reconnect storm: each reconnector connects, waits for Ready, disconnects, again and again.
        attacks.AddRange(users.Skip(members + slowOwners).Select((client, i) => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var options = new ChaosGatewayOptions { Protocol = harness.Settings.Protocol };
                options.FrontDoors.Add(harness.Settings.Url(i));
                await using var gateway = new ChaosGateway(client, options);
                try
                {
                    await gateway.StartAsync();
                    Count("reconnect cycles");
                }
                catch (HttpRequestException refused) when (refused.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
                {
                    // Refused by the per-address or per-user connect limit before any work (docs/architecture.md#connection-limits).
                    Count("reconnect refused 429");
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Count("reconnect failures");
                }
            }
        })));

        // Real logins during all of it, every 250 ms, honouring Retry-After when the hash queue is full.
        attacks.Add(Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var began = Stopwatch.GetTimestamp();
                int status;
                do
                {
                    status = await PostAsync(http, harness.Settings.Url(0), "/api/v1/auth/login", new { username = probeName, password = Password });
                    if (status == 429)
                    {
                        Count("real login 429 (retried)");
                        await Task.Delay(100);
                    }
                }
                while (status == 429 && !stop.IsCancellationRequested);

                Count("real login " + status);
                if (status == 200)
                {
                    realLogins.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                }

                await Task.Delay(250);
            }
        }));

        // A plain line for scripts that sample the server while the attack runs (docs/benchmarks.md#slow-consumers-and-hostile-traffic).
        await Console.Error.WriteLineAsync($"attack started {DateTimeOffset.UtcNow:O}");
        sampler.Mark("load started");
        var sending = gateways.Take(senders).Select(g => (g, channelId)).ToList();
        // The attack stops when the sending does; then every acknowledged message gets the drain bound to arrive, so a
        // message still missing after it is lost, not late.
        long? rssDuring = null;
        await MessagingRun.RunAsync(harness, result, receivers, sending, new Dictionary<string, int> { [channelId] = members }, rate / senders, 4, drain, async () =>
        {
            rssDuring = ServerMemory.ResidentBytes(harness.Settings.ServerPids);
            sampler.Mark("load ended");
            await stop.CancelAsync();
            await Task.WhenAll(attacks);
        });

        foreach (var socket in sockets)
        {
            socket.Abort();
            socket.Dispose();
        }

        // After: the non-reading sockets are gone; what the server still holds a few seconds later (the GC returns memory lazily).
        sampler.Mark("sockets aborted");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var rssAfter = ServerMemory.ResidentBytes(harness.Settings.ServerPids);
        await sampler.StopAsync();
        result.Series["server"] = sampler.Series();
        Plateau(result, sampler);

        foreach (var (key, value) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            result.Metrics[key] = value;
        }

        result.Metrics["realLogin"] = realLogins.Summary();
        result.Metrics["filledFromHistory"] = gateways.Sum(g => g.FilledFromHistory);
        result.Metrics["slowConsumersClosed"] = await SlowConsumersAsync(harness.Settings.Urls) - slowBefore;
        if (rssBefore is { } before && rssDuring is { } during)
        {
            result.Metrics["serverRssBeforeMiB"] = Math.Round(before / 1048576.0, 1);
            result.Metrics["serverRssAtEndOfLoadMiB"] = Math.Round(during / 1048576.0, 1);
        }

        if (rssAfter is { } after)
        {
            result.Metrics["serverRssAfterMiB"] = Math.Round(after / 1048576.0, 1);
        }
    }

    /// <summary>
    /// Figures that expose growth with the attack's duration: the highest RSS (and managed heap after GC) in the first and in
    /// the second half of the load, and the least-squares slope of RSS over the second half (MiB per minute; ~0 when flat).
    /// </summary>
    private static void Plateau(ScenarioResult result, ServerSampler sampler)
    {
        var load = sampler.RssBetween("load started", "load ended");
        if (load.Length < 4)
        {
            return;
        }

        var half = load.Length / 2;
        var second = load[half..];
        var mean = second.Average();
        var xMean = (second.Length - 1) / 2.0;
        var slope = Enumerable.Range(0, second.Length).Sum(i => (i - xMean) * (second[i] - mean)) / Enumerable.Range(0, second.Length).Sum(i => (i - xMean) * (i - xMean));
        result.Metrics["serverRssMaxFirstHalfOfLoadMiB"] = load[..half].Max();
        result.Metrics["serverRssMaxSecondHalfOfLoadMiB"] = second.Max();
        result.Metrics["serverRssSlopeSecondHalfMiBPerMin"] = Math.Round(slope * 60, 1);
        result.Metrics["serverRssMaxMiB"] = sampler.RssBetween("sockets opening", null).Max();
        var heap = sampler.HeapBetween("load started", "load ended");
        if (heap.Length >= 4)
        {
            result.Metrics["serverHeapAfterGcMaxFirstHalfOfLoadMiB"] = heap[..(heap.Length / 2)].Max();
            result.Metrics["serverHeapAfterGcMaxSecondHalfOfLoadMiB"] = heap[(heap.Length / 2)..].Max();
        }
    }

    private static async Task<int> PostAsync(HttpClient http, Uri server, string path, object body)
    {
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri(server, path), body);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>The servers' <c>chaos_gateway_slow_consumers_total</c>, summed (0 where /metrics does not have it).</summary>
    private static async Task<long> SlowConsumersAsync(IReadOnlyList<Uri> servers)
    {
        using var http = new HttpClient();
        long total = 0;
        foreach (var server in servers.Distinct())
        {
            try
            {
                var text = await http.GetStringAsync(new Uri(server, "/metrics"));
                foreach (var line in text.Split('\n').Where(l => l.StartsWith("chaos_gateway_slow_consumers", StringComparison.Ordinal)))
                {
                    // "name{labels} value [timestamp]"
                    total += (long)double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
            catch (HttpRequestException)
            {
            }
        }

        return total;
    }

    /// <summary>Negotiates stateful reconnect, opens the WebSocket, completes the JSON handshake, and never reads again.</summary>
    private static async Task<ClientWebSocket> OpenNonReadingAsync(HttpClient http, HttpMessageInvoker invoker, Uri server, string accessToken)
    {
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/gateway/negotiate?negotiateVersion=1&useStatefulReconnect=true"));
        negotiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var answer = await http.SendAsync(negotiate);
        answer.EnsureSuccessStatusCode();
        var token = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connectionToken").GetString()!;
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = "/gateway", Query = $"id={Uri.EscapeDataString(token)}&access_token={Uri.EscapeDataString(accessToken)}" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(uri, invoker, timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[64];
        await socket.ReceiveAsync(buffer, timeout.Token);
        return socket;
    }

    private static string Base64Url(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
