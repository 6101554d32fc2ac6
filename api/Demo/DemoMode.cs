using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Chaos.Api.Demo;

/// <summary><c>dotnet run --project api -- --demo</c>: start as usual, then seed the demo through this front door's own API.</summary>
public static class DemoMode
{
    public const string Switch = "--demo";

    /// <summary>Whether the switch was given, and the arguments without it (configuration does not know it).</summary>
    public static (bool Demo, string[] Arguments) Parse(string[] args) =>
        (args.Contains(Switch, StringComparer.Ordinal), args.Where(a => a != Switch).ToArray());

    public static async Task SeedAsync(WebApplication app, CancellationToken ct)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The front door has no address to seed the demo through.");
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)).Uri;
        using var http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromMinutes(2) };
        await new DemoSeeder(http, Console.Out).SeedAsync(ct);
        await Console.Out.WriteLineAsync($"demo: open {uri} and log in as any demo user");
    }
}
