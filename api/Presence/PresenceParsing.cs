using Chaos.Accounts;
using Chaos.Errors;
using Chaos.Presence;

namespace Chaos.Api.Presence;

/// <summary>Turns the wire's status strings into <see cref="PresenceStatus"/>; the grain re-checks everything.</summary>
public static class PresenceParsing
{
    public static PresenceStatus ParseStatus(string? status, string? statusMessage)
    {
        var parsed = status switch
        {
            "online" => PresenceStatus.Online,
            "away" => PresenceStatus.Away,
            "busy" => PresenceStatus.Busy,
            "invisible" => PresenceStatus.Invisible,
            _ => (PresenceStatus?)null,
        };
        if (parsed is null)
        {
            throw ChaosException.Validation("status", "status must be \"online\", \"away\", \"busy\" or \"invisible\".");
        }

        if (AccountRules.CheckStatusMessage(statusMessage) is { } error)
        {
            throw ChaosException.Validation("statusMessage", error);
        }

        return parsed.Value;
    }
}
