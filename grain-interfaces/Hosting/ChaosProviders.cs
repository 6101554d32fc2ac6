namespace Chaos.Hosting;

/// <summary>Names of the Orleans storage and stream providers and of the stream namespaces (docs/architecture.md#streams-and-namespaces).</summary>
public static class ChaosProviders
{
    public const string GrainStorage = "chaos";
    public const string PubSubStorage = "PubSubStore";
    public const string Streams = "chaos-streams";

    public const string ChannelNamespace = "channel";
    public const string CommunityNamespace = "community";
    public const string UserNamespace = "user";
    public const string PresenceNamespace = "presence";
    public const string VoiceNamespace = "voice";
}
