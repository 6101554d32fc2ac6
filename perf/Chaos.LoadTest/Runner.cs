using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Chaos.LoadTest;

/// <summary>Runs one scenario inside a progress display, then prints the table and writes the JSON results.</summary>
internal static class Runner
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(string scenario, LoadSettings settings, Func<Harness, ScenarioResult, Task> run)
    {
        var result = new ScenarioResult(scenario);
        result.Settings["urls"] = settings.Urls.Select(u => u.ToString()).ToArray();
        result.Settings["durationSeconds"] = settings.Duration.TotalSeconds;
        result.Settings["protocol"] = settings.Protocol.ToString();
        result.Settings["processorCount"] = Environment.ProcessorCount;
        var failed = false;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                await using var harness = new Harness(settings, context);
                try
                {
                    await run(harness, result);
                }
                catch (Exception exception) when (exception is Client.Errors.ChaosApiException or HttpRequestException or TimeoutException or InvalidOperationException)
                {
                    failed = true;
                    result.Notes.Add("failed: " + exception.Message);
                }
            });

        Print(result);
        var path = settings.Output ?? $"chaos-load-{scenario}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.json";
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, Json));
        AnsiConsole.MarkupLineInterpolated($"results written to [bold]{path}[/]");
        return failed ? 1 : 0;
    }

    private static void Print(ScenarioResult result)
    {
        var table = new Table().Title($"chaos-load {result.Scenario}").AddColumn("setting / metric").AddColumn("value");
        foreach (var (key, value) in result.Settings)
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(Format(value)));
        }

        table.AddEmptyRow();
        foreach (var (key, value) in result.Metrics)
        {
            table.AddRow("[bold]" + Markup.Escape(key) + "[/]", Markup.Escape(Format(value)));
        }

        AnsiConsole.Write(table);
        foreach (var note in result.Notes)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{note}[/]");
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "-",
        string text => text,
        IDictionary<string, double> summary => string.Join("  ", summary.Select(kv => $"{kv.Key}={kv.Value.ToString(CultureInfo.InvariantCulture)}")),
        System.Collections.IEnumerable items => string.Join(", ", items.Cast<object>()),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };
}
