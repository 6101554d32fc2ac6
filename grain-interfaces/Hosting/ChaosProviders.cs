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

    /// <summary>One support conversation's events (key: conversation id); a guest's connection hears only this.</summary>
    public const string SupportNamespace = "support";

    /// <summary>Every conversation event of one support desk (key: community id), for agents watching it.</summary>
    public const string SupportDeskNamespace = "supportdesk";
}
