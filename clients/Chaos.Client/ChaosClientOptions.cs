namespace Chaos.Client;

/// <summary>Where the client talks to and how it behaves; every value has a usable default.</summary>
public sealed class ChaosClientOptions
{
    /// <summary>The front door, e.g. <c>http://localhost:5080</c>; REST goes under <c>/api/v1</c>.</summary>
    public Uri BaseAddress { get; set; } = new("http://localhost:5080");

    /// <summary>Refresh ahead of expiry by this margin instead of waiting for a 401.</summary>
    public TimeSpan RefreshAhead { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>An own handler (proxies, tests); the client does not dispose it.</summary>
    public HttpMessageHandler? Handler { get; set; }
}
