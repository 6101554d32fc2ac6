using System.Text.RegularExpressions;
using Chaos.Client.Errors;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Client.Gateway;

/// <summary>Reads the server's error out of a <see cref="HubException"/>: the same codes as REST.</summary>
internal static partial class HubErrors
{
    public static ChaosApiException Translate(HubException exception)
    {
        // The client sees "An unexpected error occurred invoking 'X' on the server. HubException: code: detail".
        var text = exception.Message;
        var marker = text.IndexOf("HubException: ", StringComparison.Ordinal);
        var body = marker >= 0 ? text[(marker + "HubException: ".Length)..] : text;
        var match = CodePattern().Match(body);
        return match.Success
            ? new ChaosApiException(ErrorCodes.StatusOf(match.Groups[1].Value), match.Groups[1].Value, match.Groups[2].Value)
            : new ChaosApiException(System.Net.HttpStatusCode.InternalServerError, ErrorCodes.Unknown, text);
    }

    /// <summary>SignalR fails calls still pending when the server closes the connection with this HubException.</summary>
    public static bool IsConnectionClosed(HubException exception) =>
        exception.Message.StartsWith("The server closed the connection", StringComparison.Ordinal);

    [GeneratedRegex("^([a-z_]+): ?(.*)$", RegexOptions.Singleline)]
    private static partial Regex CodePattern();
}
