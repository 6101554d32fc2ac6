namespace Chaos.Hosting;

/// <summary>The <c>Chaos</c> configuration section (ARCHITECTURE.md lists the keys operators rely on).</summary>
public sealed class ChaosOptions
{
    public const string Section = "Chaos";

    public string ClusterId { get; set; } = "chaos";

    public string ServiceId { get; set; } = "chaos";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos use to reach this one; loopback when unset.</summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>Split mode: the front door joins the cluster as a pure Orleans client instead of co-hosting a silo.</summary>
    public bool FrontDoorOnly { get; set; }
}
