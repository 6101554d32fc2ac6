using Chaos.Client.Gateway;

namespace Chaos.LoadTest;

/// <summary>Options every scenario shares.</summary>
internal sealed record LoadSettings(IReadOnlyList<Uri> Urls, TimeSpan Duration, GatewayProtocol Protocol, string? Output, int SetupConcurrency, IReadOnlyList<int> ServerPids)
{
    public Uri Url(int index) => Urls[index % Urls.Count];
}
