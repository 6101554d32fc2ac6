using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Chaos.Tests.Support;

/// <summary>
/// Counts one front door's authentications by scheme and result ("success", "failure", "none") from ASP.NET Core's own
/// <c>aspnetcore.authentication.authenticate.duration</c> metric, listened to in this process and kept to the meters of
/// that front door's service provider (other test servers in the process are ignored).
/// </summary>
internal sealed class AuthenticationOutcomes : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<(string Scheme, string Result), int> counts = new();

    public AuthenticationOutcomes(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Microsoft.AspNetCore.Authentication"
                && instrument.Name == "aspnetcore.authentication.authenticate.duration"
                && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            string? scheme = null;
            string? result = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "aspnetcore.authentication.scheme")
                {
                    scheme = tag.Value as string;
                }
                else if (tag.Key == "aspnetcore.authentication.result")
                {
                    result = tag.Value as string;
                }
            }

            counts.AddOrUpdate((scheme ?? "?", result ?? "?"), 1, (_, n) => n + 1);
        });
        listener.Start();
    }

    /// <summary>How many authentications of <paramref name="scheme"/> ended with <paramref name="result"/> since the last <see cref="Reset"/>.</summary>
    public int Count(string scheme, string result) => counts.GetValueOrDefault((scheme, result));

    /// <summary>Everything counted, for messages.</summary>
    public string Describe() => string.Join(", ", counts.ToArray().OrderBy(c => c.Key).Select(c => $"{c.Key.Scheme}/{c.Key.Result}={c.Value}"));

    public void Reset() => counts.Clear();

    public void Dispose() => listener.Dispose();
}
