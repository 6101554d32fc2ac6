using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Chaos.RelayBench;

BenchOptions? options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

if (options is null)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var json = new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
var recorder = new Recorder();
using var network = new NetworkCounter();
await using var cluster = await BenchCluster.StartAsync(options, recorder);
var runner = new PointRunner(options, cluster, recorder, network);
await runner.SetUpAsync();
var results = new List<PointResult>();
foreach (var rate in options.Rates)
{
    var point = await runner.RunAsync(rate);
    foreach (var result in point)
    {
        var line = JsonSerializer.Serialize(result, json);
        Console.WriteLine(line);
        if (options.OutFile is not null)
        {
            await File.AppendAllTextAsync(options.OutFile, line + "\n");
        }

        results.Add(result);
    }
}

Console.WriteLine();
Console.WriteLine("| path | point | rate/s | delivered/sent | dup | p50 / p95 / p99 / max ms | from driver p50 / p99 ms | CPU % of a core | net msgs/event |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Path} | {r.Point} | {r.Rate:N0} | {r.Delivered:N0}/{r.Sent:N0} | {r.Duplicates} | {r.P50:F2} / {r.P95:F2} / {r.P99:F2} / {r.Max:F1} | {r.DriverP50:F2} / {r.DriverP99:F2} | {r.CpuPercent:F1} | {r.NetworkMessagesPerEvent:F2} |"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"activations: {string.Join("; ", recorder.Activations)}"));
return 0;
